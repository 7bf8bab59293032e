package fit

import (
	"math"
	"testing"

	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

func mustGGUF(t *testing.T, in gguf.Info) Shape {
	t.Helper()
	s, ok := FromGGUF(in)
	if !ok {
		t.Fatalf("FromGGUF(%+v) not ok", in)
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

// The compute buffers llama.cpp printed for the three measured shapes.
func TestComputeBufferMeasured(t *testing.T) {
	cases := map[string]struct {
		vocab, embd uint64
		mib         float64
	}{
		"Qwen2.5-0.5B":  {151936, 896, 300.25},
		"Llama-3.2-1B":  {128256, 2048, 258.50},
		"Gemma-3-1B":    {262144, 1152, 516.50},
		"vocab unknown": {0, 2048, 64},
	}
	for name, tc := range cases {
		got := ComputeBuffer(Shape{Vocab: tc.vocab, Embedding: tc.embd})
		if float64(got) != tc.mib*float64(MiB) {
			t.Errorf("%s: compute %d bytes = %.2f MiB, want %.2f MiB", name, got, float64(got)/float64(MiB), tc.mib)
		}
	}
}

// The example of policy section 5: Llama-3.2-3B Q4_K_M at 32768 tokens on
// cuda.
func TestEstimateSectionFiveExample(t *testing.T) {
	s := llama32_3B(t)
	e := NewEstimate(u64(2019377696), &s, 32768, DeviceCUDA)
	want := Estimate{Weights: u64(2019377696), KV: u64(3758096384), Compute: 275251200, Reserve: 479199232,
		Low: u64(5777474080), High: u64(6531924512)}
	checkEstimate(t, e, want)
}

func llama32_3B(t *testing.T) Shape {
	return mustGGUF(t, gguf.Info{Architecture: "llama", BlockCount: 28, EmbeddingLength: 3072, HeadCount: 24,
		HeadCountKV: []uint64{8}, VocabSize: 128256})
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
	if got.Compute != want.Compute || got.Reserve != want.Reserve {
		t.Errorf("compute %d reserve %d, want %d and %d", got.Compute, got.Reserve, want.Compute, want.Reserve)
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
	// Unknown shape: no KV, no high; low is the weights; compute 64 MiB.
	checkEstimate(t, NewEstimate(u64(1000), nil, 32768, DeviceCPU),
		Estimate{Weights: u64(1000), Compute: 64 * MiB, Low: u64(1000)})
	// Unknown weights: the KV is known, low and high are not.
	checkEstimate(t, NewEstimate(nil, &s, 256, DeviceMetal),
		Estimate{KV: u64(256 * 28 * 8 * 512), Compute: 275251200, Reserve: 512 * MiB})
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
	if *e.KV != math.MaxUint64 || e.Compute != math.MaxUint64 || *e.Low != math.MaxUint64 || *e.High != math.MaxUint64 {
		t.Errorf("estimate = kv %d compute %d low %d high %d, want all saturated", *e.KV, e.Compute, *e.Low, *e.High)
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
