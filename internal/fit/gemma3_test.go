package fit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

// Gemma 3's published configs leave head counts, head_dim and the
// vocabulary to transformers' defaults (policy section 2's table). The
// shape read with the defaults must equal what llama.cpp's converter
// writes into the GGUF files of the same models (ggml-org/gemma-3-*-it-GGUF:
// block_count, head_count_kv, key_length, embedding_length,
// feed_forward_length, sliding_window), bar the vocabulary: the config's
// 262,208 tokens against the GGUF's 262,144, which a header, when
// readable, corrects.
func TestGemma3TextConfigDefaults(t *testing.T) {
	cases := map[string]struct {
		file      string
		gguf      gguf.Info
		defaulted []string
	}{
		"4B": {"configjson_google_gemma-3-4b-it.json",
			gguf.Info{Architecture: "gemma3", BlockCount: 34, EmbeddingLength: 2560, FeedForward: 10240, HeadCount: 8,
				HeadCountKV: []uint64{4}, KeyLength: 256, ValueLength: 256, SlidingWindow: 1024, VocabSize: 262144},
			[]string{"num_attention_heads", "num_key_value_heads", "head_dim", "vocab_size"}},
		"12B": {"configjson_google_gemma-3-12b-it.json",
			gguf.Info{Architecture: "gemma3", BlockCount: 48, EmbeddingLength: 3840, FeedForward: 15360, HeadCount: 16,
				HeadCountKV: []uint64{8}, KeyLength: 256, ValueLength: 256, SlidingWindow: 1024, VocabSize: 262144},
			[]string{"head_dim", "vocab_size"}},
		"27B": {"configjson_google_gemma-3-27b-it.json",
			gguf.Info{Architecture: "gemma3", BlockCount: 62, EmbeddingLength: 5376, FeedForward: 21504, HeadCount: 32,
				HeadCountKV: []uint64{16}, KeyLength: 128, ValueLength: 128, SlidingWindow: 1024, VocabSize: 262144},
			[]string{"vocab_size"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fromCfg, why := FromConfig(loadConfig(t, tc.file), "gemma3")
			require.Nil(t, why, "the defaults give the shape")
			fromGGUF, why := FromGGUF(tc.gguf)
			require.Nil(t, why)
			assert.Equal(t, "config.json+defaults:gemma3_text", fromCfg.Source)
			assert.Equal(t, tc.defaulted, fromCfg.Defaulted, "the evidence names the defaulted keys")
			assert.Equal(t, fromGGUF.Layers, fromCfg.Layers)
			assert.Equal(t, fromGGUF.KVHeads, fromCfg.KVHeads)
			assert.Equal(t, fromGGUF.KeyLength, fromCfg.KeyLength)
			assert.Equal(t, fromGGUF.ValueLength, fromCfg.ValueLength)
			assert.Equal(t, fromGGUF.Embedding, fromCfg.Embedding)
			assert.Equal(t, fromGGUF.FeedForward, fromCfg.FeedForward)
			assert.Equal(t, fromGGUF.Window, fromCfg.Window)
			assert.Equal(t, fromGGUF.Sliding, fromCfg.Sliding, "every sixth layer global")
			assert.Equal(t, uint64(262208), fromCfg.Vocab, "transformers' default")
			for _, n := range []int64{4096, 32768, 131072} {
				assert.Equal(t, KVCache(fromGGUF, n), KVCache(fromCfg, n), "KV cache at %d", n)
			}
		})
	}
}

