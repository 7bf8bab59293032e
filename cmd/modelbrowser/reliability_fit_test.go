package main

// The fit (FIT_POLICY.md) through the built binary against the fake Hub:
// the "Files and fit" table of the eight-quant Qwen GGUF repo, the `fit`
// object of check --json key for key, the cache (a second check asks
// nothing), the bounds of the GGUF header read and where the token goes,
// and REPO:LABEL. Every run passes --memory (and --vram where a GPU is
// meant), so nothing depends on this machine's free memory; the harness's
// empty PATH hides nvidia-smi and rocm-smi.

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// qwenGGUF is the sample repo with eight quants.
const qwenGGUF = "Qwen/Qwen2.5-0.5B-Instruct-GGUF"

// qwenQuants are its variants, largest first, with their files' sizes
// (samples/catalog.json). The fp16 file's name holds no quant of the
// policy's pattern (FP16 is not F16), so its stem names it.
var qwenQuants = []struct {
	label string
	size  uint64
}{
	{"FP16", 1266425504}, // qwen2.5-0.5b-instruct-fp16.gguf: FP16 is a label (FIT_POLICY 1 as amended)
	{"Q8_0", 675713312},
	{"Q6_K", 650178848},
	{"Q5_K_M", 522069088},
	{"Q4_K_M", 491400032},
	{"Q3_K_M", 432132768},
	{"Q4_0", 428730528},
	{"Q2_K", 415089312},
}

func qwenLabels() []string {
	out := make([]string, len(qwenQuants))
	for i, q := range qwenQuants {
		out[i] = q.label
	}
	return out
}

// humanSize is FIT_POLICY.md section 5's size for people, written here
// independently of the code: GiB with one decimal, MiB below 1 GiB.
func humanSize(b uint64) string {
	if b >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

// fitRow is one row of check's "Files and fit" table.
type fitRow struct {
	marked bool // "> ": the variant REPO:LABEL named
	label  string
	size   string
	memory string
	levels map[string]string // column (CPU, CUDA, ...) -> the level, e.g. "✓ fits *"
	// speeds is what follows the level in the cell (FIT_POLICY.md section
	// 7): "~25 tok/s (18-32)", "-ngl 27", "speed ?" or "".
	speeds map[string]string
}

// speedAt is where a cell's speed starts after its level, len(cell) when
// it has none.
func speedAt(cell string) int {
	at := len(cell)
	for _, m := range []string{" ~", " -ngl ", " speed ?"} {
		if i := strings.Index(cell, m); i >= 0 && i < at {
			at = i
		}
	}
	return at
}

// cellSplit splits a table line at runs of two or more spaces.
var cellSplit = regexp.MustCompile(`\s{2,}`)

// fitTable parses the "Files and fit" section of check's text output: its
// title, the level columns of its header, and its rows.
func fitTable(t *testing.T, out string) (title string, cols []string, rows []fitRow) {
	t.Helper()
	lines := strings.Split(out, "\n")
	at := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "Files and fit") })
	require.GreaterOrEqual(t, at, 0, "no Files and fit section:\n%s", out)
	require.Greater(t, len(lines), at+1, "%s", out)
	title = lines[at]
	head := cellSplit.Split(strings.TrimSpace(lines[at+1]), -1)
	require.GreaterOrEqual(t, len(head), 4, "header %q", lines[at+1])
	require.Equal(t, []string{"VARIANT", "SIZE", "MEMORY"}, head[:3], "header %q", lines[at+1])
	cols = head[3:]
	for _, l := range lines[at+2:] {
		if !strings.HasPrefix(l, "    ") && !strings.HasPrefix(l, "  > ") {
			break
		}
		cells := cellSplit.Split(strings.TrimSpace(l[4:]), -1)
		require.Len(t, cells, 3+len(cols), "row %q", l)
		r := fitRow{marked: l[2] == '>', label: cells[0], size: cells[1], memory: cells[2], levels: map[string]string{}, speeds: map[string]string{}}
		for i, c := range cols {
			cell := cells[3+i]
			at := speedAt(cell)
			r.levels[c], r.speeds[c] = cell[:at], strings.TrimSpace(cell[at:])
		}
		rows = append(rows, r)
	}
	return title, cols, rows
}

