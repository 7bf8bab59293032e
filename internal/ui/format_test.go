package ui

import (
	"github.com/charmbracelet/lipgloss"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// TestParamsRoundBeforeTheUnit is the lead's report: google/gemma-3-1b-it
// (999,885,952 parameters) read "1000M" in the list and the detail.
func TestParamsRoundBeforeTheUnit(t *testing.T) {
	m := model(compat.Raw{ID: "google/gemma-3-1b-it", ConfigModelType: "gemma3", HasSafetensors: true, SafetensorsTotal: 999_885_952,
		HasSiblings: true, Siblings: []string{"model.safetensors"}})
	it := newItem(m, compatCatalog())
	assert.Equal(t, "1.0B", it.params)
	text := ansi.Strip(explain(&Styles{}, it, it.shownWorker(""), testNow, 100, false))
	assert.Contains(t, text, "1.0B (999885952)")
	assert.NotContains(t, text, "1000M")
}

func TestGGUFQuant(t *testing.T) {
	tests := map[string]string{
		"Qwen2.5-7B-Instruct-Q4_K_M.gguf":             "Q4_K_M",
		"llama-3-8b.Q8_0.gguf":                        "Q8_0",
		"model-f16.gguf":                              "F16",
		"gemma-2-9b-it-IQ3_XS.gguf":                   "IQ3_XS",
		"Phi-3-mini-BF16.gguf":                        "BF16",
		"sub/dir/model.q5_k_s.gguf":                   "Q5_K_S",
		"Meta-Llama-3-70B-Q4_K_M-00001-of-00002.gguf": "Q4_K_M",
		"model-IQ2_XXS.gguf":                          "IQ2_XXS",
		"model-Q6_K.gguf":                             "Q6_K",
		"model-Q4_0_4_4.gguf":                         "Q4_0_4_4",
		"model-TQ1_0.gguf":                            "TQ1_0",
		"Qwen3-8B.gguf":                               "",
		"mmproj-model-f32.gguf":                       "F32",
		"IQ4_NL.gguf":                                 "IQ4_NL",
		"modelQ4_K_M.gguf":                            "Q4_K_M", // the policy's rule needs no boundary
		"qwen2.5-0.5b-instruct-fp16.gguf":             "FP16",
		"Qwen3-8B-Q4.gguf":                            "Q4", // a bare quant as the last token
		"Llama-3.2-1B-UD-Q4_K_XL.gguf":                "UD-Q4_K_XL",
	}
	for name, want := range tests {
		assert.Equal(t, want, ggufQuant(name), name)
	}
	assert.Empty(t, ggufQuant("model-Q4_K_M.safetensors"), "only GGUF files carry quant labels")
}

// TestContextColumnHoldsExactLengths: a context that is not a multiple of
// 1024 is printed whole (HumanContext), and the CTX column is wide enough
// not to cut it, down to the narrowest width that keeps the column.
func TestContextColumnHoldsExactLengths(t *testing.T) {
	m := model(compat.Raw{ID: "Qwen/Qwen2.5-7B-Instruct-1M", HasGGUF: true, GGUFArchitecture: "qwen2", GGUFContextLength: 1_010_000,
		HasSiblings: true, Siblings: []string{"q.Q4_K_M.gguf"}})
	it := newItem(m, compatCatalog())
	for _, w := range []int{60, 80, 120} {
		c := layoutColumns(w, query.SortDownloads)
		if assert.Positive(t, c.context, "width %d keeps CTX", w) {
			assert.Contains(t, c.row(it, "", nil, &Styles{}, lipgloss.NewStyle()), " 1010000 ", "width %d", w)
		}
	}
}