// Where the text model's keys live in other multimodal configs
// (llm_config, language_config, thinker_config.text_config), and a type
// outside the table gets no defaults.
func TestTextConfigLocations(t *testing.T) {
	text := map[string]any{"model_type": "qwen2", "num_hidden_layers": 28.0, "hidden_size": 3584.0, "num_attention_heads": 28.0,
		"num_key_value_heads": 4.0, "intermediate_size": 18944.0, "vocab_size": 152064.0}
	for _, cfg := range []map[string]any{
		{"model_type": "internvl_chat", "llm_config": text},
		{"model_type": "llava", "language_config": text},
		{"model_type": "qwen2_5_omni", "thinker_config": map[string]any{"text_config": text}},
	} {
		s, why := FromConfig(cfg, "")
		require.Nil(t, why, "%v", cfg)
		assert.Equal(t, 28, s.Layers)
		assert.Equal(t, uint64(128), s.KeyLength)
		assert.Equal(t, uint64(4), s.KVHeads[0])
		assert.Equal(t, uint64(18944), s.FeedForward)
		assert.Equal(t, SourceConfig, s.Source, "nothing defaulted")
	}
	// starcoder2 is in no table: no vocabulary, no n_ff, no defaults.
	s, why := FromConfig(map[string]any{"num_hidden_layers": 2.0, "hidden_size": 64.0, "num_attention_heads": 4.0}, "starcoder2")
	require.Nil(t, why)
	assert.Equal(t, uint64(16), s.KeyLength)
	assert.Equal(t, uint64(4), s.KVHeads[0], "KV heads = heads")
	assert.Zero(t, s.Vocab)
	assert.Equal(t, SourceConfig, s.Source)
	// A mistral config without KV heads takes the table's 8 (not = heads).
	s, why = FromConfig(map[string]any{"num_hidden_layers": 2.0, "hidden_size": 4096.0, "num_attention_heads": 32.0}, "mistral")
	require.Nil(t, why)
	assert.Equal(t, uint64(8), s.KVHeads[0])
	assert.Equal(t, []string{"num_key_value_heads", "vocab_size", "intermediate_size"}, s.Defaulted)
	assert.Equal(t, "config.json+defaults:mistral", s.Source)
	assert.Equal(t, "base_model:config.json+defaults:mistral", s.FromBase().Source)
}

// Zero heads of any kind is an unreadable shape, never a KV cache of 0
// that always fits (issue 16 item 7); a layer count or width is never
// defaulted.
func TestZeroHeadsAreUnreadable(t *testing.T) {
	_, why := FromGGUF(gguf.Info{Architecture: "llama", BlockCount: 4, EmbeddingLength: 512, HeadCount: 8, HeadCountKV: []uint64{0}})
	require.NotNil(t, why)
	assert.Equal(t, ReasonHeaderUnreadable, why.Reason)
	assert.Contains(t, why.Message, "0 KV heads")
	_, why = FromGGUF(gguf.Info{Architecture: "llama", BlockCount: 2, EmbeddingLength: 512, HeadCount: 8, HeadCountKV: []uint64{0, 0}})
	require.NotNil(t, why, "all layers zero")
	// A hybrid model's recurrent layers hold no KV heads: a per-layer
	// array with some zeros is a shape.
	s, why := FromGGUF(gguf.Info{Architecture: "lfm2", BlockCount: 3, EmbeddingLength: 512, HeadCount: 8, HeadCountKV: []uint64{0, 8, 0}})
	require.Nil(t, why)
	assert.Equal(t, []uint64{0, 8, 0}, s.KVHeads)
	for key, cfg := range map[string]map[string]any{
		"num_key_value_heads": {"num_hidden_layers": 2.0, "hidden_size": 64.0, "num_attention_heads": 8.0, "num_key_value_heads": 0.0},
		"num_attention_heads": {"num_hidden_layers": 2.0, "hidden_size": 64.0, "num_attention_heads": 0.0},
		"hidden_size":         {"num_hidden_layers": 2.0, "hidden_size": 0.0, "num_attention_heads": 8.0},
		"head_dim":            {"num_hidden_layers": 2.0, "hidden_size": 64.0, "num_attention_heads": 8.0, "head_dim": 0.0},
	} {
		_, why := FromConfig(cfg, "llama")
		require.NotNil(t, why, key)
		assert.Equal(t, ReasonKeysMissing, why.Reason, key)
		assert.Contains(t, why.Message, key)
	}
	_, why = FromConfig(map[string]any{"num_attention_heads": 8.0, "hidden_size": 64.0}, "llama")
	require.NotNil(t, why)
	assert.Equal(t, "config.json lacks num_hidden_layers", why.Message, "never defaulted")
	_, why = FromConfig(map[string]any{"num_hidden_layers": 2.0}, "llama")
	require.NotNil(t, why)
	assert.Equal(t, "config.json lacks hidden_size", why.Message, "never defaulted")
}
