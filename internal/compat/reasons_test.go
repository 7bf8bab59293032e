package compat_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// Policy 5.1: every failure is reported, headline first, in the order
// ARCH_UNKNOWN, ARCH_UNSUPPORTED, FORMAT_UNSUPPORTED, FORMAT_UNKNOWN.
func TestReasonsListEveryFailureInOrder(t *testing.T) {
	tests := map[string]struct {
		raw  compat.Raw
		want []string
	}{
		"unknown architecture and unknown format": {
			raw:  compat.Raw{},
			want: []string{compat.CodeArchUnknown, compat.CodeFormatUnknown},
		},
		"unknown architecture and unsupported format": {
			raw:  withFiles(compat.Raw{}, "pytorch_model.bin"),
			want: []string{compat.CodeArchUnknown, compat.CodeFormatUnsupported},
		},
		"unknown architecture, good format": {
			raw:  withFiles(compat.Raw{}, "model.safetensors"),
			want: []string{compat.CodeArchUnknown},
		},
		"unsupported architecture and unsupported format": {
			raw:  withFiles(compat.Raw{ConfigModelType: "gpt2"}, "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack"),
			want: []string{compat.CodeArchUnsupported, compat.CodeFormatUnsupported},
		},
		"unsupported architecture and unknown format": {
			raw:  compat.Raw{ConfigModelType: "bert"},
			want: []string{compat.CodeArchUnsupported, compat.CodeFormatUnknown},
		},
		"unsupported architecture, good format": {
			raw:  stRaw("org/m", "t5"),
			want: []string{compat.CodeArchUnsupported},
		},
		"architecture supported only under another format": {
			raw:  stRaw("org/m", "phi2"),
			want: []string{compat.CodeArchUnsupported},
		},
		"supported architecture, unsupported format": {
			raw:  withFiles(compat.Raw{ConfigModelType: "mistral"}, "pytorch_model.bin"),
			want: []string{compat.CodeFormatUnsupported},
		},
		"supported architecture, unknown format": {
			raw:  compat.Raw{ConfigModelType: "mistral"},
			want: []string{compat.CodeFormatUnknown},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := checkRaw(tc.raw)
			requireIncompatible(t, v, tc.want...)
			assert.Equal(t, tc.want[0], v.Headline().Code)
			for _, r := range v.Reasons {
				assert.NotEmpty(t, r.Message, r.Code)
			}
		})
	}
}

// The FORMAT_UNSUPPORTED sentence names every format found.
func TestReasonFormatUnsupportedNamesFormatsFound(t *testing.T) {
	v := checkRaw(withFiles(compat.Raw{ConfigModelType: "llama"}, "pytorch_model.bin", "model.onnx", "tf_model.h5"))
	requireIncompatible(t, v, compat.CodeFormatUnsupported)
	for _, f := range []string{"pytorch", "onnx", "tensorflow"} {
		assert.Contains(t, v.Reasons[0].Message, f)
	}
}

// Policy 5.3: a compatible verdict holds one OK reason naming the
// architecture and the format that pass.
func TestReasonCompatibleIsOneOK(t *testing.T) {
	tests := map[string]struct {
		raw          compat.Raw
		arch, format string
	}{
		"llama safetensors": {raw: stRaw("org/m", "llama"), arch: "llama", format: "safetensors"},
		"qwen3 gguf":        {raw: ggufRaw("org/m", "qwen3"), arch: "qwen3", format: "gguf"},
		"phi2 gguf beside safetensors": {
			raw:  withFiles(compat.Raw{HasGGUF: true, GGUFArchitecture: "phi2"}, "model.safetensors", "phi-2.Q4_K_M.gguf"),
			arch: "phi2", format: "gguf",
		},
		"gemma3_text from class":   {raw: withFiles(compat.Raw{ConfigArchitectures: []string{"Gemma3ForCausalLM"}}, "model.safetensors"), arch: "gemma3_text", format: "safetensors"},
		"mixtral with pytorch too": {raw: withFiles(compat.Raw{ConfigModelType: "mixtral"}, "pytorch_model.bin", "model.safetensors"), arch: "mixtral", format: "safetensors"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := checkRaw(tc.raw)
			require.True(t, v.Compatible, "%+v", v.Reasons)
			require.Len(t, v.Reasons, 1)
			assert.Equal(t, compat.CodeOK, v.Reasons[0].Code)
			assert.Contains(t, v.Reasons[0].Message, tc.arch)
			assert.Contains(t, v.Reasons[0].Message, tc.format)
			assert.Equal(t, v.Reasons[0], v.Headline())
			for _, w := range v.Workers {
				assert.Emptyf(t, w.Reasons, "worker %s: a compatible worker has no failure", w.Name)
			}
		})
	}
}

