package compat_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// Policy 5.3: the family's base confidence, one step down for each fact that
// came from tags only, never below low; none when incompatible.
func TestConfidencePaths(t *testing.T) {
	st := []string{"model.safetensors"}
	tests := map[string]struct {
		raw  compat.Raw
		want compat.Confidence
		weak bool
	}{
		"high family, structured facts": {
			raw: withFiles(compat.Raw{ConfigModelType: "llama"}, st...), want: compat.High,
		},
		"medium family, structured facts": {
			raw: withFiles(compat.Raw{ConfigModelType: "qwen3"}, st...), want: compat.Medium,
		},
		"gguf.architecture, high family": {
			raw: ggufRaw("org/m", "llama"), want: compat.High,
		},
		"formats from the api objects are structured": {
			raw: compat.Raw{ConfigModelType: "mistral", HasSafetensors: true}, want: compat.High,
		},
		"class name is structured: no step down (high)": {
			raw: withFiles(compat.Raw{ConfigArchitectures: []string{"MixtralForCausalLM"}}, st...), want: compat.High,
		},
		"class name is structured: no step down (medium)": {
			raw: withFiles(compat.Raw{ConfigArchitectures: []string{"Gemma2ForCausalLM"}}, st...), want: compat.Medium,
		},
		"architecture from tags: high to medium": {
			raw: withFiles(compat.Raw{Tags: []string{"llama"}}, st...), want: compat.Medium, weak: true,
		},
		"architecture from tags: medium to low": {
			raw: withFiles(compat.Raw{Tags: []string{"phi3"}}, st...), want: compat.Low, weak: true,
		},
		"formats from tags: high to medium": {
			raw: compat.Raw{ConfigModelType: "llama", Tags: []string{"safetensors"}}, want: compat.Medium, weak: true,
		},
		"formats from tags: medium to low": {
			raw: compat.Raw{ConfigModelType: "gemma3", Tags: []string{"gguf"}}, want: compat.Low, weak: true,
		},
		"both from tags: high to low": {
			raw: compat.Raw{Tags: []string{"llama", "safetensors"}}, want: compat.Low, weak: true,
		},
		"both from tags: medium to low, never below": {
			raw: compat.Raw{Tags: []string{"qwen2", "gguf"}}, want: compat.Low, weak: true,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := checkRaw(tc.raw)
			requireCompatible(t, v, tc.want)
			assert.Equal(t, tc.weak, hasCode(v.Warnings, compat.CodeWeakEvidence), "warnings %+v", v.Warnings)
			for _, w := range v.Workers {
				assert.Equalf(t, tc.want, w.Confidence, "worker %s", w.Name)
			}
		})
	}
}

func TestConfidenceIncompatibleIsNone(t *testing.T) {
	tests := map[string]compat.Raw{
		"unsupported architecture":       stRaw("org/m", "gpt2"),
		"unsupported format":             withFiles(compat.Raw{ConfigModelType: "llama"}, "pytorch_model.bin"),
		"unknown architecture":           stRaw("org/m", ""),
		"unknown format":                 {ConfigModelType: "llama"},
		"weak evidence and incompatible": {Tags: []string{"gpt2", "safetensors"}},
	}
	for name, r := range tests {
		t.Run(name, func(t *testing.T) {
			v := checkRaw(r)
			assert.False(t, v.Compatible)
			assert.Equal(t, compat.None, v.Confidence)
			for _, w := range v.Workers {
				assert.Equalf(t, compat.None, w.Confidence, "worker %s", w.Name)
			}
		})
	}
}

// An architecture in no family that a user worker runs: the policy gives no
// base confidence for it; whatever the engine picks, it must not claim high.
func TestConfidenceArchitectureInNoFamily(t *testing.T) {
	c := compat.Catalog{
		Families: compat.DefaultFamilies(),
		Workers: []compat.Worker{{
			Name: "coder", Device: "cpu", Formats: []string{compat.FormatSafetensors},
			Architectures: map[string][]string{compat.FormatSafetensors: {"starcoder2"}},
			MaxContext:    16384,
		}},
	}
	v := compat.Check(compat.Derive(stRaw("bigcode/starcoder2-3b", "starcoder2")), c)
	require.True(t, v.Compatible, "%+v", v.Reasons)
	assert.Empty(t, v.Family)
	assert.NotEqual(t, compat.High, v.Confidence)
	assert.NotEqual(t, compat.None, v.Confidence)
	assert.True(t, v.Confidence.Valid())
}
