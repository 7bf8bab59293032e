package compat_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// The six cases of the module this project replaces, ported to the policy.

func TestOriginalCompatibleLlamaSafetensorsIsHigh(t *testing.T) {
	v := checkRaw(stRaw("meta-llama/Llama-3.1-8B", "llama"))

	requireCompatible(t, v, compat.High)
	assert.Equal(t, "llama", v.Architecture)
	assert.Equal(t, "llama", v.Family)
	assert.Equal(t, []string{compat.FormatSafetensors}, v.Formats)
	for _, w := range v.Workers {
		assert.Truef(t, w.Compatible, "worker %s", w.Name)
		assert.Equalf(t, compat.FormatSafetensors, w.Format, "worker %s", w.Name)
	}
}

func TestOriginalUnknownArchitectureIsIncompatibleWithNoConfidence(t *testing.T) {
	tests := map[string]struct {
		raw      compat.Raw
		headline string
	}{
		// No architecture fact at all: ARCH_UNKNOWN (policy 5.1).
		"no architecture fact": {raw: stRaw("someone/mystery", ""), headline: compat.CodeArchUnknown},
		// An architecture no worker lists: "if we don't support it, it doesn't exist".
		"architecture nobody lists": {raw: stRaw("someone/mystery", "unknown"), headline: compat.CodeArchUnsupported},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := checkRaw(tc.raw)
			requireIncompatible(t, v, tc.headline)
			assert.Equal(t, tc.headline, v.Headline().Code)
			assert.Empty(t, v.Family)
		})
	}
}

func TestOriginalPyTorchOnlyLlamaIsFormatUnsupported(t *testing.T) {
	r := withFiles(stRaw("someone/llama-pt", "llama"), "config.json", "pytorch_model.bin")
	r.HasSafetensors = false
	v := checkRaw(r)

	// The architecture is fine: the headline is the format, and it is the
	// only reason.
	requireIncompatible(t, v, compat.CodeFormatUnsupported)
	assert.Equal(t, compat.CodeFormatUnsupported, v.Headline().Code)
	assert.Contains(t, v.Headline().Message, compat.FormatPyTorch, "say which formats were found")
	assert.Equal(t, []string{compat.FormatPyTorch}, v.Formats)
	assert.Equal(t, "llama", v.Family)
	assert.Contains(t, v.Recommendations, lookForSTorGGUF)
}

func TestOriginalContextOverWorkerLimitWarnsButStaysCompatible(t *testing.T) {
	const want = "Model context length (64000) exceeds worker limit (32768). Context will be truncated."
	m := withContext(compat.Derive(stRaw("someone/long-llama", "llama")), 64000)
	v := compat.Check(m, compat.DefaultCatalog())

	requireCompatible(t, v, compat.High)
	msg, ok := messageFor(v.Warnings, compat.CodeCtxExceedsWorker)
	require.True(t, ok, "warnings %+v", v.Warnings)
	assert.Equal(t, want, msg)
	require.NotNil(t, v.ContextLength)
	assert.Equal(t, int64(64000), *v.ContextLength)
	for _, w := range v.Workers {
		assert.Equalf(t, []compat.Message{{Code: compat.CodeCtxExceedsWorker, Message: want}}, w.Warnings, "worker %s", w.Name)
	}
}

// The original filter returned bare metadata without the model id. The
// search keeps each model with its verdict (internal/app); here: every
// verdict names its model, compatible or not.
func TestOriginalVerdictsKeepTheirModelIDs(t *testing.T) {
	models := []compat.Model{
		compat.Derive(stRaw("meta-llama/Llama-3.2-1B", "llama")),
		compat.Derive(stRaw("someone/unknown-model", "")),
		// GGUF Mistral files report architecture "llama" (policy section 3).
		compat.Derive(ggufRaw("TheBloke/Mistral-7B-Instruct-v0.2-GGUF", "llama")),
	}
	var kept []compat.Judged
	for _, m := range models {
		v := compat.Check(m, compat.DefaultCatalog())
		assert.Equal(t, m.ID, v.ID)
		if v.Compatible {
			kept = append(kept, compat.Judged{Model: m, Verdict: v})
		}
	}

	require.Len(t, kept, 2)
	assert.Equal(t, "meta-llama/Llama-3.2-1B", kept[0].Model.ID)
	assert.Equal(t, "meta-llama/Llama-3.2-1B", kept[0].Verdict.ID)
	assert.Equal(t, "TheBloke/Mistral-7B-Instruct-v0.2-GGUF", kept[1].Model.ID)
	assert.Equal(t, "TheBloke/Mistral-7B-Instruct-v0.2-GGUF", kept[1].Verdict.ID)
	for _, j := range kept {
		assert.True(t, j.Verdict.Compatible)
	}
	assert.Equal(t, compat.FormatGGUF, kept[1].Verdict.Workers[0].Format)
}

func TestOriginalLlamaOnLlamaMistralWorkerIsHigh(t *testing.T) {
	w := compat.Worker{
		Name:      "llama-mistral-worker",
		Device:    "cpu",
		Platforms: []string{"linux", "macos", "windows"},
		Formats:   []string{compat.FormatSafetensors, compat.FormatGGUF},
		Architectures: map[string][]string{
			compat.FormatSafetensors: {"llama", "mistral"},
			compat.FormatGGUF:        {"llama", "mistral"},
		},
		MaxContext: 32768,
	}
	m := compat.Derive(stRaw("meta-llama/Llama-3.1-8B", "llama"))

	r := compat.CheckWorker(m, w, compat.DefaultFamilies())
	assert.True(t, r.Compatible)
	assert.Equal(t, compat.High, r.Confidence)
	assert.Equal(t, compat.FormatSafetensors, r.Format)
	assert.Empty(t, r.Reasons)

	v := compat.Check(m, compat.Catalog{Families: compat.DefaultFamilies(), Workers: []compat.Worker{w}})
	requireCompatible(t, v, compat.High)
	assert.Equal(t, "llama-mistral-worker", v.RecommendedWorker)
}