// checkDoc is the part of check --json these tests read.
type checkDoc struct {
	Compatible        bool   `json:"compatible"`
	RecommendedWorker string `json:"recommended_worker"`
	Warnings          []struct {
		Code string `json:"code"`
	} `json:"warnings"`
	Fit *struct {
		Context  int64 `json:"context"`
		Variants []struct {
			Name   string `json:"name"`
			Size   uint64 `json:"size"`
			Memory struct {
				Low  *uint64 `json:"low"`
				High *uint64 `json:"high"`
			} `json:"memory"`
		} `json:"variants"`
		Best       map[string]*string `json:"best"`
		MaxContext map[string]*int64  `json:"max_context"`
	} `json:"fit"`
}

func (d checkDoc) codes() []string {
	var out []string
	for _, w := range d.Warnings {
		out = append(out, w.Code)
	}
	return out
}

func decodeCheck(t *testing.T, r binResult) checkDoc {
	t.Helper()
	var d checkDoc
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &d), "%s", r)
	require.NotNil(t, d.Fit, "%s", r)
	return d
}

// The table lists the eight variants, largest first, each with its size,
// its memory low-high (the same figures as --json), its level per worker,
// and the best starred: every quant fits in 16 GiB, so the largest.
func TestBinaryFitTableEightQuants(t *testing.T) {
	t.Parallel()
	b := newFitBin(t)
	r := b.run("check", qwenGGUF, "--memory", "16GiB")
	require.Equal(t, exitOK, r.code, "%s", r)
	title, cols, rows := fitTable(t, r.stdout)
	assert.Contains(t, title, "context 32768 tokens")
	assert.Contains(t, title, "llm-worker-rbee-cpu")
	assert.Equal(t, []string{"CPU"}, cols, "no GPU and no --vram: the cpu worker alone")
	assert.Contains(t, r.stdout, "16.0 GiB RAM (--memory) · no GPU")

	j := decodeCheck(t, b.run("check", qwenGGUF, "--memory", "16GiB", "--json"))
	require.Len(t, rows, len(qwenQuants), "%s", r.stdout)
	require.Len(t, j.Fit.Variants, len(qwenQuants))
	for i, q := range qwenQuants {
		row, v := rows[i], j.Fit.Variants[i]
		assert.Equal(t, q.label, row.label, "row %d", i)
		assert.Equal(t, humanSize(q.size), row.size, "%s", q.label)
		assert.False(t, row.marked, "%s: nothing was named", q.label)
		require.Equal(t, q.label, v.Name)
		assert.Equal(t, q.size, v.Size, "%s: the Hub's size", q.label)
		require.NotNil(t, v.Memory.Low, "%s: the header gave the shape", q.label)
		require.NotNil(t, v.Memory.High, "%s", q.label)
		assert.Less(t, q.size, *v.Memory.Low, "%s: low is weights + KV", q.label)
		assert.Equal(t, humanSize(*v.Memory.Low)+"-"+humanSize(*v.Memory.High), row.memory, "%s", q.label)
		want := "✓ fits"
		if i == 0 {
			want += " *"
		}
		assert.Equal(t, want, row.levels["CPU"], "%s", q.label)
	}
	assert.Equal(t, map[string]*string{"llm-worker-rbee-cpu": &qwenQuants[0].label}, j.Fit.Best)
	assert.Empty(t, j.Fit.MaxContext, "the smallest fits at the default context")
	assert.NotContains(t, j.codes(), "MEM_TIGHT")
	assert.NotContains(t, j.codes(), "MEM_TOO_BIG")
}

