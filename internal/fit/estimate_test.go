package fit

import (
	"math"
	"testing"

	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

func mustGGUF(t *testing.T, in gguf.Info) Shape {
	t.Helper()
	s, u := FromGGUF(in)
	if u != nil {
		t.Fatalf("FromGGUF(%+v): %s", in, u)
	}
	return s
}

// Anchor of policy section 3: Qwen3-30B-A3B, 48 layers, 4 KV heads,
// head_dim 128: 98,304 bytes of KV per token.
func TestAnchorQwen3MoEKVPerToken(t *testing.T) {
	s := mustGGUF(t, gguf.Info{Architecture: "qwen3moe", BlockCount: 48, EmbeddingLength: 2048, HeadCount: 32,
		HeadCountKV: []uint64{4}, KeyLength: 128, ValueLength: 128, VocabSize: 151936})
	for _, n := range []int64{256, 1024, 32768, 131072} {
		if got := KVCache(s, n); got != 98304*uint64(n) {
			t.Errorf("KV at %d = %d, want 98,304 x %d = %d", n, got, n, 98304*uint64(n))
		}
	}
}

// Anchor of policy section 3: Gemma-3-1B at 131072 tokens, 536,870,912
// bytes for the 4 full layers and 23,068,672 for the 22 sliding ones.
func TestAnchorGemma3OneB(t *testing.T) {
	s := mustGGUF(t, gguf.Info{Architecture: "gemma3", BlockCount: 26, EmbeddingLength: 1152, HeadCount: 4,
		HeadCountKV: []uint64{1}, KeyLength: 256, ValueLength: 256, SlidingWindow: 512, VocabSize: 262144})
	var full, sliding uint64
	for i := 0; i < s.Layers; i++ {
		bytes := Cells(131072, s.Sliding[i], s.Window) * s.KVHeads[i] * (s.KeyLength + s.ValueLength) * 2
		if s.Sliding[i] {
			sliding += bytes
		} else {
			full += bytes
		}
	}
	if full != 536870912 || sliding != 23068672 {
		t.Errorf("full layers %d, sliding layers %d; want 536,870,912 and 23,068,672", full, sliding)
	}
	if got := KVCache(s, 131072); got != 536870912+23068672 {
		t.Errorf("KVCache = %d", got)
	}
}

// The compute buffers llama.cpp printed for the measured shapes (policy
// section 3): large vocabularies, where the output layer decides
// (Qwen2.5-0.5B, Llama-3.2-1B, Gemma-3-1B), and small ones, where one
// layer's activations and the KQ masks decide (Mistral-7B-v0.3,
// Phi-3-mini).
func TestComputeBufferMeasured(t *testing.T) {
	full := func(n int) []bool { return make([]bool, n) }
	gemmaSliding := make([]bool, 26)
	for i := range gemmaSliding {
		gemmaSliding[i] = i%6 != 5
	}
	type at struct {
		ctx int64
		mib float64
	}
	cases := map[string]struct {
		shape Shape
		want  []at
	}{
		"Qwen2.5-0.5B": {Shape{Layers: 24, Sliding: full(24), Vocab: 151936, Embedding: 896, FeedForward: 4864},
			[]at{{2048, 300.25}, {8192, 300.25}, {32768, 300.25}}},
		"Llama-3.2-1B": {Shape{Layers: 16, Sliding: full(16), Vocab: 128256, Embedding: 2048, FeedForward: 8192},
			[]at{{2048, 258.50}, {8192, 258.50}, {32768, 258.50}}},
		"Gemma-3-1B": {Shape{Layers: 26, Sliding: gemmaSliding, Window: 512, Vocab: 262144, Embedding: 1152, FeedForward: 6912},
			[]at{{2048, 516.50}, {8192, 516.50}, {32768, 516.50}}},
		// 32,768 tokens of vocabulary: out is 80 MiB, one layer 116 MiB
		// plus 2, 32 or 128 MiB of masks.
		"Mistral-7B-v0.3": {Shape{Layers: 32, Sliding: full(32), Vocab: 32768, Embedding: 4096, FeedForward: 14336},
			[]at{{2048, 118}, {32768, 148}, {131072, 244}}},
		// The policy quotes 76 MiB measured at 2k; its formula gives
		// max(out 74.625, layer 72 + 2) there (104 and 200 at 32k and
		// 128k agree).
		"Phi-3-mini": {Shape{Layers: 32, Sliding: full(32), Vocab: 32064, Embedding: 3072, FeedForward: 8192},
			[]at{{2048, 74.625}, {32768, 104}, {131072, 200}}},
		"vocab unknown, n_ff unknown": {Shape{Layers: 2, Embedding: 2048}, []at{{4096, 64}}},
		"n_ff unknown: out alone":     {Shape{Layers: 2, Vocab: 32000, Embedding: 4096}, []at{{131072, 78.5}}},
	}
	for name, tc := range cases {
		for _, a := range tc.want {
			got := ComputeBuffer(tc.shape, a.ctx)
			if float64(got) != a.mib*float64(MiB) {
				t.Errorf("%s at %d: compute %d bytes = %.2f MiB, want %.2f MiB", name, a.ctx, got, float64(got)/float64(MiB), a.mib)
			}
		}
	}
}

// The example of policy section 5: Llama-3.2-3B Q4_K_M at 32768 tokens on
// cuda.
func TestEstimateSectionFiveExample(t *testing.T) {
	s := llama32_3B(t)
	e := NewEstimate(u64(2019377696), &s, 32768, DeviceCUDA)
	want := Estimate{Weights: u64(2019377696), KV: u64(3758096384), Compute: u64(275251200), Reserve: 479199232,
		Low: u64(5777474080), High: u64(6531924512)}
	checkEstimate(t, e, want)
}

func llama32_3B(t *testing.T) Shape {
	return mustGGUF(t, gguf.Info{Architecture: "llama", BlockCount: 28, EmbeddingLength: 3072, HeadCount: 24,
		HeadCountKV: []uint64{8}, VocabSize: 128256, FeedForward: 8192})
}

func checkEstimate(t *testing.T, got, want Estimate) {
	t.Helper()
	eq := func(name string, a, b *uint64) {
		if (a == nil) != (b == nil) || (a != nil && *a != *b) {
			t.Errorf("%s = %v, want %v", name, show(a), show(b))
		}
	}
	eq("weights", got.Weights, want.Weights)
	eq("kv", got.KV, want.KV)
	eq("low", got.Low, want.Low)
	eq("high", got.High, want.High)
	eq("compute", got.Compute, want.Compute)
	if got.Reserve != want.Reserve {
		t.Errorf("reserve %d, want %d", got.Reserve, want.Reserve)
	}
}

func show(p *uint64) any {
	if p == nil {
		return "null"
	}
	return *p
}

func TestEstimateUnknowns(t *testing.T) {
	s := llama32_3B(t)
	// Unknown shape: no KV, no compute, no high; low is the weights.
	checkEstimate(t, NewEstimate(u64(1000), nil, 32768, DeviceCPU),
		Estimate{Weights: u64(1000), Low: u64(1000)})
	// Unknown weights: the KV is known, low and high are not.
	checkEstimate(t, NewEstimate(nil, &s, 256, DeviceMetal),
		Estimate{KV: u64(256 * 28 * 8 * 512), Compute: u64(275251200), Reserve: 512 * MiB})
}

func TestReserve(t *testing.T) {
	for dev, want := range map[string]uint64{"cpu": 0, "cuda": 457 * MiB, "ROCM": 457 * MiB, "metal": 512 * MiB, "tpu": 0} {
		if got := Reserve(dev); got != want {
			t.Errorf("Reserve(%q) = %d, want %d", dev, got, want)
		}
	}
}

func TestCells(t *testing.T) {
	cases := []struct {
		nCtx    int64
		sliding bool
		window  uint64
		want    uint64
	}{
		{0, false, 0, 0}, {-5, false, 0, 0},
		{1, false, 0, 256}, {256, false, 0, 256}, {257, false, 0, 512}, {32768, false, 0, 32768}, {32769, false, 0, 33024},
		{2048, true, 4096, 2048}, {32768, true, 4096, 4608}, {131072, true, 512, 1024}, {100, true, 512, 256},
		{32768, true, 1000, 1536}, {math.MaxInt64, false, 0, 1 << 63},
		{math.MaxInt64, true, math.MaxUint64, 1 << 63},
	}
	for _, tc := range cases {
		if got := Cells(tc.nCtx, tc.sliding, tc.window); got != tc.want {
			t.Errorf("Cells(%d, %v, %d) = %d, want %d", tc.nCtx, tc.sliding, tc.window, got, tc.want)
		}
	}
}

// Absurd shapes saturate at the largest uint64 instead of wrapping round
// to a small number that would look like a fit.
func TestEstimateSaturates(t *testing.T) {
	huge := Shape{Layers: 3, KVHeads: []uint64{math.MaxUint64 / 2, 1, 1}, KeyLength: math.MaxUint64, ValueLength: 1,
		Sliding: make([]bool, 3), Vocab: math.MaxUint64, Embedding: math.MaxUint64}
	e := NewEstimate(u64(math.MaxUint64-1), &huge, math.MaxInt64, DeviceCUDA)
	if *e.KV != math.MaxUint64 || *e.Compute != math.MaxUint64 || *e.Low != math.MaxUint64 || *e.High != math.MaxUint64 {
		t.Errorf("estimate = kv %d compute %d low %d high %d, want all saturated", *e.KV, *e.Compute, *e.Low, *e.High)
	}
	m := Machine{CPU: Memory{Available: u64(math.MaxUint64)}}
	if l := LevelOf(e, DeviceCPU, m); l != Fits {
		// MaxUint64 <= MaxUint64: the arithmetic stays ordered.
		t.Errorf("level %s", l)
	}
	m.CPU.Available = u64(math.MaxUint64 - 1)
	if l := LevelOf(NewEstimate(u64(10), &huge, 1<<20, DeviceCPU), DeviceCPU, m); l != TooBig {
		t.Errorf("an absurd shape's level is %s, want too_big", l)
	}
}
