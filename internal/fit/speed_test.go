package fit

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

// llama1B is a Llama-3.2-1B-like shape: 16 layers, 32 heads of 64, 8 KV heads.
func llama1B() Shape {
	s := Shape{Layers: 16, Heads: 32, KeyLength: 64, ValueLength: 64, KVHeads: make([]uint64, 16), Sliding: make([]bool, 16),
		Vocab: 128256, Embedding: 2048, FeedForward: 8192}
	fill(s.KVHeads, 8)
	return s
}

func near(t *testing.T, got, want float64, what string) {
	t.Helper()
	if math.Abs(got-want) > 0.051 {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// Policy section 7's formulas on hand-computed figures.
func TestGPUDecodeFormula(t *testing.T) {
	// 4.6 GB read per token on an RTX 4090 (1008 GB/s):
	// 1 / (1.5 ms + 4.6e9 / (0.83 x 1008e9)) = 142.9 tok/s.
	in := SpeedInput{Weights: Weights{Blocks: []uint64{4.6e9}}, Shape: llama1B(), Context: 8192}
	d := GPUDecode(in, 1008)
	assert.Equal(t, Band{100, 142.9, 185.8}, d.Empty)
	// At 8192 tokens each token also reads 8192 x 16 layers x 8 heads x
	// 128 x 2 bytes = 268,435,456 bytes of KV cache.
	near(t, d.Full[1], 1/(1.5e-3+(4.6e9+268435456)/(0.83*1008e9)), "full")
	// The same bytes on an H100 SXM (3350 GB/s): 1 / (1.5 ms + 1.6544 ms).
	near(t, GPUDecode(in, 3350).Empty[1], 317.0, "H100")
}

func TestCPUDecodeFormula(t *testing.T) {
	zen4 := CPUSpeed{Class: CPUAVX512, Threads: 2, Bandwidth: 20e9}
	q8 := Weights{Blocks: []uint64{1e9}, Matmul: []Matmul{{Type: "Q8_0", Params: 1e9, BPW: 8.5}}}
	q4 := Weights{Blocks: []uint64{562500000}, Matmul: []Matmul{{Type: "Q4_0", Params: 1e9, BPW: 4.5}}}
	f16 := Weights{Blocks: []uint64{2e9}, Matmul: []Matmul{{Type: "F16", Params: 1e9, BPW: 16}}}
	for _, c := range []struct {
		name          string
		w             Weights
		empty, prompt float64
	}{
		// 1 / (2.7 ms + max(1e9 / 20e9, 2e9 / (2 x 29e9))) = 1 / 52.7 ms: memory-bound.
		{"Q8_0", q8, 1 / (2.7e-3 + 0.05), 2 * 101e9 / 2e9},
		// max(0.5625e9 / 20e9, 2e9 / (2 x 54e9)) = 28.125 ms.
		{"Q4_0", q4, 1 / (2.7e-3 + 0.028125), 2 * 130e9 / 2e9},
		// max(2e9 / 20e9, 2e9 / (2 x 30e9)) = 100 ms.
		{"F16", f16, 1 / (2.7e-3 + 0.1), 2 * 38e9 / 2e9},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, p, interp, ok := CPUDecode(SpeedInput{Weights: c.w, Shape: llama1B(), Context: 1000}, zen4)
			require.True(t, ok)
			assert.Empty(t, interp, "a calibrated type")
			near(t, d.Empty[1], c.empty, "empty")
			near(t, p[1], c.prompt, "prompt")
			assert.InDelta(t, d.Empty[1]*0.7, d.Empty[0], 0.1)
			assert.InDelta(t, d.Empty[1]*1.3, d.Empty[2], 0.1)
			// At 1000 tokens: + 1000 x 16 x 8 x 128 x 2 bytes of KV, and
			// A = 4 x 16 x 32 x 64 x 1000 FLOPs at 2 x 15 GFLOP/s.
			kv := 1000.0 * 16 * 8 * 128 * 2
			a := 4.0 * 16 * 32 * 64 * 1000 / (2 * 15e9)
			w := float64(c.w.Read())
			compute := 2 * float64(c.w.Params()) / (2 * map[string]float64{"Q8_0": 29, "Q4_0": 54, "F16": 30}[c.name] * 1e9)
			near(t, d.Full[1], 1/(2.7e-3+math.Max((w+kv)/20e9, compute)+a), "full")
		})
	}
	// Q6_K (6.5625 bits) lies between Q4_0 (54) and Q8_0 (29): R = 41.1.
	q6 := Weights{Blocks: []uint64{1}, Matmul: []Matmul{{Type: "Q6_K", Params: 1e9, BPW: 6.5625}}}
	d, _, interp, ok := CPUDecode(SpeedInput{Weights: q6, Shape: llama1B()}, zen4)
	require.True(t, ok)
	assert.Equal(t, []string{"Q6_K"}, interp)
	near(t, d.Empty[1], 1/(2.7e-3+2e9/(2*(54-25*(6.5625-4.5)/4)*1e9)), "Q6_K")
	// Another CPU class has no speed.
	for _, class := range []string{CPUAVX2, CPUNEON, ""} {
		_, _, _, ok := CPUDecode(SpeedInput{Weights: q8, Shape: llama1B()}, CPUSpeed{Class: class, Threads: 8, Bandwidth: 50e9})
		assert.False(t, ok, class)
	}
}