// --vram 8GiB stands for one GPU: the cuda (and on Linux rocm) workers are
// judged as if it were there, and cuda, first in the device order, is
// recommended, with its best variant starred in its column.
func TestBinaryFitTableWithVRAM(t *testing.T) {
	t.Parallel()
	var gpuCols []string
	switch runtime.GOOS {
	case "linux":
		gpuCols = []string{"CUDA", "ROCM"}
	case "windows":
		gpuCols = []string{"CUDA"}
	default:
		t.Skip("--vram stands for a cuda or rocm GPU only where those workers run")
	}
	b := newFitBin(t)
	r := b.run("check", qwenGGUF, "--memory", "16GiB", "--vram", "8GiB")
	require.Equal(t, exitOK, r.code, "%s", r)
	title, cols, rows := fitTable(t, r.stdout)
	assert.Equal(t, append([]string{"CPU"}, gpuCols...), cols)
	assert.Contains(t, title, "llm-worker-rbee-cuda")
	assert.Contains(t, r.stdout, "recommended worker llm-worker-rbee-cuda")

	j := decodeCheck(t, b.run("check", qwenGGUF, "--memory", "16GiB", "--vram", "8GiB", "--json"))
	assert.Equal(t, "llm-worker-rbee-cuda", j.RecommendedWorker)
	best := j.Fit.Best["llm-worker-rbee-cuda"]
	require.NotNil(t, best, "an 8 GiB GPU holds every quant")
	assert.Equal(t, qwenQuants[0].label, *best)
	require.Len(t, rows, len(qwenQuants))
	var starred []string
	for _, row := range rows {
		for _, c := range cols {
			assert.True(t, strings.HasPrefix(row.levels[c], "✓ fits"), "%s on %s: %q", row.label, c, row.levels[c])
		}
		if strings.HasSuffix(row.levels["CUDA"], " *") {
			starred = append(starred, row.label)
		}
	}
	assert.Equal(t, []string{*best}, starred, "the cuda column stars its best variant only")
	for i, v := range j.Fit.Variants {
		// memory is the recommended worker's: cuda's high carries the
		// 457 MiB reserve the cpu's does not.
		require.NotNil(t, v.Memory.High)
		assert.Equal(t, humanSize(*v.Memory.Low)+"-"+humanSize(*v.Memory.High), rows[i].memory, "%s", v.Name)
	}
}

// When nothing fits the recommended worker has no best variant: MEM_TOO_BIG,
// no context that would fit (null, not absent), and --require-fit exits 1.
// At 1 GiB the quants are tight: the largest tight one is the best, with
// MEM_TIGHT, and max_context names the largest context (a multiple of 1024)
// at which Q2_K fits: 415089312 + 24·2·128·2·n + (151936 + 2·896)·512·4
// <= 2^30 gives n <= 27979, so 27648.
func TestBinaryFitTooBigAndTight(t *testing.T) {
	t.Parallel()
	b := newFitBin(t)
	tests := map[string]struct {
		memory     string
		best       *string
		maxContext *int64
		warning    string
		requireFit int
	}{
		"nothing fits in 600 MiB": {memory: "600MiB", warning: "MEM_TOO_BIG", requireFit: exitNegative},
		"tight in 1 GiB":          {memory: "1GiB", best: ptr("Q6_K"), maxContext: ptr(int64(27648)), warning: "MEM_TIGHT", requireFit: exitOK},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := b.run("check", qwenGGUF, "--memory", tc.memory)
			require.Equal(t, exitOK, r.code, "a fit warning leaves the model compatible: %s", r)
			assert.Contains(t, r.stdout, tc.warning)
			j := decodeCheck(t, b.run("check", qwenGGUF, "--memory", tc.memory, "--json"))
			assert.True(t, j.Compatible)
			assert.Contains(t, j.codes(), tc.warning)
			require.Contains(t, j.Fit.Best, "llm-worker-rbee-cpu", "best names the worker even without a variant")
			assert.Equal(t, tc.best, j.Fit.Best["llm-worker-rbee-cpu"])
			require.Contains(t, j.Fit.MaxContext, "llm-worker-rbee-cpu")
			assert.Equal(t, tc.maxContext, j.Fit.MaxContext["llm-worker-rbee-cpu"])

			rf := b.run("check", qwenGGUF, "--memory", tc.memory, "--require-fit")
			assert.Equal(t, tc.requireFit, rf.code, "%s", rf)
		})
	}
	r := b.run("check", qwenGGUF, "--memory", "600MiB")
	_, _, rows := fitTable(t, r.stdout)
	for _, row := range rows {
		assert.Equal(t, "✗ too big", row.levels["CPU"], "%s", row.label)
	}
	assert.Contains(t, r.stdout, "The smallest file (Q2_K, 396 MiB) needs at least 780 MiB at 32768 tokens; this machine offers 600 MiB.")
}

