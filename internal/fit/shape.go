package fit

import (
	"fmt"
	"math"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

// Sources of a shape, as the output names them. A config whose absent
// keys took their type's defaults adds "+defaults:<type>" (see
// [Shape.Source]).
const (
	SourceGGUF       = "gguf-header"
	SourceConfig     = "config.json"
	SourceBaseConfig = "base_model:config.json"
)

// MaxLayers bounds the layer count a shape may have; more is treated as a
// broken header or config, not as a model.
const MaxLayers = 1 << 16

// Shape is what the KV cache and compute buffer depend on (policy
// section 2). Zero Vocab, Embedding or FeedForward means unknown.
type Shape struct {
	Layers      int
	Heads       uint64   // attention heads (the largest layer's); 0 when unknown
	KVHeads     []uint64 // per layer
	KeyLength   uint64
	ValueLength uint64
	Sliding     []bool // per layer: true for a sliding-window layer
	Window      uint64 // the sliding window, 0 when no layer slides
	Vocab       uint64
	Embedding   uint64
	// FeedForward is the feed-forward width (n_ff), the largest of the
	// layers'.
	FeedForward uint64
	// Source is SourceGGUF, SourceConfig or SourceBaseConfig, with
	// "+defaults:<type>" when Defaulted is not empty.
	Source string
	// Defaulted names the config keys that were absent and took their
	// type's default (policy section 2's table), in order.
	Defaulted []string
	// MoE is true for a mixture-of-experts type, whose compute buffer the
	// policy has not measured.
	MoE bool
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

// Why a shape is unknown (policy section 2, item 4).
const (
	// ReasonGated: config.json answered 401: no token was sent.
	ReasonGated = "gated"
	// ReasonTokenRefused: config.json answered 403 to the token sent.
	ReasonTokenRefused = "token-refused"
	// ReasonHeaderUnreadable: the GGUF header could not be read or parsed,
	// or lacks a shape key.
	ReasonHeaderUnreadable = "header-unreadable"
	// ReasonKeysMissing: config.json lacks a key no default gives.
	ReasonKeysMissing = "keys-missing"
	// ReasonNoSource: no GGUF header, no config.json, no base model.
	ReasonNoSource = "no-source"
)

// ShapeUnknown says why a model's shape is unknown and what fixes it, in
// one sentence for every surface.
type ShapeUnknown struct {
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// Error is the message, so that a ShapeUnknown can travel as an error.
func (u *ShapeUnknown) Error() string { return u.Message }

// UnknownGated is the reason for a config.json that answered 401.
func UnknownGated() *ShapeUnknown {
	return &ShapeUnknown{ReasonGated, "the repo is gated: accept the licence on the model's Hub page and set HF_TOKEN"}
}

// UnknownTokenRefused is the reason for a config.json that answered 403
// to a token.
func UnknownTokenRefused() *ShapeUnknown {
	return &ShapeUnknown{ReasonTokenRefused, "your token cannot read this gated repo: accept the licence on its Hub page, then ask again with --refresh"}
}

// UnknownHeader is the reason for a GGUF header that could not be read;
// detail is the error or the missing key, one line.
func UnknownHeader(detail string) *ShapeUnknown {
	return &ShapeUnknown{ReasonHeaderUnreadable, "the GGUF header could not be read (" + detail + ")"}
}

// UnknownKeys is the reason for a config.json without a key no default
// gives; detail names it.
func UnknownKeys(detail string) *ShapeUnknown {
	return &ShapeUnknown{ReasonKeysMissing, "config.json " + detail}
}

// UnknownNoSource is the reason when nothing gives the shape; detail, when
// not empty, says what was tried.
func UnknownNoSource(detail string) *ShapeUnknown {
	msg := "no GGUF header, config.json or base model gives the model's shape"
	if detail != "" {
		msg += " (" + detail + ")"
	}
	return &ShapeUnknown{ReasonNoSource, msg}
}

// FromGGUF builds a shape from a GGUF header. K and V lengths default to
// embedding_length / head_count and head_count_kv to head_count; which
// layers slide follows the architecture (gemma2: even layers, window 4096
// unless the header says; gemma3: the header's pattern, else every layer
// but each sixth; others: none). A missing or inconsistent figure, or zero
// KV heads, is a [ReasonHeaderUnreadable] naming it.
func FromGGUF(in gguf.Info) (Shape, *ShapeUnknown) {
	arch := in.Architecture
	if arch == "" {
		arch = "{arch}"
	}
	lacks := func(key string) (Shape, *ShapeUnknown) {
		return Shape{}, UnknownHeader("it lacks " + arch + "." + key)
	}
	switch {
	case in.BlockCount == 0:
		return lacks("block_count")
	case in.BlockCount > MaxLayers:
		return Shape{}, UnknownHeader(fmt.Sprintf("%d layers", in.BlockCount))
	}
	n := int(in.BlockCount)
	s := Shape{Layers: n, Heads: in.HeadCount, Vocab: in.VocabSize, Embedding: in.EmbeddingLength, FeedForward: in.FeedForward,
		Source: SourceGGUF, MoE: isMoE(in.Architecture)}
	s.KeyLength, s.ValueLength = in.KeyLength, in.ValueLength
	if s.KeyLength == 0 || s.ValueLength == 0 {
		if in.EmbeddingLength == 0 {
			return lacks("embedding_length")
		}
		if in.HeadCount == 0 {
			return lacks("attention.head_count")
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
			return lacks("attention.head_count")
		}
		fill(s.KVHeads, in.HeadCount)
	case 1:
		fill(s.KVHeads, in.HeadCountKV[0])
	case n:
		copy(s.KVHeads, in.HeadCountKV)
	default:
		return Shape{}, UnknownHeader(fmt.Sprintf("%d KV head counts for %d layers", len(in.HeadCountKV), n))
	}
	if allZero(s.KVHeads) {
		// Zero KV heads in every layer would make a KV cache of 0 and a
		// model that always fits: a broken header, not a model.
		return Shape{}, UnknownHeader("it gives 0 KV heads")
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
	return s, nil
}

// typeDefaults are transformers' config defaults per text model type
// (policy section 2's table), which llama.cpp's converter writes into
// GGUF files. A zero field has no default; kvHeads 0 means "= heads";
// headDim 0 means hidden / heads; window is the default sliding window of
// the types whose layers slide.
type typeDefaults struct {
	heads, kvHeads, headDim, vocab, window, ff uint64
}

var defaultsByType = map[string]typeDefaults{
	"llama":       {heads: 32, vocab: 32000, ff: 11008},
	"mistral":     {heads: 32, kvHeads: 8, vocab: 32000, ff: 14336},
	"mixtral":     {heads: 32, kvHeads: 8, vocab: 32000, ff: 14336},
	"phi":         {heads: 32, vocab: 51200, ff: 8192},
	"phi3":        {heads: 32, vocab: 32064, ff: 8192},
	"qwen2":       {heads: 32, kvHeads: 32, vocab: 151936, ff: 22016},
	"qwen2_moe":   {heads: 16, kvHeads: 16, vocab: 151936, ff: 5632},
	"qwen3":       {heads: 32, kvHeads: 32, headDim: 128, vocab: 151936, ff: 22016},
	"qwen3_moe":   {heads: 32, kvHeads: 4, vocab: 151936, ff: 6144},
	"gemma":       {heads: 16, kvHeads: 16, headDim: 256, vocab: 256000, ff: 24576},
	"gemma2":      {heads: 8, kvHeads: 4, headDim: 256, vocab: 256000, window: 4096, ff: 9216},
	"gemma3_text": {heads: 8, kvHeads: 4, headDim: 256, vocab: 262208, window: 4096, ff: 9216},
}

// textConfigKeys are where a multimodal config keeps its text model's keys.
var textConfigKeys = []string{"text_config", "llm_config", "language_config"}

// textConfig is the part of a config.json that describes the text model
// (text_config, llm_config, language_config or thinker_config.text_config
// when one exists, else the whole config) and that part's model_type.
func textConfig(cfg map[string]any) (map[string]any, bool) {
	for _, k := range textConfigKeys {
		if sub, ok := cfg[k].(map[string]any); ok {
			return sub, true
		}
	}
	if th, ok := cfg["thinker_config"].(map[string]any); ok {
		if sub, ok := th["text_config"].(map[string]any); ok {
			return sub, true
		}
	}
	return cfg, false
}

// FromConfig builds a shape from a decoded config.json (numbers as
// float64, as JSON decoders give them) and the model's model_type (the
// config's own top-level model_type wins). Keys come from the text
// model's part of the config; its type is that part's model_type, else
// gemma3_text for a gemma3 model, else the model's. A key that is absent
// or null takes its type's default (policy section 2's table; the
// source then says "+defaults:<type>" and Defaulted names the keys);
// num_hidden_layers and hidden_size never default. Sliding layers follow
// the type: gemma2 even layers; gemma3_text layer_types, else
// sliding_window_pattern (every p-th layer is global), else every sixth
// layer global; any other type none. Only finite, non-negative whole
// numbers count. A failure is a [ReasonKeysMissing] naming the key. The
// result's Source is based on SourceConfig; for a base model's config
// see [Shape.FromBase].
func FromConfig(cfg map[string]any, modelType string) (Shape, *ShapeUnknown) {
	text, nested := textConfig(cfg)
	get := func(key string) (uint64, bool) { return whole(text[key]) }
	mt := strings.ToLower(modelType)
	if top, ok := cfg["model_type"].(string); ok && top != "" {
		mt = strings.ToLower(top)
	}
	typ := mt
	if nested {
		own, _ := text["model_type"].(string)
		switch {
		case own != "":
			typ = strings.ToLower(own)
		case mt == "gemma3":
			typ = "gemma3_text"
		}
	} else if typ == "gemma3" {
		typ = "gemma3_text" // a gemma3 config without a text part reads as its text model
	}
	def, inTable := defaultsByType[typ]
	var defaulted []string
	take := func(key string, d uint64) (uint64, bool) {
		if v, ok := get(key); ok {
			return v, true
		}
		if inTable && d > 0 {
			defaulted = append(defaulted, key)
			return d, true
		}
		return 0, false
	}
	missing := func(key string) (Shape, *ShapeUnknown) {
		return Shape{}, UnknownKeys("lacks " + key)
	}
	zero := func(key string) (Shape, *ShapeUnknown) {
		return Shape{}, UnknownKeys("gives 0 for " + key)
	}
	layers, ok := get("num_hidden_layers")
	switch {
	case !ok:
		return missing("num_hidden_layers")
	case layers == 0:
		return zero("num_hidden_layers")
	case layers > MaxLayers:
		return Shape{}, UnknownKeys(fmt.Sprintf("gives %d layers", layers))
	}
	hidden, ok := get("hidden_size")
	switch {
	case !ok:
		return missing("hidden_size")
	case hidden == 0:
		return zero("hidden_size")
	}
	heads, hasHeads := take("num_attention_heads", def.heads)
	if hasHeads && heads == 0 {
		return zero("num_attention_heads")
	}
	kvHeads, ok := take("num_key_value_heads", def.kvHeads)
	if !ok {
		if !hasHeads {
			return missing("num_attention_heads")
		}
		kvHeads = heads // "= heads", also outside the table
	}
	if kvHeads == 0 {
		return zero("num_key_value_heads")
	}
	headDim, ok := take("head_dim", def.headDim)
	if !ok {
		if !hasHeads {
			return missing("num_attention_heads")
		}
		headDim = hidden / heads
	}
	if headDim == 0 {
		return zero("head_dim")
	}
	vocab, _ := take("vocab_size", def.vocab)
	ff, _ := take("intermediate_size", def.ff)
	n := int(layers)
	s := Shape{Layers: n, Heads: heads, KeyLength: headDim, ValueLength: headDim, Vocab: vocab, Embedding: hidden,
		FeedForward: ff, MoE: isMoE(typ)}
	s.KVHeads = make([]uint64, n)
	fill(s.KVHeads, kvHeads)
	s.Sliding = make([]bool, n)
	switch typ {
	case "gemma2":
		window, _ := take("sliding_window", def.window)
		s.Window = window
		for i := range s.Sliding {
			s.Sliding[i] = i%2 == 0
		}
	case "gemma3_text":
		window, _ := take("sliding_window", def.window)
		if window == 0 {
			break // no window: every layer holds the full context
		}
		s.Window = window
		types, _ := text["layer_types"].([]any)
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
	s.Defaulted = defaulted
	s.Source = configSource(SourceConfig, typ, defaulted)
	return s, nil
}

// FromBase marks a shape read from a GGUF repo's base model's config.json.
func (s Shape) FromBase() Shape {
	s.Source = "base_model:" + s.Source
	return s
}

// configSource is "config.json", or "config.json+defaults:<type>" when a
// key took its type's default.
func configSource(base, typ string, defaulted []string) string {
	if len(defaulted) == 0 {
		return base
	}
	return base + "+defaults:" + typ
}

// isMoE reports whether a model type is a mixture of experts, whose
// compute buffer the policy has not measured.
func isMoE(typ string) bool {
	t := strings.ToLower(typ)
	return strings.Contains(t, "moe") || t == "mixtral"
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

func allZero(xs []uint64) bool {
	for _, x := range xs {
		if x != 0 {
			return false
		}
	}
	return true
}