func TestBand(t *testing.T) {
	assert.Equal(t, Band{17.5, 25, 32.5}, NewBand(25))
	assert.Equal(t, "~25 tok/s (18-32)", NewBand(25).String(), "policy section 7's example")
	assert.Equal(t, "~3.2 tok/s (2.2-4.2)", NewBand(3.2).String())
}

// The 8B header (bartowski's Meta-Llama-3.1-8B-Instruct, Q8_0) read with
// its tensor infos, and the layer split counted by hand.
func llama8B(t *testing.T) (Shape, *Tensors, Variant) {
	t.Helper()
	f, err := gguf.NewPreset(gguf.PresetLlama31_8B, gguf.Q8_0)
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = f.WriteHeader(&buf)
	require.NoError(t, err)
	info, _, err := gguf.ReadWith(&buf, 16<<20, gguf.Options{Tensors: true})
	require.NoError(t, err)
	s, u := FromGGUF(info)
	require.Nil(t, u)
	const file = "Meta-Llama-3.1-8B-Instruct-Q8_0.gguf"
	v := Variant{Name: "Q8_0", Format: "gguf", Files: []File{{Path: file}}, Size: 8540770880, SizeKnown: true, Complete: true}
	return s, &Tensors{File: file, Sums: info.Tensors}, v
}

func TestGPULayersLlama8B(t *testing.T) {
	s, ts, v := llama8B(t)
	w := WeightsOf(v, ts, &s)
	require.NotNil(t, w)
	require.Equal(t, WeightsTensorInfos, w.Source)
	// By hand: a block is 231,768,064 bytes of Q8_0 and F32 norms, plus its
	// KV cache at 32,768 tokens (32768 x 8 heads x 256 x 2 = 134,217,728):
	// 365,985,792. The output layer: 4096 x 128256 Q8_0 = 558,170,112 +
	// the 16,384-byte norm. Compute at 32,768 tokens: (128256 + 8192) x
	// 2048 = 279,445,504; the cuda reserve 479,199,232. So the output layer
	// and the fixed costs take 1,316,831,232 bytes, and 5 GiB
	// (5,368,709,120) leaves room for 11 blocks: -ngl 12.
	assert.Equal(t, uint64(558186496), w.Output)
	assert.Equal(t, uint64(279445504), ComputeBuffer(s, 32768))
	k, ok := GPULayers(*w, s, 32768, DeviceCUDA, 5*GiB)
	require.True(t, ok)
	assert.Equal(t, 12, k)
	// One byte short of the 12th layer: 11.
	edge := uint64(1316831232 + 11*365985792)
	k, _ = GPULayers(*w, s, 32768, DeviceCUDA, edge)
	assert.Equal(t, 12, k)
	k, _ = GPULayers(*w, s, 32768, DeviceCUDA, edge-1)
	assert.Equal(t, 11, k)
	// Room for everything: 32 blocks + the output layer.
	k, _ = GPULayers(*w, s, 32768, DeviceCUDA, 24*GiB)
	assert.Equal(t, 33, k)
	// Not even the output layer: 0.
	k, _ = GPULayers(*w, s, 32768, DeviceCUDA, 1<<30)
	assert.Equal(t, 0, k)
	// Without per-block figures there is no split.
	_, ok = GPULayers(Weights{Source: WeightsFileSize}, s, 32768, DeviceCUDA, 5*GiB)
	assert.False(t, ok)
}

