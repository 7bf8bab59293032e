package fit

import (
	"math"
	"reflect"
	"testing"

	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

// kvCase is a shape with the figures the tests expect of it.
type kvCase struct {
	shape       Shape
	ok          bool
	layers      int
	sliding     int
	window      uint64
	keyLen      uint64
	nCtx        int64
	kv          uint64
	vocab, embd uint64
	full        []int  // when set, exactly these layers hold the full context
	src         string // when set, the shape's source
	ff          uint64 // when set, the feed-forward width
}

func checkShape(t *testing.T, s Shape, ok bool, tc kvCase) {
	t.Helper()
	if ok != tc.ok {
		t.Fatalf("ok = %v, want %v (shape %+v)", ok, tc.ok, s)
	}
	if !ok {
		return
	}
	if s.Layers != tc.layers || len(s.KVHeads) != tc.layers || len(s.Sliding) != tc.layers {
		t.Errorf("layers %d (kv %d, sliding %d), want %d", s.Layers, len(s.KVHeads), len(s.Sliding), tc.layers)
	}
	if s.SlidingLayers() != tc.sliding || s.Window != tc.window {
		t.Errorf("sliding %d window %d, want %d and %d", s.SlidingLayers(), s.Window, tc.sliding, tc.window)
	}
	if s.KeyLength != tc.keyLen || s.ValueLength != tc.keyLen {
		t.Errorf("key/value length %d/%d, want %d", s.KeyLength, s.ValueLength, tc.keyLen)
	}
	if s.Vocab != tc.vocab || s.Embedding != tc.embd {
		t.Errorf("vocab %d embedding %d, want %d and %d", s.Vocab, s.Embedding, tc.vocab, tc.embd)
	}
	if tc.full != nil {
		var full []int
		for i, sl := range s.Sliding {
			if !sl {
				full = append(full, i)
			}
		}
		if !reflect.DeepEqual(full, tc.full) {
			t.Errorf("full-attention layers %v, want %v", full, tc.full)
		}
	}
	if tc.src != "" && s.Source != tc.src {
		t.Errorf("source %q, want %q", s.Source, tc.src)
	}
	if tc.ff != 0 && s.FeedForward != tc.ff {
		t.Errorf("feed-forward %d, want %d", s.FeedForward, tc.ff)
	}
	if got := KVCache(s, tc.nCtx); got != tc.kv {
		t.Errorf("KV at %d = %d, want %d", tc.nCtx, got, tc.kv)
	}
}

func TestFromGGUF(t *testing.T) {
	cases := map[string]struct {
		in gguf.Info
		kvCase
	}{
		// google/gemma-2-2b-it as converted by ollama (recorded keys): no
		// sliding_window key, so llama.cpp's 4096; even layers slide.
		"gemma2 default window": {
			in:     gguf.Info{Architecture: "gemma2", BlockCount: 26, EmbeddingLength: 2304, HeadCount: 8, HeadCountKV: []uint64{4}, KeyLength: 256, ValueLength: 256, VocabSize: 256000},
			kvCase: kvCase{ok: true, layers: 26, sliding: 13, window: 4096, keyLen: 256, nCtx: 8192, kv: 13*8192*4*512*2 + 13*4608*4*512*2, vocab: 256000, embd: 2304, full: []int{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25}},
		},
		"gemma3 pattern array": {
			in:     gguf.Info{Architecture: "gemma3", BlockCount: 6, EmbeddingLength: 2560, HeadCount: 8, HeadCountKV: []uint64{4}, KeyLength: 256, ValueLength: 256, SlidingWindow: 1024, SlidingPattern: []bool{true, false, true, false, true, false}},
			kvCase: kvCase{ok: true, layers: 6, sliding: 3, window: 1024, keyLen: 256, nCtx: 8192, kv: 3*8192*4*1024 + 3*1536*4*1024, embd: 2560, full: []int{1, 3, 5}},
		},
		// Gemma-3-1B: the anchor of policy section 3 through the period rule.
		"gemma3 period rule (Gemma-3-1B anchor)": {
			in:     gguf.Info{Architecture: "gemma3", BlockCount: 26, EmbeddingLength: 1152, HeadCount: 4, HeadCountKV: []uint64{1}, KeyLength: 256, ValueLength: 256, SlidingWindow: 512, VocabSize: 262144},
			kvCase: kvCase{ok: true, layers: 26, sliding: 22, window: 512, keyLen: 256, nCtx: 131072, kv: 536870912 + 23068672, vocab: 262144, embd: 1152, full: []int{5, 11, 17, 23}},
		},
		"gemma3 without a window: all full": {
			in:     gguf.Info{Architecture: "gemma3", BlockCount: 6, EmbeddingLength: 2560, HeadCount: 8, HeadCountKV: []uint64{4}, KeyLength: 256, ValueLength: 256},
			kvCase: kvCase{ok: true, layers: 6, sliding: 0, window: 0, keyLen: 256, nCtx: 1024, kv: 6 * 1024 * 4 * 1024, embd: 2560},
		},
		// Qwen2.5-0.5B (recorded keys): key length from 896 / 14.
		"qwen2 default key length": {
			in:     gguf.Info{Architecture: "qwen2", BlockCount: 24, EmbeddingLength: 896, HeadCount: 14, HeadCountKV: []uint64{2}, VocabSize: 151936},
			kvCase: kvCase{ok: true, layers: 24, keyLen: 64, nCtx: 2048, kv: 24 * 2048 * 2 * 128 * 2, vocab: 151936, embd: 896},
		},
		"mistral sliding window ignored": {
			in:     gguf.Info{Architecture: "llama", BlockCount: 32, EmbeddingLength: 4096, HeadCount: 32, HeadCountKV: []uint64{8}, SlidingWindow: 4096},
			kvCase: kvCase{ok: true, layers: 32, keyLen: 128, nCtx: 32768, kv: 4 * GiB, embd: 4096},
		},
		"per-layer kv heads": {
			in:     gguf.Info{Architecture: "hybrid", BlockCount: 4, EmbeddingLength: 1024, HeadCount: 8, HeadCountKV: []uint64{8, 8, 0, 8}, KeyLength: 128, ValueLength: 128},
			kvCase: kvCase{ok: true, layers: 4, keyLen: 128, nCtx: 256, kv: 3 * 256 * 8 * 256 * 2, embd: 1024},
		},
		"kv heads default to heads": {
			in:     gguf.Info{Architecture: "llama", BlockCount: 2, EmbeddingLength: 512, HeadCount: 4},
			kvCase: kvCase{ok: true, layers: 2, keyLen: 128, nCtx: 256, kv: 2 * 256 * 4 * 256 * 2, embd: 512},
		},
		"no layers":                    {in: gguf.Info{Architecture: "llama", EmbeddingLength: 512, HeadCount: 4}},
		"absurd layer count":           {in: gguf.Info{Architecture: "llama", BlockCount: 1 << 40, EmbeddingLength: 512, HeadCount: 4}},
		"kv array of the wrong length": {in: gguf.Info{Architecture: "llama", BlockCount: 4, EmbeddingLength: 512, HeadCount: 4, HeadCountKV: []uint64{1, 2, 3}}},
		"no key length and no heads":   {in: gguf.Info{Architecture: "llama", BlockCount: 4, EmbeddingLength: 512, HeadCountKV: []uint64{1}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, u := FromGGUF(tc.in)
			ok := u == nil
			checkShape(t, s, ok, tc.kvCase)
			if !ok && u.Reason != ReasonHeaderUnreadable {
				t.Errorf("reason %q, want %q", u.Reason, ReasonHeaderUnreadable)
			}
			if ok && s.Source != SourceGGUF {
				t.Errorf("source %q", s.Source)
			}
		})
	}
}

func TestFromConfig(t *testing.T) {
	mistral := loadConfig(t, "configjson_mlc-preset_mistral_7b_v03.json")
	mistral["sliding_window"] = 4096.0 // as Mistral-7B-v0.1 ships it
	cases := map[string]struct {
		cfg       map[string]any
		modelType string
		kvCase
	}{
		// head_dim 128 is explicit: hidden_size / heads would say 64.
		"qwen3 explicit head_dim": {
			cfg: loadConfig(t, "configjson_mlc-preset_qwen3_0.6b.json"), modelType: "qwen3",
			kvCase: kvCase{ok: true, layers: 28, keyLen: 128, nCtx: 40960, kv: 28 * 8 * 256 * 2 * 40960, vocab: 151936, embd: 1024},
		},
		"gemma2 even layers slide": {
			cfg: loadConfig(t, "configjson_mlc-preset_gemma2_9b.json"), modelType: "gemma2",
			kvCase: kvCase{ok: true, layers: 42, sliding: 21, window: 4096, keyLen: 256, nCtx: 32768, kv: 21*32768*8*1024 + 21*4608*8*1024, vocab: 256000, embd: 3584, full: []int{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39, 41}},
		},
		"gemma3 sliding_window_pattern (Gemma-3-1B anchor)": {
			cfg: loadConfig(t, "configjson_mlc-preset_gemma3_1b_it.json"), modelType: "gemma3_text",
			kvCase: kvCase{ok: true, layers: 26, sliding: 22, window: 512, keyLen: 256, nCtx: 131072, kv: 536870912 + 23068672, vocab: 262144, embd: 1152, full: []int{5, 11, 17, 23}},
		},
		"gemma3 layer_types in text_config, head_dim defaulted": {
			cfg: map[string]any{"model_type": "gemma3", "vocab_size": 1.0, "text_config": map[string]any{
				"num_hidden_layers": 4.0, "num_attention_heads": 8.0, "num_key_value_heads": 4.0, "hidden_size": 2560.0,
				"sliding_window": 1024.0, "vocab_size": 262208.0,
				"layer_types": []any{"sliding_attention", "full_attention", "sliding_attention", "sliding_attention"}}},
			modelType: "gemma3",
			kvCase: kvCase{ok: true, layers: 4, sliding: 3, window: 1024, keyLen: 256, nCtx: 4096, kv: 4096*4*1024 + 3*1536*4*1024, vocab: 262208, embd: 2560, full: []int{1},
				src: "config.json+defaults:gemma3_text", ff: 9216},
		},
		"gemma3 period rule without layer_types or pattern": {
			cfg:       map[string]any{"num_hidden_layers": 12.0, "num_attention_heads": 8.0, "num_key_value_heads": 4.0, "hidden_size": 2560.0, "sliding_window": 1024.0},
			modelType: "gemma3_text",
			kvCase: kvCase{ok: true, layers: 12, sliding: 10, window: 1024, keyLen: 256, nCtx: 1024, kv: 12 * 1024 * 4 * 1024, vocab: 262208, embd: 2560, full: []int{5, 11},
				src: "config.json+defaults:gemma3_text"},
		},
		"mistral sliding_window ignored": {
			cfg: mistral, modelType: "mistral",
			kvCase: kvCase{ok: true, layers: 32, keyLen: 128, nCtx: 32768, kv: 4 * GiB, vocab: 32768, embd: 4096},
		},
		"phi3 sliding_window 262144 ignored": {
			cfg: loadConfig(t, "configjson_mlc-preset_phi-3_5.json"), modelType: "phi3",
			kvCase: kvCase{ok: true, layers: 32, keyLen: 96, nCtx: 131072, kv: 48 * GiB, vocab: 32064, embd: 3072},
		},
		"llama 3.2 1B explicit head_dim 64": {
			cfg: loadConfig(t, "configjson_mlc-preset_llama3_2_1b.json"), modelType: "llama",
			kvCase: kvCase{ok: true, layers: 16, keyLen: 64, nCtx: 32768, kv: 16 * 8 * 128 * 2 * 32768, vocab: 128256, embd: 2048},
		},
		"model_type read from the config when not given": {
			cfg: map[string]any{"model_type": "gemma2", "num_hidden_layers": 2.0, "num_attention_heads": 8.0, "num_key_value_heads": 1.0, "hidden_size": 64.0},
			kvCase: kvCase{ok: true, layers: 2, sliding: 1, window: 4096, keyLen: 256, nCtx: 256, kv: 2 * 256 * 1024, vocab: 256000, embd: 64,
				src: "config.json+defaults:gemma2", ff: 9216},
		},
		"no layer count":                                 {cfg: map[string]any{"num_attention_heads": 8.0, "hidden_size": 64.0}, modelType: "llama"},
		"fractional layer count":                         {cfg: map[string]any{"num_hidden_layers": 4096.9, "num_attention_heads": 8.0, "hidden_size": 64.0}, modelType: "llama"},
		"layer count 1e30":                               {cfg: map[string]any{"num_hidden_layers": 1e30, "num_attention_heads": 8.0, "hidden_size": 64.0}, modelType: "llama"},
		"negative layer count":                           {cfg: map[string]any{"num_hidden_layers": -1.0, "num_attention_heads": 8.0, "hidden_size": 64.0}, modelType: "llama"},
		"layer count as a string":                        {cfg: map[string]any{"num_hidden_layers": "28", "num_attention_heads": 8.0, "hidden_size": 64.0}, modelType: "llama"},
		"no heads, no head_dim, a type without defaults": {cfg: map[string]any{"num_hidden_layers": 2.0, "num_key_value_heads": 2.0, "hidden_size": 64.0}, modelType: "starcoder2"},
		"heads but no hidden size":                       {cfg: map[string]any{"num_hidden_layers": 2.0, "num_attention_heads": 8.0}, modelType: "llama"},
		"broken hidden size is unknown":                  {cfg: map[string]any{"num_hidden_layers": 2.0, "num_attention_heads": 8.0, "hidden_size": 4096.5}, modelType: "qwen2"},
		"layer count beyond the maximum":                 {cfg: map[string]any{"num_hidden_layers": float64(MaxLayers + 1), "num_attention_heads": 8.0, "hidden_size": 64.0}, modelType: "llama"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, u := FromConfig(tc.cfg, tc.modelType)
			ok := u == nil
			checkShape(t, s, ok, tc.kvCase)
			if !ok && u.Reason != ReasonKeysMissing {
				t.Errorf("reason %q, want %q", u.Reason, ReasonKeysMissing)
			}
			if ok && tc.src == "" && s.Source != SourceConfig {
				t.Errorf("source %q", s.Source)
			}
		})
	}
}

func TestWholeNumbers(t *testing.T) {
	cases := []struct {
		in   any
		want uint64
		ok   bool
	}{
		{4096.0, 4096, true}, {0.0, 0, true}, {float64(1 << 53), 1 << 53, true},
		{4096.9, 0, false}, {1e30, 0, false}, {-1.0, 0, false}, {math.NaN(), 0, false}, {math.Inf(1), 0, false},
		{"4096", 0, false}, {nil, 0, false}, {true, 0, false}, {7, 7, true}, {int64(-3), 0, false},
	}
	for _, tc := range cases {
		got, ok := whole(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("whole(%v) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
