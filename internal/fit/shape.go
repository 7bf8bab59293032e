package fit

import (
	"math"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

// Sources of a shape, as the output names them.
const (
	SourceGGUF       = "gguf-header"
	SourceConfig     = "config.json"
	SourceBaseConfig = "base_model:config.json"
)

// MaxLayers bounds the layer count a shape may have; more is treated as a
// broken header or config, not as a model.
const MaxLayers = 1 << 16

// Shape is what the KV cache and compute buffer depend on (policy
// section 2). Zero Vocab or Embedding means unknown.
type Shape struct {
	Layers      int
	KVHeads     []uint64 // per layer
	KeyLength   uint64
	ValueLength uint64
	Sliding     []bool // per layer: true for a sliding-window layer
	Window      uint64 // the sliding window, 0 when no layer slides
	Vocab       uint64
	Embedding   uint64
	// Source is SourceGGUF, SourceConfig or SourceBaseConfig.
	Source string
}

// SlidingLayers counts the sliding-window layers.
func (s Shape) SlidingLayers() int {
	n := 0
	for _, b := range s.Sliding {
		if b {
			n++
		}
	}
	return n
}

// FromGGUF builds a shape from a GGUF header. K and V lengths default to
// embedding_length / head_count and head_count_kv to head_count; which
// layers slide follows the architecture (gemma2: even layers, window 4096
// unless the header says; gemma3: the header's pattern, else every layer
// but each sixth; others: none). ok is false when a needed figure is
// missing or inconsistent.
func FromGGUF(in gguf.Info) (Shape, bool) {
	if in.BlockCount == 0 || in.BlockCount > MaxLayers {
		return Shape{}, false
	}
	n := int(in.BlockCount)
	s := Shape{Layers: n, Vocab: in.VocabSize, Embedding: in.EmbeddingLength, Source: SourceGGUF}
	s.KeyLength, s.ValueLength = in.KeyLength, in.ValueLength
	if s.KeyLength == 0 || s.ValueLength == 0 {
		if in.EmbeddingLength == 0 || in.HeadCount == 0 {
			return Shape{}, false
		}
		def := in.EmbeddingLength / in.HeadCount
		if s.KeyLength == 0 {
			s.KeyLength = def
		}
		if s.ValueLength == 0 {
			s.ValueLength = def
		}
	}
	s.KVHeads = make([]uint64, n)
	switch len(in.HeadCountKV) {
	case 0:
		if in.HeadCount == 0 {
			return Shape{}, false
		}
		fill(s.KVHeads, in.HeadCount)
	case 1:
		fill(s.KVHeads, in.HeadCountKV[0])
	case n:
		copy(s.KVHeads, in.HeadCountKV)
	default:
		return Shape{}, false
	}
	s.Sliding = make([]bool, n)
	switch strings.ToLower(in.Architecture) {
	case "gemma2":
		s.Window = in.SlidingWindow
		if s.Window == 0 {
			s.Window = 4096 // llama.cpp's default for gemma2
		}
		for i := range s.Sliding {
			s.Sliding[i] = i%2 == 0
		}
	case "gemma3", "gemma3_text":
		if in.SlidingWindow == 0 {
			break // no window: every layer holds the full context
		}
		s.Window = in.SlidingWindow
		if len(in.SlidingPattern) == n {
			copy(s.Sliding, in.SlidingPattern)
		} else {
			for i := range s.Sliding {
				s.Sliding[i] = i%6 != 5
			}
		}
	}
	if s.SlidingLayers() == 0 {
		s.Window = 0
	}
	return s, true
}

// FromConfig builds a shape from a decoded config.json (numbers as
// float64, as JSON decoders give them) and the model's model_type. Keys
// are read from text_config first, then the top level. head_dim defaults
// to 256 for gemma, gemma2, gemma3 and gemma3_text, else hidden_size /
// num_attention_heads; num_key_value_heads defaults to
// num_attention_heads. Sliding layers follow the architecture: gemma2 even
// layers; gemma3 layer_types, else sliding_window_pattern (every p-th
// layer is global), else every sixth layer global; any other type none.
// Only finite, non-negative whole numbers count. ok is false when the
// layer count or the head figures are missing. The result's Source is
// SourceConfig; set SourceBaseConfig for a base model's config.
func FromConfig(cfg map[string]any, modelType string) (Shape, bool) {
	text, _ := cfg["text_config"].(map[string]any)
	get := func(key string) (uint64, bool) {
		if text != nil {
			if v, ok := whole(text[key]); ok {
				return v, true
			}
		}
		return whole(cfg[key])
	}
	raw := func(key string) any {
		if text != nil {
			if v, ok := text[key]; ok && v != nil {
				return v
			}
		}
		return cfg[key]
	}
	mt := strings.ToLower(modelType)
	if mt == "" {
		mt, _ = raw("model_type").(string)
		mt = strings.ToLower(mt)
	}
	layers, ok := get("num_hidden_layers")
	if !ok || layers == 0 || layers > MaxLayers {
		return Shape{}, false
	}
	n := int(layers)
	heads, hasHeads := get("num_attention_heads")
	hidden, _ := get("hidden_size")
	vocab, _ := get("vocab_size")
	kvHeads, ok := get("num_key_value_heads")
	if !ok {
		if !hasHeads {
			return Shape{}, false
		}
		kvHeads = heads
	}
	headDim, ok := get("head_dim")
	if !ok {
		switch mt {
		case "gemma", "gemma2", "gemma3", "gemma3_text":
			headDim = 256
		default:
			if !hasHeads || heads == 0 || hidden == 0 {
				return Shape{}, false
			}
			headDim = hidden / heads
		}
	}
	s := Shape{Layers: n, KeyLength: headDim, ValueLength: headDim, Vocab: vocab, Embedding: hidden, Source: SourceConfig}
	s.KVHeads = make([]uint64, n)
	fill(s.KVHeads, kvHeads)
	s.Sliding = make([]bool, n)
	window, hasWindow := get("sliding_window")
	switch mt {
	case "gemma2":
		if !hasWindow || window == 0 {
			window = 4096 // transformers' default for gemma2
		}
		s.Window = window
		for i := range s.Sliding {
			s.Sliding[i] = i%2 == 0
		}
	case "gemma3", "gemma3_text":
		if !hasWindow || window == 0 {
			break // no window: every layer holds the full context
		}
		s.Window = window
		types, _ := raw("layer_types").([]any)
		pattern, hasPattern := get("sliding_window_pattern")
		switch {
		case len(types) == n:
			for i, t := range types {
				s.Sliding[i] = t == "sliding_attention"
			}
		case hasPattern && pattern > 0:
			for i := range s.Sliding {
				s.Sliding[i] = uint64(i+1)%pattern != 0
			}
		default:
			for i := range s.Sliding {
				s.Sliding[i] = i%6 != 5
			}
		}
	}
	if s.SlidingLayers() == 0 {
		s.Window = 0
	}
	return s, true
}

// whole reads a config number: a finite, non-negative whole number no
// larger than 2^53 (beyond that float64 is not exact). Anything else,
// including 4096.9, 1e30 and -1, is unknown.
func whole(v any) (uint64, bool) {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || x > 1<<53 || x != math.Trunc(x) {
			return 0, false
		}
		return uint64(x), true
	case int:
		if x < 0 {
			return 0, false
		}
		return uint64(x), true
	case int64:
		if x < 0 {
			return 0, false
		}
		return uint64(x), true
	case uint64:
		return x, true
	}
	return 0, false
}

func fill(s []uint64, v uint64) {
	for i := range s {
		s[i] = v
	}
}
