package compat_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

func ctxMessage(n, limit int64) string {
	return fmt.Sprintf("Model context length (%d) exceeds worker limit (%d). Context will be truncated.", n, limit)
}

func TestWarningContextExceedsWorker(t *testing.T) {
	tests := map[string]struct {
		ctx  int64
		want bool
	}{
		"far below":         {ctx: 4096, want: false},
		"exactly the limit": {ctx: 32768, want: false},
		"one over":          {ctx: 32769, want: true},
		"far over":          {ctx: 131072, want: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := compat.Check(withContext(compat.Derive(stRaw("org/m", "llama")), tc.ctx), compat.DefaultCatalog())
			requireCompatible(t, v, compat.High)
			msg, ok := messageFor(v.Warnings, compat.CodeCtxExceedsWorker)
			assert.Equal(t, tc.want, ok)
			for _, w := range v.Workers {
				assert.Equalf(t, tc.want, hasCode(w.Warnings, compat.CodeCtxExceedsWorker), "worker %s", w.Name)
			}
			if tc.want {
				assert.Equal(t, ctxMessage(tc.ctx, 32768), msg)
				assert.Truef(t, anyContains(v.Recommendations, "32768", "context"), "%q", v.Recommendations)
			} else {
				assert.False(t, anyContains(v.Recommendations, "context"), "%q", v.Recommendations)
			}
			assert.False(t, hasCode(v.Warnings, compat.CodeCtxUnknown))
		})
	}
}

// Each worker is held to its own limit.
func TestWarningContextPerWorker(t *testing.T) {
	mk := func(name string, limit int64) compat.Worker {
		return compat.Worker{
			Name: name, Device: "cpu", Formats: []string{compat.FormatSafetensors},
			Architectures: map[string][]string{compat.FormatSafetensors: {"llama"}},
			MaxContext:    limit,
		}
	}
	c := compat.Catalog{Families: compat.DefaultFamilies(), Workers: []compat.Worker{mk("small", 32768), mk("large", 131072)}}
	v := compat.Check(withContext(compat.Derive(stRaw("org/m", "llama")), 64000), c)

	requireCompatible(t, v, compat.High)
	small, ok := v.WorkerResult("small")
	require.True(t, ok)
	large, ok := v.WorkerResult("large")
	require.True(t, ok)
	assert.Equal(t, []compat.Message{{Code: compat.CodeCtxExceedsWorker, Message: ctxMessage(64000, 32768)}}, small.Warnings)
	assert.Empty(t, large.Warnings)
	assert.True(t, small.Compatible)
	assert.True(t, large.Compatible)
	msg, ok := messageFor(v.Warnings, compat.CodeCtxExceedsWorker)
	require.True(t, ok)
	assert.Equal(t, ctxMessage(64000, 32768), msg)
}

func TestWarningContextUnknown(t *testing.T) {
	unknown := compat.Check(compat.Derive(stRaw("org/m", "llama")), compat.DefaultCatalog())
	requireCompatible(t, unknown, compat.High)
	assert.True(t, hasCode(unknown.Warnings, compat.CodeCtxUnknown))
	assert.False(t, hasCode(unknown.Warnings, compat.CodeCtxExceedsWorker))
	assert.Nil(t, unknown.ContextLength)

	known := compat.Check(withContext(compat.Derive(stRaw("org/m", "llama")), 8192), compat.DefaultCatalog())
	assert.False(t, hasCode(known.Warnings, compat.CodeCtxUnknown))

	fromGGUF := ggufRaw("org/m", "llama")
	fromGGUF.GGUFContextLength = 8192
	assert.False(t, hasCode(checkRaw(fromGGUF).Warnings, compat.CodeCtxUnknown))
}

func TestWarningGated(t *testing.T) {
	tests := map[string]struct {
		gated string
		want  bool
	}{
		"auto":     {gated: "auto", want: true},
		"manual":   {gated: "manual", want: true},
		"not set":  {gated: "", want: false},
		"false":    {gated: "false", want: false},
		"garbage":  {gated: "yes", want: false},
		"no token": {gated: "0", want: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := stRaw("org/m", "llama")
			r.Gated = tc.gated
			m := compat.Derive(r)
			assert.Equal(t, tc.want, m.IsGated())
			v := compat.Check(m, compat.DefaultCatalog())
			requireCompatible(t, v, compat.High)
			assert.Equal(t, tc.want, v.Gated)
			assert.Equal(t, tc.want, hasCode(v.Warnings, compat.CodeGated))
			assert.Equal(t, tc.want, anyContains(v.Recommendations, "licen"), "%q", v.Recommendations)
		})
	}
}

func TestWarningWeakEvidence(t *testing.T) {
	tests := map[string]struct {
		raw  compat.Raw
		want bool
	}{
		"structured":            {raw: stRaw("org/m", "llama"), want: false},
		"class name":            {raw: withFiles(compat.Raw{ConfigArchitectures: []string{"LlamaForCausalLM"}}, "model.safetensors"), want: false},
		"api formats":           {raw: compat.Raw{ConfigModelType: "llama", HasGGUF: true}, want: false},
		"architecture tag":      {raw: withFiles(compat.Raw{Tags: []string{"llama"}}, "model.safetensors"), want: true},
		"format tag":            {raw: compat.Raw{ConfigModelType: "llama", Tags: []string{"gguf"}}, want: true},
		"both tags":             {raw: compat.Raw{Tags: []string{"llama", "gguf"}}, want: true},
		"tags but incompatible": {raw: compat.Raw{Tags: []string{"gpt2", "safetensors"}}, want: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := checkRaw(tc.raw)
			assert.Equal(t, tc.want, hasCode(v.Warnings, compat.CodeWeakEvidence), "%+v", v.Warnings)
		})
	}
}

// Policy 5.2: warnings never change compatibility.
func TestWarningsNeverChangeCompatibility(t *testing.T) {
	addWarnings := func(r compat.Raw) compat.Model {
		r.Gated = "manual"
		return withContext(compat.Derive(r), 1_000_000)
	}
	tests := map[string]compat.Raw{
		"compatible llama":     stRaw("org/m", "llama"),
		"compatible qwen gguf": ggufRaw("org/m", "qwen3"),
		"unsupported arch":     stRaw("org/m", "gpt2"),
		"unsupported format":   withFiles(compat.Raw{ConfigModelType: "llama"}, "pytorch_model.bin"),
	}
	for name, r := range tests {
		t.Run(name, func(t *testing.T) {
			plain := compat.Check(withContext(compat.Derive(r), 2048), compat.DefaultCatalog())
			warned := compat.Check(addWarnings(r), compat.DefaultCatalog())

			assert.True(t, hasCode(warned.Warnings, compat.CodeGated))
			assert.True(t, hasCode(warned.Warnings, compat.CodeCtxExceedsWorker))
			assert.Empty(t, plain.Warnings)

			assert.Equal(t, plain.Compatible, warned.Compatible)
			assert.Equal(t, plain.Confidence, warned.Confidence)
			assert.Equal(t, plain.Reasons, warned.Reasons)
			assert.Equal(t, plain.RecommendedWorker, warned.RecommendedWorker)
			for i := range plain.Workers {
				assert.Equal(t, plain.Workers[i].Compatible, warned.Workers[i].Compatible)
				assert.Equal(t, plain.Workers[i].Reasons, warned.Workers[i].Reasons)
			}
		})
	}
}
