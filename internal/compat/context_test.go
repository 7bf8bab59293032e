package compat_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// Policy section 1: config.json keys in order max_position_embeddings,
// n_positions, text_config.max_position_embeddings, max_sequence_length,
// seq_length.
func TestContextFromConfig(t *testing.T) {
	tests := map[string]struct {
		config string
		want   compat.Int
	}{
		"max_position_embeddings": {
			config: `{"max_position_embeddings": 131072}`,
			want:   compat.Int{Value: 131072, Source: "config.json:max_position_embeddings"},
		},
		"n_positions": {
			config: `{"n_positions": 1024}`,
			want:   compat.Int{Value: 1024, Source: "config.json:n_positions"},
		},
		"text_config.max_position_embeddings": {
			config: `{"text_config": {"max_position_embeddings": 131072}}`,
			want:   compat.Int{Value: 131072, Source: "config.json:text_config.max_position_embeddings"},
		},
		"max_sequence_length": {
			config: `{"max_sequence_length": 4096}`,
			want:   compat.Int{Value: 4096, Source: "config.json:max_sequence_length"},
		},
		"seq_length": {
			config: `{"seq_length": 2048}`,
			want:   compat.Int{Value: 2048, Source: "config.json:seq_length"},
		},
		"max_position_embeddings before n_positions": {
			config: `{"n_positions": 1024, "max_position_embeddings": 2048}`,
			want:   compat.Int{Value: 2048, Source: "config.json:max_position_embeddings"},
		},
		"n_positions before text_config": {
			config: `{"text_config": {"max_position_embeddings": 8192}, "n_positions": 1024}`,
			want:   compat.Int{Value: 1024, Source: "config.json:n_positions"},
		},
		"text_config before max_sequence_length": {
			config: `{"max_sequence_length": 4096, "text_config": {"max_position_embeddings": 8192}}`,
			want:   compat.Int{Value: 8192, Source: "config.json:text_config.max_position_embeddings"},
		},
		"max_sequence_length before seq_length": {
			config: `{"seq_length": 2048, "max_sequence_length": 4096}`,
			want:   compat.Int{Value: 4096, Source: "config.json:max_sequence_length"},
		},
		"top level before text_config": {
			config: `{"max_position_embeddings": 32768, "text_config": {"max_position_embeddings": 131072}}`,
			want:   compat.Int{Value: 32768, Source: "config.json:max_position_embeddings"},
		},
		"other keys are not read": {
			config: `{"model_max_length": 4096, "original_max_position_embeddings": 4096, "sliding_window": 4096, "vision_config": {"max_position_embeddings": 1024}}`,
			want:   compat.Int{},
		},
		"empty": {config: `{}`, want: compat.Int{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := compat.ContextFromConfig(decode(t, tc.config))
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.want.Source != "", got.Known())
		})
	}
}

// Garbage values are ignored: the next key in order is read instead.
func TestContextFromConfigIgnoresGarbage(t *testing.T) {
	garbage := map[string]any{
		"string":        "4096",
		"negative":      float64(-4096),
		"zero":          float64(0),
		"fractional":    4096.5,
		"tiny fraction": 0.5,
		"huge":          1e30,
		"over int64":    1e19,
		"max float":     math.MaxFloat64,
		"infinity":      math.Inf(1),
		"nan":           math.NaN(),
		"bool":          true,
		"null":          nil,
		"object":        map[string]any{"value": float64(4096)},
		"array":         []any{float64(4096)},
	}
	for name, bad := range garbage {
		t.Run(name, func(t *testing.T) {
			alone := compat.ContextFromConfig(map[string]any{"max_position_embeddings": bad})
			assert.False(t, alone.Known(), "%+v", alone)

			next := compat.ContextFromConfig(map[string]any{"max_position_embeddings": bad, "n_positions": bad, "seq_length": float64(2048)})
			assert.Equal(t, compat.Int{Value: 2048, Source: "config.json:seq_length"}, next)

			nested := compat.ContextFromConfig(map[string]any{"text_config": map[string]any{"max_position_embeddings": bad}})
			assert.False(t, nested.Known(), "%+v", nested)
		})
	}
	t.Run("text_config that is not an object", func(t *testing.T) {
		got := compat.ContextFromConfig(map[string]any{"text_config": "llama", "seq_length": float64(4096)})
		assert.Equal(t, compat.Int{Value: 4096, Source: "config.json:seq_length"}, got)
	})
	t.Run("nil config", func(t *testing.T) {
		assert.False(t, compat.ContextFromConfig(nil).Known())
	})
}

