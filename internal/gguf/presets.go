package gguf

import (
	"fmt"
	"sort"
	"strconv"
)

// Preset names accepted by NewPreset.
const (
	PresetQwen25_05B = "qwen2.5-0.5b"    // Qwen/Qwen2.5-0.5B-Instruct
	PresetLlama32_1B = "llama-3.2-1b"    // meta-llama/Llama-3.2-1B-Instruct
	PresetGemma3_1B  = "gemma-3-1b"      // google/gemma-3-1b-it
	PresetLlama31_8B = "llama-3.1-8b"    // meta-llama/Llama-3.1-8B-Instruct
	PresetMistral7B  = "mistral-7b-v0.3" // mistralai/Mistral-7B-Instruct-v0.3
	PresetPhi3Mini   = "phi-3-mini-128k" // microsoft/Phi-3-mini-128k-instruct
)

// Presets lists the preset names, sorted.
func Presets() []string {
	names := make([]string, 0, len(presets))
	for n := range presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Shape is the part of a preset the estimate cares about, as the real model has
// it (from its config.json and its published GGUF headers).
type Shape struct {
	Arch          string
	Blocks        uint64
	Context       uint64
	Embedding     uint64
	FeedForward   uint64
	Heads         uint64
	HeadsKV       uint64
	HeadDim       uint64 // key and value length
	SlidingWindow uint64 // 0: none
	Vocab         int
}

// preset describes a real model well enough to write a GGUF header llama.cpp
// loads: its keys in llama.cpp's order (general.*, {arch}.*, tokenizer.*) and
// its tensors as llama.cpp's loader names and sizes them.
type preset struct {
	name  string
	shape Shape
	eps   float32
	rope  float32
	// headDimKeys writes {arch}.attention.key_length / value_length.
	headDimKeys bool
	extra       []KV // more {arch}.* keys
	qkvBias     bool // qwen2: attn_q/k/v biases
	qkNorm      bool // gemma3: attn_q_norm, attn_k_norm
	postNorms   bool // gemma3: post_attention_norm, post_ffw_norm
	ropeFreqs   uint64
	tied        bool   // no output.weight: llama.cpp reuses token_embd
	fused       bool   // phi3: attn_qkv in one tensor, ffn_up holds gate and up (2 x n_ff)
	ropeFactors uint64 // phi3 longrope: rope_factors_long/short tensors of this many values
	tok         tokenizer
}

type tokenizer struct {
	model, pre string
	specials   map[int]string
	// byteStart is the id of the first byte token (<0x00>) of a "llama"
	// vocabulary; 0 means right after the specials.
	byteStart int
	ids       []KV // bos/eos/padding ids and add_* flags
}

var presets = map[string]preset{
	// Qwen/Qwen2.5-0.5B-Instruct: config.json (hub-recordings/config) and the
	// converted keys in hub-recordings/gguf/ollama-convert-kv__Qwen__Qwen2.5-0.5B-Instruct.json.
	PresetQwen25_05B: {
		name: "Qwen2.5 0.5B Instruct",
		shape: Shape{Arch: "qwen2", Blocks: 24, Context: 32768, Embedding: 896, FeedForward: 4864,
			Heads: 14, HeadsKV: 2, HeadDim: 64, Vocab: 151936},
		eps: 1e-6, rope: 1e6, qkvBias: true, tied: true,
		tok: tokenizer{model: "gpt2", pre: "qwen2",
			specials: map[int]string{151643: "<|endoftext|>", 151644: "<|im_start|>", 151645: "<|im_end|>"},
			ids: []KV{{"tokenizer.ggml.eos_token_id", uint32(151645)}, {"tokenizer.ggml.padding_token_id", uint32(151643)},
				{"tokenizer.ggml.bos_token_id", uint32(151643)}, {"tokenizer.ggml.add_bos_token", false}}},
	},
	// meta-llama/Llama-3.2-1B-Instruct: config.json (hub-recordings/config and
	// hub-fixtures/config-json); llama3 rope scaling gives a rope_freqs tensor of
	// head_dim/2 values.
	PresetLlama32_1B: {
		name: "Llama 3.2 1B Instruct",
		shape: Shape{Arch: "llama", Blocks: 16, Context: 131072, Embedding: 2048, FeedForward: 8192,
			Heads: 32, HeadsKV: 8, HeadDim: 64, Vocab: 128256},
		eps: 1e-5, rope: 500000, headDimKeys: true, ropeFreqs: 32, tied: true,
		extra: []KV{{"llama.rope.dimension_count", uint32(64)}, {"llama.vocab_size", uint32(128256)}},
		tok: tokenizer{model: "gpt2", pre: "llama-bpe",
			specials: map[int]string{128000: "<|begin_of_text|>", 128001: "<|end_of_text|>", 128009: "<|eot_id|>"},
			ids:      []KV{{"tokenizer.ggml.bos_token_id", uint32(128000)}, {"tokenizer.ggml.eos_token_id", uint32(128009)}}},
	},
	// meta-llama/Llama-3.1-8B-Instruct: its config.json (32 layers, hidden
	// 4096, intermediate 14336, 32 heads, 8 KV heads, vocabulary 128256,
	// rope_theta 500000, llama3 rope scaling, untied embeddings) and the
	// tensor names of hub-recordings/gguf/ollama-convert-kv__meta-llama__Meta-Llama-3-8B-Instruct.json
	// (output.weight present); bartowski's Meta-Llama-3.1-8B-Instruct GGUFs
	// carry these keys.
	PresetLlama31_8B: {
		name: "Meta Llama 3.1 8B Instruct",
		shape: Shape{Arch: "llama", Blocks: 32, Context: 131072, Embedding: 4096, FeedForward: 14336,
			Heads: 32, HeadsKV: 8, HeadDim: 128, Vocab: 128256},
		eps: 1e-5, rope: 500000, ropeFreqs: 64,
		extra: []KV{{"llama.rope.dimension_count", uint32(128)}, {"llama.vocab_size", uint32(128256)}},
		tok: tokenizer{model: "gpt2", pre: "llama-bpe",
			specials: map[int]string{128000: "<|begin_of_text|>", 128001: "<|end_of_text|>", 128009: "<|eot_id|>"},
			ids:      []KV{{"tokenizer.ggml.bos_token_id", uint32(128000)}, {"tokenizer.ggml.eos_token_id", uint32(128009)}}},
	},
	// google/gemma-3-1b-it: hub-fixtures/config-json/configjson_mlc-preset_gemma3_1b_it.json.
	// llama.cpp applies the 5-sliding-of-6 pattern itself for gemma3.
	PresetGemma3_1B: {
		name: "Gemma 3 1B IT",
		shape: Shape{Arch: "gemma3", Blocks: 26, Context: 32768, Embedding: 1152, FeedForward: 6912,
			Heads: 4, HeadsKV: 1, HeadDim: 256, SlidingWindow: 512, Vocab: 262144},
		eps: 1e-6, rope: 1e6, headDimKeys: true, qkNorm: true, postNorms: true, tied: true,
		tok: tokenizer{model: "llama",
			specials: map[int]string{0: "<pad>", 1: "<eos>", 2: "<bos>", 3: "<unk>"},
			ids: []KV{{"tokenizer.ggml.bos_token_id", uint32(2)}, {"tokenizer.ggml.eos_token_id", uint32(1)},
				{"tokenizer.ggml.unknown_token_id", uint32(3)}, {"tokenizer.ggml.padding_token_id", uint32(0)},
				{"tokenizer.ggml.add_bos_token", true}, {"tokenizer.ggml.add_eos_token", false}}},
	},
	// mistralai/Mistral-7B-Instruct-v0.3: its config.json (32 layers, 8 KV
	// heads, head_dim 128, intermediate_size 14336, vocab 32768, rope_theta
	// 1e6, no sliding window) and the keys llama.cpp's converter writes for
	// it (arch llama, output.weight not tied). Its vocabulary has 768
	// control tokens before the byte tokens; three stand for them here.
	PresetMistral7B: {
		name: "Mistral 7B Instruct v0.3",
		shape: Shape{Arch: "llama", Blocks: 32, Context: 32768, Embedding: 4096, FeedForward: 14336,
			Heads: 32, HeadsKV: 8, HeadDim: 128, Vocab: 32768},
		eps: 1e-5, rope: 1e6,
		extra: []KV{{"llama.rope.dimension_count", uint32(128)}, {"llama.vocab_size", uint32(32768)}},
		tok: tokenizer{model: "llama",
			specials: map[int]string{0: "<unk>", 1: "<s>", 2: "</s>"},
			ids: []KV{{"tokenizer.ggml.bos_token_id", uint32(1)}, {"tokenizer.ggml.eos_token_id", uint32(2)},
				{"tokenizer.ggml.unknown_token_id", uint32(0)},
				{"tokenizer.ggml.add_bos_token", true}, {"tokenizer.ggml.add_eos_token", false}}},
	},
	// microsoft/Phi-3-mini-128k-instruct: its config.json (32 layers, 32
	// heads and KV heads, hidden 3072, intermediate_size 8192, vocab 32064,
	// longrope scaling from 4096 to 131072 tokens, sliding_window 262144) and
	// the keys and fused tensors llama.cpp's converter writes for phi3
	// (attn_qkv; ffn_up of 2 x n_ff holding gate and up; rope_factors_long
	// and _short of head_dim/2 values). llama.cpp ignores phi3's
	// sliding_window.
	PresetPhi3Mini: {
		name: "Phi 3 Mini 128k Instruct",
		shape: Shape{Arch: "phi3", Blocks: 32, Context: 131072, Embedding: 3072, FeedForward: 8192,
			Heads: 32, HeadsKV: 32, HeadDim: 96, SlidingWindow: 262144, Vocab: 32064},
		eps: 1e-5, rope: 10000, fused: true, ropeFactors: 48,
		extra: []KV{{"phi3.rope.dimension_count", uint32(96)},
			{"phi3.rope.scaling.attn_factor", float32(1.1902381)},
			{"phi3.rope.scaling.original_context_length", uint32(4096)}},
		tok: tokenizer{model: "llama", pre: "default", byteStart: 3,
			specials: map[int]string{0: "<unk>", 1: "<s>", 2: "</s>", 32000: "<|endoftext|>",
				32001: "<|assistant|>", 32006: "<|system|>", 32007: "<|end|>", 32010: "<|user|>"},
			ids: []KV{{"tokenizer.ggml.bos_token_id", uint32(1)}, {"tokenizer.ggml.eos_token_id", uint32(32000)},
				{"tokenizer.ggml.unknown_token_id", uint32(0)}, {"tokenizer.ggml.padding_token_id", uint32(32000)},
				{"tokenizer.ggml.add_bos_token", false}, {"tokenizer.ggml.add_eos_token", false}}},
	},
}

// PresetShape returns the shape of a preset.
func PresetShape(name string) (Shape, error) {
	p, ok := presets[name]
	if !ok {
		return Shape{}, fmt.Errorf("gguf: unknown preset %q (have %v)", name, Presets())
	}
	return p.shape, nil
}

// NewPreset returns the header of a real model's GGUF file: its keys with the
// real values, a tokenizer of the real token count (synthetic, unique token
// strings, with the byte tokens llama.cpp looks up and the real special
// tokens), and its tensors with weights of type weights (F16, Q8_0, ...; norms
// and biases F32) at offsets already assigned. Write it with WriteSparseFile to
// get a zero-weight model of the real size. The first three presets, in F16
// and Q8_0, were loaded with llama.cpp as node-llama-cpp 3.22.1 ships it (CPU,
// context 2048, flash attention): it read the shapes above, 494.03 M, 1.24 B
// and 999.89 M parameters, and tokenized text with these vocabularies;
// Mistral 7B and Phi-3-mini in Q8_0 (bench/fitcal.sh, BENCHMARKS.md) too.
func NewPreset(name string, weights GGMLType) (*File, error) {
	p, ok := presets[name]
	if !ok {
		return nil, fmt.Errorf("gguf: unknown preset %q (have %v)", name, Presets())
	}
	ftype, ok := fileTypes[weights]
	if !ok {
		return nil, fmt.Errorf("gguf: presets are written with F32, F16, BF16, Q8_0 or Q4_0 weights, not %v", weights)
	}
	s, a := p.shape, p.shape.Arch
	f := &File{KVs: []KV{
		{"general.architecture", a},
		{"general.type", "model"},
		{"general.name", p.name},
		{"general.file_type", ftype},
		{"general.quantization_version", uint32(2)},
		{a + ".block_count", uint32(s.Blocks)},
		{a + ".context_length", uint32(s.Context)},
		{a + ".embedding_length", uint32(s.Embedding)},
		{a + ".feed_forward_length", uint32(s.FeedForward)},
		{a + ".attention.head_count", uint32(s.Heads)},
		{a + ".attention.head_count_kv", uint32(s.HeadsKV)},
		{a + ".rope.freq_base", p.rope},
		{a + ".attention.layer_norm_rms_epsilon", p.eps},
	}}
	if p.headDimKeys {
		f.KVs = append(f.KVs, KV{a + ".attention.key_length", uint32(s.HeadDim)}, KV{a + ".attention.value_length", uint32(s.HeadDim)})
	}
	if s.SlidingWindow > 0 {
		f.KVs = append(f.KVs, KV{a + ".attention.sliding_window", uint32(s.SlidingWindow)})
	}
	f.KVs = append(f.KVs, p.extra...)
	f.KVs = append(f.KVs, p.tok.keys(s.Vocab)...)
	f.Tensors = p.tensors(weights)
	if _, err := AssignOffsets(f.Tensors, f.Alignment()); err != nil {
		return nil, err
	}
	return f, nil
}

// fileTypes maps a weight type to general.file_type (enum llama_ftype).
var fileTypes = map[GGMLType]uint32{F32: 0, F16: 1, Q4_0: 2, Q8_0: 7, BF16: 32}

// gpt2Bytes lists the 256 byte-level tokens of GPT-2 style BPE vocabularies in
// their usual order (bytes_to_unicode): llama.cpp maps each byte to one of them.
func gpt2Bytes() []string {
	var bs []int
	for b := 0; b < 256; b++ {
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			bs = append(bs, b)
		}
	}
	out := make([]string, 0, 256)
	for _, b := range bs {
		out = append(out, string(rune(b)))
	}
	n := 0
	for b := 0; b < 256; b++ {
		if !((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
			out = append(out, string(rune(256+n)))
			n++
		}
	}
	return out
}

// Token types (enum llama_token_type).
const (
	tokenNormal  = 1
	tokenControl = 3
	tokenByte    = 6
)

func (t tokenizer) keys(vocab int) []KV {
	var bytes []string
	byteStart := 0
	if t.model == "gpt2" {
		bytes = gpt2Bytes()
	} else {
		byteStart = len(t.specials)
		if t.byteStart > 0 {
			byteStart = t.byteStart
		}
		for b := 0; b < 256; b++ {
			bytes = append(bytes, fmt.Sprintf("<0x%02X>", b))
		}
	}
	text := func(i int) (string, int32) {
		if s, ok := t.specials[i]; ok {
			return s, tokenControl
		}
		if i >= byteStart && i < byteStart+len(bytes) {
			if t.model == "gpt2" {
				return bytes[i-byteStart], tokenNormal
			}
			return bytes[i-byteStart], tokenByte
		}
		return "t" + strconv.Itoa(i), tokenNormal
	}
	types := make([]int32, vocab)
	for i := range types {
		_, types[i] = text(i)
	}
	kvs := []KV{{"tokenizer.ggml.model", t.model}}
	if t.pre != "" {
		kvs = append(kvs, KV{"tokenizer.ggml.pre", t.pre})
	}
	kvs = append(kvs,
		KV{"tokenizer.ggml.tokens", StringArray{Len: vocab, At: func(i int) string { s, _ := text(i); return s }}},
		KV{"tokenizer.ggml.token_type", types})
	if t.model == "gpt2" {
		kvs = append(kvs, KV{"tokenizer.ggml.merges", []string{}})
	} else {
		kvs = append(kvs, KV{"tokenizer.ggml.scores", make([]float32, vocab)})
	}
	return append(kvs, t.ids...)
}

func (p preset) tensors(w GGMLType) []TensorInfo {
	s := p.shape
	q := s.Heads * s.HeadDim
	kv := s.HeadsKV * s.HeadDim
	ts := []TensorInfo{{Name: "token_embd.weight", Dims: []uint64{s.Embedding, uint64(s.Vocab)}, Type: w}}
	if p.ropeFreqs > 0 {
		ts = append(ts, TensorInfo{Name: "rope_freqs.weight", Dims: []uint64{p.ropeFreqs}, Type: F32})
	}
	if p.ropeFactors > 0 {
		ts = append(ts, TensorInfo{Name: "rope_factors_long.weight", Dims: []uint64{p.ropeFactors}, Type: F32},
			TensorInfo{Name: "rope_factors_short.weight", Dims: []uint64{p.ropeFactors}, Type: F32})
	}
	for i := uint64(0); i < s.Blocks; i++ {
		blk := func(name string, t GGMLType, dims ...uint64) {
			ts = append(ts, TensorInfo{Name: fmt.Sprintf("blk.%d.%s", i, name), Dims: dims, Type: t})
		}
		blk("attn_norm.weight", F32, s.Embedding)
		if p.fused {
			blk("attn_qkv.weight", w, s.Embedding, q+2*kv)
		} else {
			blk("attn_q.weight", w, s.Embedding, q)
			blk("attn_k.weight", w, s.Embedding, kv)
			blk("attn_v.weight", w, s.Embedding, kv)
		}
		if p.qkvBias {
			blk("attn_q.bias", F32, q)
			blk("attn_k.bias", F32, kv)
			blk("attn_v.bias", F32, kv)
		}
		if p.qkNorm {
			blk("attn_q_norm.weight", F32, s.HeadDim)
			blk("attn_k_norm.weight", F32, s.HeadDim)
		}
		blk("attn_output.weight", w, q, s.Embedding)
		if p.postNorms {
			blk("post_attention_norm.weight", F32, s.Embedding)
		}
		blk("ffn_norm.weight", F32, s.Embedding)
		if p.fused {
			blk("ffn_up.weight", w, s.Embedding, 2*s.FeedForward)
		} else {
			blk("ffn_gate.weight", w, s.Embedding, s.FeedForward)
			blk("ffn_up.weight", w, s.Embedding, s.FeedForward)
		}
		blk("ffn_down.weight", w, s.FeedForward, s.Embedding)
		if p.postNorms {
			blk("post_ffw_norm.weight", F32, s.Embedding)
		}
	}
	ts = append(ts, TensorInfo{Name: "output_norm.weight", Dims: []uint64{s.Embedding}, Type: F32})
	if !p.tied {
		ts = append(ts, TensorInfo{Name: "output.weight", Dims: []uint64{s.Embedding, uint64(s.Vocab)}, Type: w})
	}
	return ts
}