// Policy 5.4: plain sentences on what to do.
func TestRecommendations(t *testing.T) {
	t.Run("unsupported format", func(t *testing.T) {
		v := checkRaw(withFiles(compat.Raw{ConfigModelType: "llama"}, "original/consolidated.00.pth"))
		assert.Contains(t, v.Recommendations, lookForSTorGGUF)
	})
	t.Run("quantized safetensors", func(t *testing.T) {
		v := checkRaw(withQuant(stRaw("org/m-AWQ", "qwen2"), "awq"))
		assert.Contains(t, v.Recommendations, lookForSTorGGUF)
	})
	t.Run("no format advice when the format is fine", func(t *testing.T) {
		v := checkRaw(stRaw("org/m", "gpt2"))
		assert.NotContains(t, v.Recommendations, lookForSTorGGUF)
	})
	t.Run("context over the limit", func(t *testing.T) {
		v := compat.Check(withContext(compat.Derive(stRaw("org/m", "llama")), 131072), compat.DefaultCatalog())
		assert.Truef(t, anyContains(v.Recommendations, "context", "32768"), "%q", v.Recommendations)
		assert.Truef(t, anyContains(v.Recommendations, "worker"), "suggest another worker: %q", v.Recommendations)
	})
	t.Run("gated", func(t *testing.T) {
		r := stRaw("meta-llama/Llama-3.1-8B-Instruct", "llama")
		r.Gated = "manual"
		v := checkRaw(r)
		assert.Truef(t, anyContains(v.Recommendations, "licen", "token"), "%q", v.Recommendations)
		assert.Truef(t, anyContains(v.Recommendations, "set HF_TOKEN"), "no token yet: %q", v.Recommendations)
	})
	t.Run("gated, with a token set: never 'set HF_TOKEN'", func(t *testing.T) {
		r := stRaw("meta-llama/Llama-3.1-8B-Instruct", "llama")
		r.Gated = "manual"
		cat := compat.DefaultCatalog()
		cat.Machine.HubToken = true
		v := compat.Check(compat.Derive(r), cat)
		assert.Truef(t, anyContains(v.Recommendations, "licen"), "%q", v.Recommendations)
		assert.Falsef(t, anyContains(v.Recommendations, "HF_TOKEN"), "%q", v.Recommendations)
	})
	t.Run("nothing to say", func(t *testing.T) {
		v := compat.Check(withContext(compat.Derive(stRaw("org/m", "llama")), 8192), compat.DefaultCatalog())
		assert.Empty(t, v.Recommendations)
		assert.NotNil(t, v.Recommendations)
	})
}

// Failures of different workers all reach the model's reasons, headline
// first in policy order.
func TestReasonsAcrossWorkers(t *testing.T) {
	c := compat.Catalog{Families: compat.DefaultFamilies(), Workers: []compat.Worker{
		{
			Name: "coder", Device: "cpu", Formats: []string{compat.FormatSafetensors},
			Architectures: map[string][]string{compat.FormatSafetensors: {"starcoder2"}},
		},
		{
			Name: "gguf-only", Device: "cpu", Formats: []string{compat.FormatGGUF},
			Architectures: map[string][]string{compat.FormatGGUF: {"llama"}},
		},
	}}
	v := compat.Check(compat.Derive(stRaw("org/m", "llama")), c)

	assert.False(t, v.Compatible)
	assert.Equal(t, compat.None, v.Confidence)
	assert.Equal(t, []string{compat.CodeArchUnsupported, compat.CodeFormatUnsupported}, codes(v.Reasons))
	coder, _ := v.WorkerResult("coder")
	assert.Equal(t, []string{compat.CodeArchUnsupported}, codes(coder.Reasons))
	gguf, _ := v.WorkerResult("gguf-only")
	assert.Equal(t, []string{compat.CodeFormatUnsupported}, codes(gguf.Reasons))
}

func TestReasonsEmptyCatalog(t *testing.T) {
	v := compat.Check(compat.Derive(stRaw("org/m", "llama")), compat.Catalog{})
	assert.False(t, v.Compatible)
	assert.Equal(t, compat.None, v.Confidence)
	assert.NotEmpty(t, v.Reasons)
	assert.NotNil(t, v.Workers)
	assert.Empty(t, v.Workers)
	assert.Empty(t, v.RecommendedWorker)
}