// Another variant of the repo takes the header's figures scaled to its
// size; a tied model's output layer is the embedding's copy.
func TestWeightsOf(t *testing.T) {
	s, ts, v := llama8B(t)
	exact := WeightsOf(v, ts, &s)
	q4 := Variant{Name: "Q4_K_M", Format: "gguf", Files: []File{{Path: "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"}}, Size: 4920734272, SizeKnown: true, Complete: true}
	w := WeightsOf(q4, ts, &s)
	require.NotNil(t, w)
	assert.Equal(t, WeightsScaled, w.Source)
	ratio := float64(w.Read()) / float64(exact.Read())
	assert.InDelta(t, 4920734272.0/float64(ts.Sums.Total()), ratio, 0.001)
	// The 8B reads its blocks and output matrix, not its token embedding:
	// about 93.5% of the file.
	assert.InDelta(t, 0.935, float64(exact.Read())/float64(ts.Sums.Total()), 0.005)
	assert.False(t, exact.Tied)

	f, err := gguf.NewPreset(gguf.PresetQwen25_05B, gguf.Q8_0)
	require.NoError(t, err)
	var buf bytes.Buffer
	_, _ = f.WriteHeader(&buf)
	info, _, err := gguf.ReadWith(&buf, 16<<20, gguf.Options{Tensors: true})
	require.NoError(t, err)
	qs, _ := FromGGUF(info)
	qv := Variant{Name: "Q8_0", Format: "gguf", Files: []File{{Path: "q.gguf"}}, Size: 531000000, SizeKnown: true, Complete: true}
	qw := WeightsOf(qv, &Tensors{File: "q.gguf", Sums: info.Tensors}, &qs)
	assert.True(t, qw.Tied)
	assert.Equal(t, info.Tensors.TokenEmbd+info.Tensors.OutputNorm, qw.Output, "the tied output reads the embedding")
	// No tensor infos: the file size stands for the bytes read.
	assert.Equal(t, WeightsFileSize, WeightsOf(qv, nil, &qs).Source)
	assert.Nil(t, WeightsOf(Variant{Name: "x", Format: "gguf"}, nil, &qs), "no size")
}

// Section 7's JSON: per variant, per worker: decode bands and basis on a
// GPU of the table (prompt null), the CPU with prompt, a reason for a GPU
// outside it; gpu_layers per offload variant.
func TestJudgeSpeedJSON(t *testing.T) {
	s, ts, _ := llama8B(t)
	machine := func(gpu string, bw float64, vram uint64) Machine {
		return Machine{OS: "linux", Arch: "amd64", CPU: Memory{Available: u64(20 * GiB), Source: "--memory"},
			GPUs:     []GPU{{Name: gpu, Free: vram, Source: "--vram", Bandwidth: bw}},
			CPUSpeed: &CPUSpeed{Class: CPUAVX512, Threads: 8, Bandwidth: 60e9}}
	}
	in := Input{Repo: "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF",
		Listing: Variants(Repo{Files: files("Meta-Llama-3.1-8B-Instruct-Q8_0.gguf", 8540770880, "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", 4920734272)}),
		Shape:   &s, Tensors: ts, ModelContext: 131072, Workers: workers(), Recommended: cudaW,
		Machine: machine("NVIDIA GeForce RTX 4090", 1008, 24*GiB)}
	res := Judge(in)
	out, err := json.Marshal(res.Variants[0].Speed)
	require.NoError(t, err)
	var got map[string]map[string]any
	require.NoError(t, json.Unmarshal(out, &got))
	cuda := got[cudaW]
	assert.Equal(t, "gpu:NVIDIA GeForce RTX 4090 1008 GB/s", cuda["basis"])
	assert.Nil(t, cuda["prompt"])
	assert.Contains(t, cuda, "prompt", "prompt is null on a GPU, not absent")
	dec := cuda["decode"].(map[string]any)
	empty := dec["empty"].([]any)
	require.Len(t, empty, 3)
	mid := empty[1].(float64)
	// 8B Q8_0 on a 4090: about 7.5 GB read per token, ~90 tok/s.
	assert.InDelta(t, 90, mid, 5)
	assert.InDelta(t, mid*0.7, empty[0].(float64), 0.1)
	assert.Less(t, dec["full"].([]any)[1].(float64), mid, "a full context reads the KV cache too")
	cpu := got[cpuW]
	assert.NotNil(t, cpu["prompt"])
	assert.Contains(t, cpu["basis"], "cpu:x86-64 AVX-512 8 threads 60.0 GB/s")
	assert.Nil(t, res.Variants[0].GPULayers)
	// The best file's decode in search --fit --json.
	require.NotNil(t, res.Summary().Decode)
	assert.Equal(t, mid, *res.Summary().Decode)

	// A GPU outside the table: speed unknown, with the reason.
	in.Machine = machine("NVIDIA GeForce GTX 1050 Ti", 0, 24*GiB)
	res = Judge(in)
	assert.Equal(t, &Speed{Reason: SpeedGPUNotCalibrated}, res.Variants[0].Speed[cudaW])
	assert.Nil(t, res.Summary().Decode)

	// 5 GiB: offload, with -ngl per worker and no speed for the split.
	in.Machine = machine("NVIDIA GeForce RTX 4090", 1008, 5*GiB)
	res = Judge(in)
	q8 := res.Variants[0]
	assert.Equal(t, Offload, *q8.Fit[cudaW])
	assert.Equal(t, map[string]int{cudaW: 12, rocmW: 12}, q8.GPULayers)
	assert.Equal(t, SpeedPartialOffload, q8.Speed[cudaW].Reason)
	b, _ := json.Marshal(q8)
	var v map[string]any
	require.NoError(t, json.Unmarshal(b, &v))
	assert.True(t, reflect.DeepEqual(map[string]any{cudaW: 12.0, rocmW: 12.0}, v["gpu_layers"]), "%v", v["gpu_layers"])
}