func ptr[T any](v T) *T { return &v }

// keysOf is the sorted key set of a JSON object.
func keysOf(t *testing.T, v any, what string) []string {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "%s is not an object: %#v", what, v)
	return slices.Sorted(maps.Keys(m))
}

func sorted(s ...string) []string { return slices.Sorted(slices.Values(s)) }

// The fit object has exactly the keys of FIT_POLICY.md section 5, unknown
// figures are null (never 0 or absent), and an incompatible model has
// "fit": null.
func TestBinaryFitJSONKeys(t *testing.T) {
	t.Parallel()
	b := newFitBin(t)
	// A llama repo whose config.json gives the context but not the shape.
	b.hub.AddRepos(hubtest.Repo{
		ID: "shapeless/llama-1b", ModelType: "llama", Architectures: []string{"LlamaForCausalLM"},
		Files:             []string{"config.json", "model.safetensors"},
		Tags:              []string{"text-generation", "safetensors"},
		SafetensorsParams: map[string]int64{"BF16": 1_000_000_000},
		ConfigJSON:        map[string]any{"model_type": "llama", "max_position_embeddings": 8192},
	})
	var (
		fitKeys     = sorted("context", "machine", "variants", "best", "max_context")
		machineKeys = sorted("cpu", "gpus")
		cpuKeys     = sorted("available", "total", "source")
		gpuKeys     = sorted("name", "total", "free", "source")
		variantKeys = sorted("name", "format", "files", "size", "complete", "shape", "memory", "fit", "llama_cpp", "speed")
		fileKeys    = sorted("path", "size")
		shapeKeys   = sorted("layers", "kv_heads", "key_length", "value_length", "sliding_layers", "window", "vocab", "embedding", "feed_forward", "source")
		memoryKeys  = sorted("weights", "kv_cache", "compute", "low", "high")
	)
	fitOf := func(args ...string) (map[string]any, binResult) {
		t.Helper()
		r := b.run(append([]string{"check", "--json"}, args...)...)
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), "%s", r)
		require.Contains(t, doc, "fit", "%s", r)
		if doc["fit"] == nil {
			return nil, r
		}
		assert.Equal(t, fitKeys, keysOf(t, doc["fit"], "fit"), "%s", r)
		return doc["fit"].(map[string]any), r
	}

	t.Run("GGUF with --vram", func(t *testing.T) {
		f, r := fitOf(qwenGGUF, "--memory", "16GiB", "--vram", "8GiB")
		require.NotNil(t, f, "%s", r)
		assert.Equal(t, 32768.0, f["context"])
		machine := f["machine"].(map[string]any)
		assert.Equal(t, machineKeys, keysOf(t, machine, "machine"))
		cpu := machine["cpu"].(map[string]any)
		assert.Equal(t, cpuKeys, keysOf(t, cpu, "machine.cpu"))
		assert.Equal(t, float64(16<<30), cpu["available"])
		assert.Equal(t, "--memory", cpu["source"])
		require.Contains(t, cpu, "total")
		assert.Nil(t, cpu["total"], "an override has no total")
		gpus := machine["gpus"].([]any)
		require.Len(t, gpus, 1, "--vram stands for one GPU")
		assert.Equal(t, gpuKeys, keysOf(t, gpus[0], "machine.gpus[0]"))
		assert.Equal(t, float64(8<<30), gpus[0].(map[string]any)["free"])
		assert.Nil(t, gpus[0].(map[string]any)["total"])

		variants := f["variants"].([]any)
		require.Len(t, variants, len(qwenQuants))
		for i, vv := range variants {
			assert.Equal(t, variantKeys, keysOf(t, vv, "variant"))
			v := vv.(map[string]any)
			assert.Equal(t, qwenQuants[i].label, v["name"])
			assert.Equal(t, "gguf", v["format"])
			assert.Equal(t, true, v["complete"])
			files := v["files"].([]any)
			require.Len(t, files, 1)
			assert.Equal(t, fileKeys, keysOf(t, files[0], "file"))
			assert.Equal(t, float64(qwenQuants[i].size), files[0].(map[string]any)["size"])
			assert.Equal(t, float64(qwenQuants[i].size), v["size"])
			assert.Equal(t, shapeKeys, keysOf(t, v["shape"], "shape"))
			shape := v["shape"].(map[string]any)
			// Qwen2.5-0.5B: 24 layers, 2 KV heads of 64, vocab 151936, width 896.
			assert.Equal(t, map[string]any{"layers": 24.0, "kv_heads": 2.0, "key_length": 64.0, "value_length": 64.0,
				"sliding_layers": 0.0, "window": 0.0, "vocab": 151936.0, "embedding": 896.0, "feed_forward": 4864.0, "source": "gguf-header"}, shape)
			assert.Equal(t, []any{"-hf", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:" + qwenQuants[i].label}, v["llama_cpp"], "each quant is reached by its own tag")
			assert.Equal(t, memoryKeys, keysOf(t, v["memory"], "memory"))
			mem := v["memory"].(map[string]any)
			kv := 24.0 * 32768 * 2 * (64 + 64) * 2
			compute := (151936.0 + 2*896) * 512 * 4
			reserve := 457.0 * (1 << 20) // cuda is recommended
			w := float64(qwenQuants[i].size)
			assert.Equal(t, map[string]any{"weights": w, "kv_cache": kv, "compute": compute, "low": w + kv, "high": w + kv + compute + reserve}, mem, "%s", v["name"])
			levels := keysOf(t, v["fit"], "variant fit")
			assert.Contains(t, levels, "llm-worker-rbee-cpu")
			assert.Contains(t, levels, "llm-worker-rbee-cuda")
			assert.NotContains(t, levels, "llm-worker-rbee-metal", "another platform's worker is left out")
		}
		best := f["best"].(map[string]any)
		assert.Equal(t, qwenQuants[0].label, best["llm-worker-rbee-cuda"])
		assert.NotContains(t, best, "llm-worker-rbee-metal")
		assert.Equal(t, map[string]any{}, f["max_context"])
	})

	t.Run("unknown shape", func(t *testing.T) {
		f, r := fitOf("shapeless/llama-1b", "--memory", "16GiB")
		require.NotNil(t, f, "%s", r)
		variants := f["variants"].([]any)
		require.Len(t, variants, 1, "%s", r)
		v := variants[0].(map[string]any)
		assert.Equal(t, sorted(append(variantKeys, "shape_unknown")...), keysOf(t, v, "variant"))
		require.Contains(t, v, "shape")
		assert.Nil(t, v["shape"], "no shape: null")
		why := v["shape_unknown"].(map[string]any)
		assert.Equal(t, "keys-missing", why["reason"], "config.json gives the context but no layer count")
		assert.Equal(t, "config.json lacks num_hidden_layers", why["message"])
		assert.Equal(t, memoryKeys, keysOf(t, v["memory"], "memory"))
		mem := v["memory"].(map[string]any)
		assert.Nil(t, mem["kv_cache"], "unknown KV cache: null, not 0")
		assert.Nil(t, mem["high"], "unknown high: null, not 0")
		assert.Equal(t, mem["weights"], mem["low"], "low is the weights alone")
		assert.Equal(t, v["size"], mem["weights"])
		assert.Equal(t, "unknown", v["fit"].(map[string]any)["llm-worker-rbee-cpu"], "the weights fit, the KV cache is unknown: unknown")
		assert.Nil(t, f["best"].(map[string]any)["llm-worker-rbee-cpu"], "an unknown level is never the best")
	})

	t.Run("incompatible", func(t *testing.T) {
		f, r := fitOf("openai-community/gpt2", "--memory", "16GiB")
		assert.Nil(t, f, "%s", r)
		assert.Equal(t, exitNegative, r.code, "%s", r)
	})
}

// rangeSpec is a single "bytes=a-b" range.
var rangeSpec = regexp.MustCompile(`^bytes=(\d+)-(\d+)$`)

// A check reads sizes and a GGUF header once: the second asks the fake Hub
// nothing at all (neither origin). The header is read in Range requests of
// at most 2 MiB, 16 MiB in all, and the token never reaches the file
// storage origin.
func TestBinaryFitSecondCheckAsksNothing(t *testing.T) {
	t.Parallel()
	b := newFitBin(t)
	first := b.run("check", qwenGGUF, "--memory", "16GiB")
	require.Equal(t, exitOK, first.code, "%s", first)

	reqs := b.hub.Requests()
	var files, tokened int
	var total int64
	for _, q := range reqs {
		if q.Route != hubtest.RouteFiles {
			if q.Header.Get("Authorization") == "Bearer "+binToken {
				tokened++
			}
			continue
		}
		files++
		assert.Empty(t, q.Header.Get("Authorization"), "the token went to the file storage: %s %s", q.Method, q.Path)
		assert.Equal(t, "identity", q.Header.Get("Accept-Encoding"), "%s %s", q.Method, q.Path)
		m := rangeSpec.FindStringSubmatch(q.Header.Get("Range"))
		require.NotNil(t, m, "a file read without a single bounded Range: %q", q.Header.Get("Range"))
		from, _ := strconv.ParseInt(m[1], 10, 64)
		to, _ := strconv.ParseInt(m[2], 10, 64)
		require.LessOrEqual(t, from, to)
		n := to - from + 1
		assert.LessOrEqual(t, n, int64(2<<20), "one Range over 2 MiB: %s", q.Header.Get("Range"))
		total += n
	}
	assert.Positive(t, files, "the header was read from the file storage")
	assert.Positive(t, tokened, "the Hub got the token, so its absence on the storage means something")
	assert.LessOrEqual(t, total, int64(16<<20), "the header read asked for more than 16 MiB")
	t.Logf("first check: %d requests (%d to the file storage, %d bytes asked)", len(reqs), files, total)

	b.hub.ResetRequests()
	second := b.run("check", qwenGGUF, "--memory", "16GiB")
	require.Equal(t, exitOK, second.code, "%s", second)
	assert.Empty(t, b.hub.Requests(), "the second check asked the Hub")
	assert.Equal(t, first.stdout, second.stdout, "the same answer from the cache")
}

// check REPO:LABEL marks that variant; an unknown label is an error that
// names the variants.
func TestBinaryFitRepoLabel(t *testing.T) {
	t.Parallel()
	b := newFitBin(t)
	r := b.run("check", qwenGGUF+":Q4_K_M", "--memory", "16GiB")
	require.Equal(t, exitOK, r.code, "%s", r)
	_, _, rows := fitTable(t, r.stdout)
	require.Len(t, rows, len(qwenQuants))
	var marked []string
	for _, row := range rows {
		if row.marked {
			marked = append(marked, row.label)
		}
	}
	assert.Equal(t, []string{"Q4_K_M"}, marked)

	// As people paste it: hf.co/, a label in lower case (FIT_POLICY 6).
	pasted := b.run("check", "hf.co/"+qwenGGUF+":q4_k_m", "--memory", "16GiB")
	require.Equal(t, exitOK, pasted.code, "%s", pasted)
	_, _, rows = fitTable(t, pasted.stdout)
	marked = nil
	for _, row := range rows {
		if row.marked {
			marked = append(marked, row.label)
		}
	}
	assert.Equal(t, []string{"Q4_K_M"}, marked, "q4_k_m names Q4_K_M")

	bad := b.run("check", qwenGGUF+":NOPE", "--memory", "16GiB")
	requireOneLineError(t, bad)
	assert.Contains(t, bad.stderr, `"NOPE"`)
	for _, l := range qwenLabels() {
		assert.Contains(t, bad.stderr, l)
	}
}

// newFitBin is newBin with time for the fake Hub's first rendering of a
// GGUF header (150,000 tokens and more), which under the race detector on
// a loaded machine can pass the harness's 2 s request timeout.
func newFitBin(t *testing.T) *binHarness {
	t.Helper()
	b := newBin(t)
	b.vars["HF_HUB_ETAG_TIMEOUT"] = "30"
	return b
}
