package fit

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"testing"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	cpuW   = "llm-worker-rbee-cpu"
	cudaW  = "llm-worker-rbee-cuda"
	metalW = "llm-worker-rbee-metal"
	rocmW  = "llm-worker-rbee-rocm"
)

func workers() []compat.Worker { return compat.DefaultCatalog().Workers }

func TestOffer(t *testing.T) {
	nv := func(free uint64) GPU {
		return GPU{Name: "NVIDIA", Vendor: VendorNVIDIA, Free: free, Source: "nvidia-smi"}
	}
	amd := func(free uint64) GPU { return GPU{Name: "AMD", Vendor: VendorAMD, Free: free, Source: "rocm-smi"} }
	vram := func(free uint64) GPU { return GPU{Name: "--vram", Free: free, Source: "--vram"} }
	mac := func(total, avail *uint64) Machine {
		return Machine{OS: "macos", Arch: "arm64", CPU: Memory{Available: avail, Total: total}}
	}
	cases := map[string]struct {
		m      Machine
		device string
		want   uint64
		ok     bool
	}{
		"cpu available":                  {Machine{CPU: Memory{Available: u64(8 * GiB), Total: u64(16 * GiB)}}, "cpu", 8 * GiB, true},
		"cpu unknown":                    {Machine{CPU: Memory{Total: u64(16 * GiB)}}, "cpu", 0, false},
		"one nvidia GPU, no reserve cut": {Machine{GPUs: []GPU{nv(8 * GiB)}}, "cuda", 8 * GiB, true},
		"two nvidia GPUs, one reserve":   {Machine{GPUs: []GPU{nv(8 * GiB), nv(8 * GiB), amd(4 * GiB)}}, "cuda", 16*GiB - 457*MiB, true},
		"three GPUs, two reserves":       {Machine{GPUs: []GPU{nv(GiB), nv(GiB), nv(GiB)}}, "cuda", 3*GiB - 914*MiB, true},
		"rocm counts only AMD":           {Machine{GPUs: []GPU{nv(8 * GiB), amd(4 * GiB)}}, "rocm", 4 * GiB, true},
		"--vram stands for cuda":         {Machine{GPUs: []GPU{vram(12 * GiB)}}, "cuda", 12 * GiB, true},
		"--vram stands for rocm":         {Machine{GPUs: []GPU{vram(12 * GiB)}}, "rocm", 12 * GiB, true},
		"reserves beyond the free":       {Machine{GPUs: []GPU{nv(100), nv(100)}}, "cuda", 0, true},
		"no GPU for cuda":                {Machine{GPUs: []GPU{amd(4 * GiB)}}, "cuda", 0, false},
		"metal 66% at exactly 36 GiB":    {mac(u64(36*GiB), u64(30*GiB)), "metal", 25512105738, true},
		"metal 75% above 36 GiB":         {mac(u64(36*GiB+1), u64(30*GiB)), "metal", 28991029248, true},
		"metal capped at available":      {mac(u64(64*GiB), u64(10*GiB)), "metal", 10 * GiB, true},
		"metal 75% of 64 GiB":            {mac(u64(64*GiB), u64(60*GiB)), "metal", 48 * GiB, true},
		"metal with --memory, no total":  {mac(nil, u64(16*GiB)), "metal", 11338713661, true},
		"metal takes the Apple GPU's total": {Machine{OS: "macos", Arch: "arm64", CPU: Memory{Available: u64(60 * GiB)},
			GPUs: []GPU{{Name: "Apple M3 Max", Vendor: VendorApple, Total: u64(64 * GiB), Free: 60 * GiB, Source: "unified memory"}}}, "metal", 48 * GiB, true},
		"metal unknown available": {mac(u64(16*GiB), nil), "metal", 0, false},
		"metal on linux":          {Machine{OS: "linux", Arch: "arm64", CPU: Memory{Available: u64(GiB)}}, "metal", 0, false},
		"unknown device":          {Machine{CPU: Memory{Available: u64(GiB)}}, "tpu", 0, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, ok := tc.m.Offer(tc.device)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Offer(%s) = %d, %v; want %d, %v", tc.device, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestLevelBoundaries(t *testing.T) {
	e := Estimate{Low: u64(1000), High: u64(2000)}
	cpu := func(avail uint64) Machine { return Machine{CPU: Memory{Available: u64(avail)}} }
	gpu := func(free uint64, cpuAvail *uint64) Machine {
		return Machine{CPU: Memory{Available: cpuAvail}, GPUs: []GPU{{Vendor: VendorNVIDIA, Free: free}}}
	}
	cases := map[string]struct {
		e      Estimate
		device string
		m      Machine
		want   Level
	}{
		"high exactly equal fits":          {e, "cpu", cpu(2000), Fits},
		"high one byte over is tight":      {e, "cpu", cpu(1999), Tight},
		"low exactly equal is tight":       {e, "cpu", cpu(1000), Tight},
		"low one byte over is too big":     {e, "cpu", cpu(999), TooBig},
		"no offload on cpu":                {e, "cpu", cpu(999), TooBig},
		"offload: low equals GPU + cpu":    {e, "cuda", gpu(600, u64(400)), Offload},
		"GPU + cpu one byte short":         {e, "cuda", gpu(600, u64(399)), TooBig},
		"offload needs a cpu figure":       {e, "cuda", gpu(600, nil), TooBig},
		"cuda fits on the GPU":             {e, "cuda", gpu(2000, nil), Fits},
		"unknown shape: low fits, unknown": {Estimate{Low: u64(1000)}, "cpu", cpu(1 << 40), Unknown},
		"unknown shape: low exactly fits":  {Estimate{Low: u64(1000)}, "cpu", cpu(1000), Unknown},
		"unknown shape: low over, big":     {Estimate{Low: u64(1000)}, "cpu", cpu(999), TooBig},
		"unknown shape on cuda: GPU + cpu": {Estimate{Low: u64(1000)}, "cuda", gpu(600, u64(400)), Unknown},
		"unknown shape on cuda: too big":   {Estimate{Low: u64(1000)}, "cuda", gpu(600, u64(399)), TooBig},
		"unknown size":                     {Estimate{}, "cpu", cpu(1 << 40), Unknown},
		"unknown memory":                   {e, "cpu", Machine{}, Unknown},
		"metal uses its share, not total":  {e, "metal", Machine{OS: "macos", Arch: "arm64", CPU: Memory{Available: u64(2500), Total: u64(2500)}}, Tight},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := LevelOf(tc.e, tc.device, tc.m); got != tc.want {
				t.Errorf("LevelOf = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestRunsHere(t *testing.T) {
	cases := map[string]struct {
		m    Machine
		want []string
	}{
		"linux without a GPU":     {Machine{OS: "linux", Arch: "amd64"}, []string{cpuW}},
		"linux with nvidia":       {Machine{OS: "linux", Arch: "amd64", GPUs: []GPU{{Vendor: VendorNVIDIA}}}, []string{cpuW, cudaW}},
		"linux with --vram":       {Machine{OS: "linux", Arch: "amd64", GPUs: []GPU{{Source: "--vram"}}}, []string{cpuW, cudaW, rocmW}},
		"windows with --vram":     {Machine{OS: "windows", Arch: "amd64", GPUs: []GPU{{Source: "--vram"}}}, []string{cpuW, cudaW}},
		"windows with AMD":        {Machine{OS: "windows", Arch: "amd64", GPUs: []GPU{{Vendor: VendorAMD}}}, []string{cpuW}},
		"apple silicon":           {Machine{OS: "macos", Arch: "arm64"}, []string{cpuW, metalW}},
		"intel mac, nvidia probe": {Machine{OS: "macos", Arch: "amd64", GPUs: []GPU{{Vendor: VendorNVIDIA}}}, []string{cpuW}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, w := range workers() {
				if RunsHere(w, tc.m) {
					got = append(got, w.Name)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("runs here %q, want %q", got, tc.want)
			}
		})
	}
}

func TestContext(t *testing.T) {
	w := compat.Worker{MaxContext: 32768}
	cases := []struct {
		model, requested int64
		w                compat.Worker
		want             int64
		capped           bool
	}{
		{131072, 0, w, 32768, false},
		{8192, 0, w, 8192, false},
		{0, 0, w, 32768, false},
		{131072, 16384, w, 16384, false},
		{8192, 16384, w, 16384, false},
		{8192, 65536, w, 32768, true},
		{0, 0, compat.Worker{}, DefaultContext, false},
		{0, 65536, compat.Worker{}, 65536, false},
	}
	for _, tc := range cases {
		got, capped := Context(tc.model, tc.requested, tc.w)
		if got != tc.want || capped != tc.capped {
			t.Errorf("Context(%d, %d, limit %d) = %d, %v; want %d, %v", tc.model, tc.requested, tc.w.MaxContext, got, capped, tc.want, tc.capped)
		}
	}
}

// llamaListing is a Llama-3.2-3B repo with two quants.
func llamaListing() Listing {
	return Variants(Repo{Files: files(
		"Llama-3.2-3B-Instruct-Q4_K_M.gguf", 2019377696,
		"Llama-3.2-3B-Instruct-Q8_0.gguf", 3421898912)})
}

// Llama-3.2-3B holds 114,688 bytes of KV per token; on cpu high is
// weights + 114,688 x n_ctx + 275,251,200 (n_ctx a multiple of 256).
const (
	q4Weights  = 2019377696
	llamaKV    = 114688
	llamaComp  = 275251200
	fitsAt20k  = q4Weights + llamaKV*20480 + llamaComp
	linuxAMD64 = "linux"
)

func cpuMachine(avail uint64) Machine {
	return Machine{OS: linuxAMD64, Arch: "amd64", CPU: Memory{Available: u64(avail), Source: "--memory"}}
}

func TestMaxContext(t *testing.T) {
	s := llama32_3B(t)
	cases := map[string]struct {
		avail uint64
		want  *int64 // nil: null
		entry bool   // whether max_context has an entry at all
	}{
		"fits exactly at 20480":          {fitsAt20k, ptr[int64](20480), true},
		"one byte short: 19456":          {fitsAt20k - 1, ptr[int64](19456), true},
		"not even at 2048":               {q4Weights + llamaKV*2048 + llamaComp - 1, nil, true},
		"exactly at 2048":                {q4Weights + llamaKV*2048 + llamaComp, ptr[int64](2048), true},
		"smallest fits: nothing to say":  {q4Weights + llamaKV*32768 + llamaComp, nil, false},
		"the docs/fit.md example, 5 GiB": {5 * GiB, ptr[int64](26624), true},
		"largest below n_ctx":            {q4Weights + llamaKV*32768 + llamaComp - 1, ptr[int64](31744), true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := cpuMachine(tc.avail)
			res := Judge(Input{Listing: llamaListing(), Shape: &s, ModelContext: 131072, Workers: workers(), Recommended: cpuW, Machine: m})
			got, entry := res.MaxContext[cpuW]
			if entry != tc.entry || (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
				t.Fatalf("max_context = %v (entry %v), want %v (entry %v)", show64(got), entry, show64(tc.want), tc.entry)
			}
			// The same answer by brute force, from the top down.
			if entry {
				var brute *int64
				v, _ := llamaListing().Variant("Q4_K_M")
				for k := int64(32768-1) / 1024; k >= 2; k-- {
					if LevelOf(NewEstimate(v.Weights(), &s, k*1024, "cpu"), "cpu", m) == Fits {
						brute = ptr(k * 1024)
						break
					}
				}
				if (brute == nil) != (got == nil) || (got != nil && *brute != *got) {
					t.Errorf("binary search %v, brute force %v", show64(got), show64(brute))
				}
			}
		})
	}
}

func show64(p *int64) any {
	if p == nil {
		return "null"
	}
	return *p
}

func TestJudgeBestAndWarnings(t *testing.T) {
	s := llama32_3B(t)
	cases := map[string]struct {
		in       Input
		best     map[string]any // worker -> name or nil
		levels   map[string][]Level
		warnings []compat.Message
		context  int64
	}{
		"nothing fits: MEM_TOO_BIG": {
			in:      Input{Machine: cpuMachine(fitsAt20k)},
			best:    map[string]any{cpuW: nil},
			levels:  map[string][]Level{cpuW: {TooBig, TooBig}},
			context: 32768,
			warnings: []compat.Message{{Code: CodeMemTooBig,
				Message: "The smallest file (Q4_K_M, 1.9 GiB) needs at least 5.4 GiB at 32768 tokens; this machine offers 4.3 GiB."}},
		},
		"--ctx 16384: the small quant fits": {
			in:      Input{Machine: cpuMachine(fitsAt20k), Context: 16384},
			best:    map[string]any{cpuW: "Q4_K_M"},
			levels:  map[string][]Level{cpuW: {TooBig, Fits}},
			context: 16384,
		},
		"tight: MEM_TIGHT": {
			in:      Input{Machine: cpuMachine(4000000000), Context: 16384},
			best:    map[string]any{cpuW: "Q4_K_M"},
			levels:  map[string][]Level{cpuW: {TooBig, Tight}},
			context: 16384,
			warnings: []compat.Message{{Code: CodeMemTight,
				Message: "The best file (Q4_K_M, 1.9 GiB) needs 3.6 GiB to 3.9 GiB at 16384 tokens; this machine offers 3.7 GiB: it may run out of memory."}},
		},
		"offload on a small GPU: MEM_OFFLOAD, largest offload wins": {
			in: Input{Context: 16384, Recommended: cudaW, Machine: Machine{OS: "linux", Arch: "amd64",
				CPU: Memory{Available: u64(8 * GiB)}, GPUs: []GPU{{Name: "RTX", Vendor: VendorNVIDIA, Free: 2 * GiB}}}},
			best:    map[string]any{cpuW: "Q8_0", cudaW: "Q8_0"},
			levels:  map[string][]Level{cpuW: {Fits, Fits}, cudaW: {Offload, Offload}},
			context: 16384,
			warnings: []compat.Message{{Code: CodeMemOffload,
				Message: "The best file (Q8_0, 3.2 GiB) needs at least 4.9 GiB at 16384 tokens; the GPU offers 2.0 GiB: some layers will run on the CPU, slower."}},
		},
		"--ctx over the worker's limit is capped": {
			in:      Input{Machine: cpuMachine(64 * GiB), Context: 65536},
			best:    map[string]any{cpuW: "Q8_0"},
			levels:  map[string][]Level{cpuW: {Fits, Fits}},
			context: 32768,
			warnings: []compat.Message{{Code: CodeCtxRequestCapped,
				Message: "The requested context of 65,536 tokens exceeds llm-worker-rbee-cpu's limit of 32,768; judged at 32,768."}},
		},
		"apple silicon: cpu and metal, no cuda": {
			in: Input{Recommended: metalW, Machine: Machine{OS: "macos", Arch: "arm64",
				CPU: Memory{Available: u64(6 * GiB), Total: u64(16 * GiB)}}},
			best:    map[string]any{cpuW: "Q4_K_M", metalW: "Q4_K_M"},
			levels:  map[string][]Level{cpuW: {TooBig, Fits}, metalW: {TooBig, Tight}},
			context: 32768,
			warnings: []compat.Message{{Code: CodeMemTight,
				Message: "The best file (Q4_K_M, 1.9 GiB) needs 5.4 GiB to 6.1 GiB at 32768 tokens; this machine offers 6.0 GiB: it may run out of memory."}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			in := tc.in
			in.Listing, in.Shape, in.ModelContext, in.Workers = llamaListing(), &s, 131072, workers()
			if in.Recommended == "" {
				in.Recommended = cpuW
			}
			res := Judge(in)
			if res.Context != tc.context {
				t.Errorf("context %d, want %d", res.Context, tc.context)
			}
			gotBest := map[string]any{}
			for w, b := range res.Best {
				if b == nil {
					gotBest[w] = nil
				} else {
					gotBest[w] = *b
				}
			}
			if !reflect.DeepEqual(gotBest, tc.best) {
				t.Errorf("best %v, want %v", gotBest, tc.best)
			}
			gotLevels := map[string][]Level{}
			for _, v := range res.Variants {
				for w, l := range v.Fit {
					gotLevels[w] = append(gotLevels[w], *l)
				}
			}
			if !reflect.DeepEqual(gotLevels, tc.levels) {
				t.Errorf("levels (largest first) %v, want %v", gotLevels, tc.levels)
			}
			if !reflect.DeepEqual(res.Warnings, tc.warnings) {
				t.Errorf("warnings\n got %q\nwant %q", res.Warnings, tc.warnings)
			}
		})
	}
}

// jsonOf marshals v and decodes it again with numbers kept exact.
func jsonOf(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, b)
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return out
}

// The example of policy section 5, one variant, on a linux box with an
// RTX 4090; the recommended worker is cuda, so high holds its reserve.
func TestJudgeJSONSectionFive(t *testing.T) {
	s := llama32_3B(t)
	res := Judge(Input{
		Repo:         "bartowski/Llama-3.2-3B-Instruct-GGUF",
		Listing:      Variants(Repo{Files: files("Llama-3.2-3B-Instruct-Q4_K_M.gguf", 2019377696)}),
		Shape:        &s,
		ModelContext: 131072,
		Workers:      workers(),
		Recommended:  cudaW,
		Machine: Machine{OS: "linux", Arch: "amd64",
			CPU:  Memory{Available: u64(20401094656), Total: u64(25769803776), Source: "/proc/meminfo"},
			GPUs: []GPU{{Name: "NVIDIA RTX 4090", Vendor: VendorNVIDIA, Total: u64(25757220864), Free: 24000000000, Source: "nvidia-smi"}}},
	})
	want := `{
  "context": 32768,
  "machine": {"cpu": {"available": 20401094656, "total": 25769803776, "source": "/proc/meminfo"},
              "gpus": [{"name": "NVIDIA RTX 4090", "total": 25757220864, "free": 24000000000, "source": "nvidia-smi"}]},
  "variants": [
    {"name": "Q4_K_M", "format": "gguf", "files": [{"path": "Llama-3.2-3B-Instruct-Q4_K_M.gguf", "size": 2019377696}],
     "size": 2019377696, "complete": true,
     "shape": {"layers": 28, "kv_heads": 8, "key_length": 128, "value_length": 128, "sliding_layers": 0,
               "window": 0, "vocab": 128256, "embedding": 3072, "feed_forward": 8192, "source": "gguf-header"},
     "memory": {"weights": 2019377696, "kv_cache": 3758096384, "compute": 275251200, "low": 5777474080,
                "high": 6531924512},
     "fit": {"llm-worker-rbee-cpu": "fits", "llm-worker-rbee-cuda": "fits"},
     "llama_cpp": ["-hf", "bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M"],
     "speed": {"llm-worker-rbee-cpu": {"reason": "cpu-not-measured"}, "llm-worker-rbee-cuda": {"reason": "gpu-not-calibrated"}}}
  ],
  "best": {"llm-worker-rbee-cpu": "Q4_K_M", "llm-worker-rbee-cuda": "Q4_K_M"},
  "max_context": {}
}`
	if got, w := jsonOf(t, res), decode(t, []byte(want)); !reflect.DeepEqual(got, w) {
		b, _ := json.MarshalIndent(res, "", "  ")
		t.Errorf("JSON:\n%s\nwant:\n%s", b, want)
	}
}

// Unknown figures are null, never 0: no shape, a file without a size, a
// missing part, an override without a total, no GPUs. With the shape
// unknown a file whose weights fit is "unknown", never the best, and the
// model gets MEM_UNKNOWN with the reason (policy sections 2 and 4).
func TestJudgeJSONUnknowns(t *testing.T) {
	res := Judge(Input{
		Repo: "o/m",
		Listing: Variants(Repo{Files: files(
			"m-Q8_0-00001-of-00002.gguf", 3000,
			"m-Q4_0.gguf", 1000,
			"m-Q2_K.gguf", -1,
		)}),
		ShapeUnknown: UnknownGated(),
		Workers:      workers(),
		Recommended:  cpuW,
		Machine:      Machine{OS: "linux", Arch: "amd64", CPU: Memory{Available: u64(1500), Source: "--memory"}},
	})
	unknown := `{"reason": "gated", "message": "the repo is gated: accept the licence on the model's Hub page and set HF_TOKEN"}`
	want := `{
  "context": 32768,
  "machine": {"cpu": {"available": 1500, "total": null, "source": "--memory"}, "gpus": []},
  "variants": [
    {"name": "Q8_0", "format": "gguf", "files": [{"path": "m-Q8_0-00001-of-00002.gguf", "size": 3000}],
     "size": 3000, "complete": false, "shape": null, "shape_unknown": ` + unknown + `,
     "memory": {"weights": null, "kv_cache": null, "compute": null, "low": null, "high": null},
     "fit": {"llm-worker-rbee-cpu": null}, "llama_cpp": ["-hf", "o/m:Q8_0"], "speed": {}},
    {"name": "Q4_0", "format": "gguf", "files": [{"path": "m-Q4_0.gguf", "size": 1000}],
     "size": 1000, "complete": true, "shape": null, "shape_unknown": ` + unknown + `,
     "memory": {"weights": 1000, "kv_cache": null, "compute": null, "low": 1000, "high": null},
     "fit": {"llm-worker-rbee-cpu": "unknown"}, "llama_cpp": ["-hf", "o/m:Q4_0"],
     "speed": {"llm-worker-rbee-cpu": {"reason": "shape-unknown"}}},
    {"name": "Q2_K", "format": "gguf", "files": [{"path": "m-Q2_K.gguf", "size": null}],
     "size": null, "complete": true, "shape": null, "shape_unknown": ` + unknown + `,
     "memory": {"weights": null, "kv_cache": null, "compute": null, "low": null, "high": null},
     "fit": {"llm-worker-rbee-cpu": "unknown"}, "llama_cpp": ["-hf", "o/m:Q2_K"], "speed": {}}
  ],
  "best": {"llm-worker-rbee-cpu": null},
  "max_context": {"llm-worker-rbee-cpu": null}
}`
	if got, w := jsonOf(t, res), decode(t, []byte(want)); !reflect.DeepEqual(got, w) {
		b, _ := json.MarshalIndent(res, "", "  ")
		t.Errorf("JSON:\n%s\nwant:\n%s", b, want)
	}
	summary := `{"context": 32768, "best": {"llm-worker-rbee-cpu": null}, "max_context": {"llm-worker-rbee-cpu": null},
		"worker": "llm-worker-rbee-cpu", "level": "unknown", "size": 1000, "low": 1000, "high": null, "decode": null, "shape_unknown": ` + unknown + `}`
	if got, w := jsonOf(t, res.Summary()), decode(t, []byte(summary)); !reflect.DeepEqual(got, w) {
		t.Errorf("summary %v, want %v", got, w)
	}
	require.Len(t, res.Warnings, 1)
	assert.Equal(t, CodeMemUnknown, res.Warnings[0].Code)
	assert.Equal(t, "The KV cache of this model is unknown: the repo is gated: accept the licence on the model's Hub page and set HF_TOKEN; "+
		"the smallest file alone needs "+HumanBytes(1000)+" of the "+HumanBytes(1500)+" this machine offers.", res.Warnings[0].Message)
	assert.True(t, res.MaxContextUnknown(cpuW), "max_context is unknown, not 'no context fits'")
}

// With the shape unknown, weights that do not fit even alone are too big
// (MEM_TOO_BIG), and a shape never read is "no-source".
func TestJudgeUnknownShapeTooBig(t *testing.T) {
	res := Judge(Input{Listing: Variants(Repo{Files: files("m-Q4_0.gguf", 2000)}), Workers: workers(), Recommended: cpuW,
		Machine: Machine{OS: "linux", Arch: "amd64", CPU: Memory{Available: u64(1500), Source: "--memory"}}})
	require.Len(t, res.Variants, 1)
	assert.Equal(t, TooBig, *res.Variants[0].Fit[cpuW])
	require.Len(t, res.Warnings, 1)
	assert.Equal(t, CodeMemTooBig, res.Warnings[0].Code)
	require.NotNil(t, res.ShapeUnknown)
	assert.Equal(t, ReasonNoSource, res.ShapeUnknown.Reason)
	assert.False(t, res.MaxContextUnknown(cpuW))
}

// --ctx over the worker's limit is capped with CTX_REQUEST_CAPPED; over the
// model's own context it is judged as asked with CTX_OVER_MODEL; over both,
// both (policy section 3).
func TestJudgeContextWarnings(t *testing.T) {
	s := llama32_3B(t)
	run := func(model, asked int64) Result {
		return Judge(Input{Repo: "TinyLlama/TinyLlama-1.1B-Chat-v1.0", Listing: llamaListing(), Shape: &s, ModelContext: model,
			Context: asked, Workers: workers(), Recommended: cpuW, Machine: cpuMachine(64 * GiB)})
	}
	codes := func(r Result) []string {
		var out []string
		for _, w := range r.Warnings {
			out = append(out, w.Code+": "+w.Message)
		}
		return out
	}
	r := run(2048, 16384)
	assert.Equal(t, int64(16384), r.Context, "judged as asked")
	assert.Equal(t, []string{"CTX_OVER_MODEL: TinyLlama-1.1B-Chat-v1.0 was trained for 2,048 tokens; at 16,384 its answers degrade."}, codes(r))
	r = run(2048, 1000000)
	assert.Equal(t, int64(32768), r.Context)
	assert.Equal(t, []string{
		"CTX_REQUEST_CAPPED: The requested context of 1,000,000 tokens exceeds llm-worker-rbee-cpu's limit of 32,768; judged at 32,768.",
		"CTX_OVER_MODEL: TinyLlama-1.1B-Chat-v1.0 was trained for 2,048 tokens; at 32,768 its answers degrade."}, codes(r))
	assert.Empty(t, codes(run(2048, 0)), "the default context is never over the model's")
	assert.Empty(t, codes(run(131072, 8192)))
}

func TestJudgeShapeKVHeadsPerLayer(t *testing.T) {
	s := Shape{Layers: 3, KVHeads: []uint64{8, 0, 8}, KeyLength: 64, ValueLength: 64, Sliding: make([]bool, 3), Source: SourceConfig}
	got := jsonOf(t, s.JSON()).(map[string]any)
	heads, _ := json.Marshal(got["kv_heads"])
	if string(heads) != "[8,0,8]" || got["vocab"] != nil || got["embedding"] != nil {
		t.Errorf("shape JSON %v", got)
	}
}

// A worker only gets the variants of formats it loads; workers of another
// platform appear nowhere.
func TestJudgeFormatsAndPlatforms(t *testing.T) {
	ggufOnly := compat.Worker{Name: "gguf-only", Device: "cpu", Platforms: []string{"linux"}, Formats: []string{"gguf"}, MaxContext: 4096}
	winOnly := compat.Worker{Name: "win-only", Device: "cpu", Platforms: []string{"windows"}, Formats: []string{"gguf", "safetensors"}, MaxContext: 4096}
	s := llama32_3B(t)
	res := Judge(Input{
		Listing:     Variants(Repo{Files: files("model.safetensors", 5000, "m-Q4_0.gguf", 1000), Parameters: map[string]uint64{"BF16": 1}}),
		Shape:       &s,
		Workers:     []compat.Worker{ggufOnly, winOnly},
		Recommended: "gguf-only",
		Machine:     cpuMachine(64 * GiB),
	})
	var seen []string
	for _, v := range res.Variants {
		for w := range v.Fit {
			seen = append(seen, v.Name+"@"+w)
		}
	}
	sort.Strings(seen)
	if want := []string{"Q4_0@gguf-only"}; !reflect.DeepEqual(seen, want) {
		t.Errorf("fit entries %q, want %q", seen, want)
	}
	if _, ok := res.Best["win-only"]; ok {
		t.Errorf("a windows worker is judged on linux: best %v", res.Best)
	}
	if b := res.Best["gguf-only"]; b == nil || *b != "Q4_0" {
		t.Errorf("best %v", b)
	}
}

// TestForVerdictJudgesTheCompatibleWorkers: the fit of a verdict weighs
// only the workers it found compatible, with its recommended worker, and
// an incompatible verdict has none.
func TestForVerdictJudgesTheCompatibleWorkers(t *testing.T) {
	cat := compat.DefaultCatalog()
	cat.Machine = compat.Machine{OS: "linux", Arch: "amd64"}
	m := compat.Derive(compat.Raw{ID: "org/m-GGUF", HasGGUF: true, GGUFArchitecture: "llama", GGUFContextLength: 8192,
		HasSiblings: true, Siblings: []string{"m-Q4_K_M.gguf"}})
	v := compat.Check(m, cat)
	require.True(t, v.Compatible)
	size := uint64(1 << 30)
	shape := llama32_3B(t)
	facts := Facts{Listing: Variants(Repo{Files: []File{{Path: "m-Q4_K_M.gguf", Size: &size}}}), Shape: &shape}
	avail, total := 8*GiB, 16*GiB
	mach := Machine{OS: "linux", Arch: "amd64", CPU: Memory{Available: &avail, Total: &total, Source: "/proc/meminfo"}}

	res, ok := ForVerdict(facts, m, v, cat, mach, 0)
	require.True(t, ok)
	assert.Equal(t, int64(8192), res.Context, "the model's context, under the worker's limit")
	assert.Len(t, res.Best, 1, "only the cpu worker runs here")
	assert.True(t, res.HasBest("llm-worker-rbee-cpu"))
	assert.Equal(t, "Q4_K_M", *res.Best["llm-worker-rbee-cpu"])

	res, _ = ForVerdict(facts, m, v, cat, mach, 2048)
	assert.Equal(t, int64(2048), res.Context)

	bad := compat.Derive(compat.Raw{ID: "org/gpt", ConfigModelType: "gpt2", HasSiblings: true, Siblings: []string{"model.safetensors"}})
	_, ok = ForVerdict(facts, bad, compat.Check(bad, cat), cat, mach, 0)
	assert.False(t, ok)
}
