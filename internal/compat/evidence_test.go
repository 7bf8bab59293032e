package compat_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// Policy section 1: every fact carries its value and its source, named
// exactly as the policy names them.
func TestEvidenceSources(t *testing.T) {
	type ev struct{ value, source string }
	tests := map[string]struct {
		model compat.Model
		want  map[string]ev // fact -> evidence; facts not listed must be absent
	}{
		"gguf repo": {
			model: compat.Derive(compat.Raw{
				HasGGUF: true, GGUFArchitecture: "qwen3", GGUFContextLength: 40960, GGUFTotal: 751632384,
				HasSiblings: true, Siblings: []string{"Qwen3-0.6B-Q8_0.gguf"},
			}),
			want: map[string]ev{
				"architecture":   {"qwen3", "gguf.architecture"},
				"formats":        {"gguf", "siblings"},
				"context_length": {"40960", "gguf.context_length"},
				"parameters":     {"751632384", "gguf.total"},
			},
		},
		"safetensors repo with config.json": {
			model: withContext(compat.Derive(compat.Raw{
				ConfigModelType: "llama", HasSafetensors: true, SafetensorsTotal: 8030261248,
				HasSiblings: true, Siblings: []string{"model-00001-of-00004.safetensors"},
			}), 131072),
			want: map[string]ev{
				"architecture":   {"llama", "config.model_type"},
				"formats":        {"safetensors", "siblings"},
				"context_length": {"131072", "config.json:max_position_embeddings"},
				"parameters":     {"8030261248", "safetensors.total"},
			},
		},
		"class name and api formats": {
			model: compat.WithConfigJSON(compat.Derive(compat.Raw{
				ConfigArchitectures: []string{"Qwen2ForCausalLM"}, HasSafetensors: true,
			}), map[string]any{"seq_length": float64(32768)}),
			want: map[string]ev{
				"architecture":   {"qwen2", "config.architectures"},
				"formats":        {"safetensors", "api"},
				"context_length": {"32768", "config.json:seq_length"},
			},
		},
		"tags only": {
			model: compat.Derive(compat.Raw{Tags: []string{"mistral", "gguf"}}),
			want: map[string]ev{
				"architecture": {"mistral", "tags"},
				"formats":      {"gguf", "tags"},
			},
		},
		"safetensors.total over gguf.total": {
			model: compat.Derive(compat.Raw{
				ConfigModelType: "gemma2", HasSafetensors: true, SafetensorsTotal: 9241705984, HasGGUF: true, GGUFTotal: 9,
			}),
			want: map[string]ev{
				"architecture": {"gemma2", "config.model_type"},
				"formats":      {"safetensors, gguf", "api"},
				"parameters":   {"9241705984", "safetensors.total"},
			},
		},
		"nothing known": {
			model: compat.Derive(compat.Raw{ID: "org/empty"}),
			want:  map[string]ev{},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := compat.Check(tc.model, compat.DefaultCatalog())
			for _, fact := range []string{"architecture", "formats", "context_length", "parameters"} {
				got, ok := evidenceFor(v, fact)
				want, wantOK := tc.want[fact]
				require.Equalf(t, wantOK, ok, "fact %s in %+v", fact, v.Evidence)
				if !ok {
					continue
				}
				assert.Equalf(t, want.source, got.Source, "fact %s", fact)
				if fact == "formats" {
					assert.ElementsMatch(t, splitList(want.value), splitList(got.Value))
				} else {
					assert.Equalf(t, want.value, got.Value, "fact %s", fact)
				}
			}
		})
	}
}

// Parameters are never parsed from the name (policy section 1).
func TestEvidenceParametersNotFromName(t *testing.T) {
	v := checkRaw(stRaw("meta-llama/Llama-3.1-8B-Instruct", "llama"))
	assert.Nil(t, v.Parameters)
	_, ok := evidenceFor(v, "parameters")
	assert.False(t, ok)
}

func TestEvidenceGated(t *testing.T) {
	r := stRaw("org/m", "llama")
	r.Gated = "auto"
	got, ok := evidenceFor(checkRaw(r), "gated")
	require.True(t, ok)
	assert.Equal(t, "auto", got.Value)

	r.Gated = ""
	_, ok = evidenceFor(checkRaw(r), "gated")
	assert.False(t, ok)
}

// splitList splits the evidence value of a list fact ("safetensors, gguf").
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}
