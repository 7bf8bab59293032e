package main

import (
	"path/filepath"
	"testing"

	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

const mib = 1 << 20

// shapeOf writes f's header to a sparse file and reads its shape back, as
// estimate does.
func shapeOf(t *testing.T, f file) fit.Shape {
	t.Helper()
	h, err := gguf.NewPreset(f.preset, f.typ)
	if err != nil {
		t.Fatal(err)
	}
	if f.blocks > 0 {
		s, _ := gguf.PresetShape(f.preset)
		if err := cut(h, s.Arch, f.blocks); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "m.gguf")
	if _, err := h.WriteSparseFile(path); err != nil {
		t.Fatal(err)
	}
	shape, err := readShape(path)
	if err != nil {
		t.Fatal(err)
	}
	return shape
}

// The amended compute rule (FIT_POLICY.md section 3) against the figures
// llama.cpp logs for these shapes (BENCHMARKS.md): Mistral 7B's one layer
// and masks decide (118 / 148 / 244 MiB), Llama 3.2 1B's output layer
// (258.5 MiB), and Gemma 3's masks count the sliding window once.
func TestComputeBuffer(t *testing.T) {
	cases := []struct {
		f         file
		ctx       int64
		want, out float64 // MiB
		layerWins bool
	}{
		{file{preset: gguf.PresetMistral7B, typ: gguf.Q8_0}, 2048, 118, 80, true},
		{file{preset: gguf.PresetMistral7B, typ: gguf.Q8_0}, 32768, 148, 80, true},
		{file{preset: gguf.PresetMistral7B, typ: gguf.Q8_0, blocks: 4}, 131072, 244, 80, true},
		{file{preset: gguf.PresetLlama32_1B, typ: gguf.Q8_0}, 32768, 258.5, 258.5, false},
		{file{preset: gguf.PresetGemma3_1B, typ: gguf.Q8_0}, 32768, 516.5, 516.5, false},
	}
	for _, c := range cases {
		s := shapeOf(t, c.f)
		preset, _ := gguf.PresetShape(c.f.preset)
		got, out, layer := computeBuffer(s, preset.FeedForward, c.ctx)
		if float64(got) != c.want*mib || float64(out) != c.out*mib || (layer > out) != c.layerWins {
			t.Errorf("%s at %d: compute %.2f, out %.2f, layer %.2f MiB; want %.2f, out %.2f, layer wins %v",
				modelName(c.f), c.ctx, float64(got)/mib, float64(out)/mib, float64(layer)/mib, c.want, c.out, c.layerWins)
		}
	}
	// Gemma 3 1B at 32768: one layer (3 x 6912 + 4 x 1152) x 2048, the full
	// mask 32768 x 1024 and the sliding one pad(512 + 512) x 1024.
	s := shapeOf(t, file{preset: gguf.PresetGemma3_1B, typ: gguf.Q8_0})
	if _, _, layer := computeBuffer(s, 6912, 32768); layer != (3*6912+4*1152)*2048+32768*1024+1024*1024 {
		t.Errorf("gemma-3-1b layer term = %d", layer)
	}
	// Without n_ff the output layer alone.
	if got, out, layer := computeBuffer(s, 0, 32768); got != out || layer != 0 {
		t.Errorf("n_ff unknown: compute %d, out %d, layer %d", got, out, layer)
	}
}

func TestCut(t *testing.T) {
	f := file{preset: gguf.PresetPhi3Mini, typ: gguf.Q8_0, blocks: 4}
	if got := modelName(f); got != "phi-3-mini-128k-4of32L-Q8_0" {
		t.Errorf("modelName = %q", got)
	}
	s := shapeOf(t, f)
	if s.Layers != 4 || fit.KVCache(s, 131072) != 6144*mib {
		t.Errorf("cut Phi-3-mini: %d layers, KV at 128k %d", s.Layers, fit.KVCache(s, 131072))
	}
	h, err := gguf.NewPreset(gguf.PresetPhi3Mini, gguf.Q8_0)
	if err != nil {
		t.Fatal(err)
	}
	if err := cut(h, "phi3", 4); err != nil {
		t.Fatal(err)
	}
	// 5 tensors outside the blocks, 6 in each of 4.
	if len(h.Tensors) != 5+4*6 {
		t.Errorf("%d tensors after the cut", len(h.Tensors))
	}
	if err := cut(h, "llama", 2); err == nil {
		t.Error("cut with the wrong architecture: want an error")
	}
}

func TestSelected(t *testing.T) {
	for _, c := range []struct {
		name, only string
		want       bool
	}{
		{"mistral-7b-v0.3-Q8_0", "", true},
		{"mistral-7b-v0.3-Q8_0", "phi, mistral", true},
		{"llama-3.2-1b-Q8_0", "Q4_0", false},
		{"llama-3.2-1b-Q4_0", "Q4_0", true},
		{"qwen2.5-0.5b-F16", " , ", false}, // no part: run() then says so
	} {
		if got := selected(c.name, c.only); got != c.want {
			t.Errorf("selected(%q, %q) = %v", c.name, c.only, got)
		}
	}
}