// A config.json decoded with json.Decoder.UseNumber holds json.Number
// values, and Go callers may pass ints: the same rules apply to each.
func TestContextFromConfigNumberTypes(t *testing.T) {
	tests := map[string]struct {
		value any
		want  int64 // 0: ignored
	}{
		"json.Number":             {value: json.Number("131072"), want: 131072},
		"json.Number fractional":  {value: json.Number("4096.5"), want: 0},
		"json.Number whole float": {value: json.Number("4096.0"), want: 4096},
		"json.Number exponent":    {value: json.Number("1e30"), want: 0},
		"json.Number negative":    {value: json.Number("-1"), want: 0},
		"json.Number zero":        {value: json.Number("0"), want: 0},
		"json.Number garbage":     {value: json.Number("lots"), want: 0},
		"int":                     {value: 8192, want: 8192},
		"int zero":                {value: 0, want: 0},
		"int64":                   {value: int64(32768), want: 32768},
		"int64 negative":          {value: int64(-32768), want: 0},
		"int64 huge":              {value: int64(math.MaxInt64), want: 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := compat.ContextFromConfig(map[string]any{"max_position_embeddings": tc.value})
			if tc.want == 0 {
				assert.False(t, got.Known(), "%+v", got)
				return
			}
			assert.Equal(t, compat.Int{Value: tc.want, Source: "config.json:max_position_embeddings"}, got)
		})
	}
	t.Run("a whole config decoded with UseNumber", func(t *testing.T) {
		dec := json.NewDecoder(strings.NewReader(`{"model_type": "gpt2", "n_positions": 1024, "n_ctx": 1024}`))
		dec.UseNumber()
		var cfg map[string]any
		require.NoError(t, dec.Decode(&cfg))
		assert.Equal(t, compat.Int{Value: 1024, Source: "config.json:n_positions"}, compat.ContextFromConfig(cfg))
	})
}

func TestContextSourcePrecedence(t *testing.T) {
	cfg := decode(t, `{"max_position_embeddings": 131072}`)
	tests := map[string]struct {
		raw  compat.Raw
		cfg  map[string]any
		want compat.Int
	}{
		"gguf.context_length wins over config.json": {
			raw:  withCtx(ggufRaw("org/m", "llama"), 8192),
			cfg:  cfg,
			want: compat.Int{Value: 8192, Source: compat.SrcGGUFContext},
		},
		"config.json when there is no gguf context": {
			raw:  stRaw("org/m", "llama"),
			cfg:  cfg,
			want: compat.Int{Value: 131072, Source: "config.json:max_position_embeddings"},
		},
		"a gguf object with no context length": {
			raw:  ggufRaw("org/m", "llama"),
			cfg:  cfg,
			want: compat.Int{Value: 131072, Source: "config.json:max_position_embeddings"},
		},
		"a zero gguf context is no fact": {
			raw:  withCtx(ggufRaw("org/m", "llama"), 0),
			cfg:  cfg,
			want: compat.Int{Value: 131072, Source: "config.json:max_position_embeddings"},
		},
		"a negative gguf context is no fact": {
			raw:  withCtx(ggufRaw("org/m", "llama"), -1),
			cfg:  nil,
			want: compat.Int{},
		},
		"gguf context alone": {
			raw:  withCtx(ggufRaw("org/m", "llama"), 131072),
			cfg:  nil,
			want: compat.Int{Value: 131072, Source: compat.SrcGGUFContext},
		},
		"unknown": {
			raw:  stRaw("org/m", "llama"),
			cfg:  decode(t, `{"max_position_embeddings": "lots"}`),
			want: compat.Int{},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := compat.Derive(tc.raw)
			if !tc.want.Known() || tc.want.Source != compat.SrcGGUFContext {
				assert.True(t, compat.NeedsConfigJSON(m))
			} else {
				assert.False(t, compat.NeedsConfigJSON(m))
			}
			m = compat.WithConfigJSON(m, tc.cfg)
			assert.Equal(t, tc.want, m.ContextLength)

			v := compat.Check(m, compat.DefaultCatalog())
			if tc.want.Known() {
				require.NotNil(t, v.ContextLength)
				assert.Equal(t, tc.want.Value, *v.ContextLength)
			} else {
				assert.Nil(t, v.ContextLength)
			}
		})
	}
}

func withCtx(r compat.Raw, n int64) compat.Raw {
	r.GGUFContextLength = n
	return r
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m))
	return m
}
