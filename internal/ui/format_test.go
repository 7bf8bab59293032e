package ui

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

func TestSanitize(t *testing.T) {
	tests := map[string]struct {
		in, want string
	}{
		"plain":                   {"meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B"},
		"unicode kept":            {"rinna/japanese-ゆかり", "rinna/japanese-ゆかり"},
		"OSC title, BEL ended":    {"a\x1b]0;pwned\x07b", "ab"},
		"OSC title, ST ended":     {"a\x1b]2;pwned\x1b\\b", "ab"},
		"OSC hyperlink":           {"\x1b]8;;https://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		"CSI clear screen":        {"a\x1b[2J\x1b[Hb", "ab"},
		"CSI colour":              {"\x1b[31mred\x1b[0m", "red"},
		"BEL":                     {"ding\x07dong", "dingdong"},
		"C1 CSI as UTF-8":         {"a\u009b2Jb", "ab"},
		"C1 OSC as UTF-8":         {"a\u009d0;t\u009cb", "ab"},
		"C1 CSI raw byte":         {"a\x9b2Jb", "ab"},
		"lone C1 control":         {"a\u0085b", "ab"},
		"DEL":                     {"a\x7fb", "ab"},
		"NUL and backspace":       {"a\x00\x08b", "ab"},
		"lone ESC":                {"a\x1b", "a"},
		"tabs and newlines":       {"a\tb\nc\r\nd", "a b c  d"},
		"bidi override":           {"user\u202egnp.exe", "usergnp.exe"},
		"bidi isolates and marks": {"a\u2066b\u2069c\u200fd\u061ce", "abcde"},
		"invalid UTF-8":           {"a\xffb\xc3", "ab"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, Sanitize(tt.in))
		})
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		t    time.Time
		want string
	}{
		"zero":       {time.Time{}, "unknown"},
		"future":     {now.Add(time.Hour), "just now"},
		"seconds":    {now.Add(-30 * time.Second), "just now"},
		"minutes":    {now.Add(-3 * time.Minute), "3 min ago"},
		"one hour":   {now.Add(-61 * time.Minute), "1 hour ago"},
		"hours":      {now.Add(-5 * time.Hour), "5 hours ago"},
		"one day":    {now.Add(-25 * time.Hour), "1 day ago"},
		"days":       {now.Add(-3 * 24 * time.Hour), "3 days ago"},
		"months":     {now.Add(-65 * 24 * time.Hour), "2 months ago"},
		"one year":   {now.Add(-400 * 24 * time.Hour), "1 year ago"},
		"many years": {now.Add(-3 * 366 * 24 * time.Hour), "3 years ago"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, Ago(now, tt.t))
		})
	}
}

func TestHumanNumbers(t *testing.T) {
	counts := map[int64]string{0: "0", 999: "999", 1000: "1k", 12_345: "12.3k", 123_456: "123k", 999_999: "1M",
		1_234_567: "1.2M", 12_000_000: "12M", 3_400_000_000: "3.4B", -1: "?"}
	for n, want := range counts {
		assert.Equal(t, want, HumanCount(n), "HumanCount(%d)", n)
	}
	params := map[int64]string{0: "?", -5: "?", 125_000: "125K", 999_499: "999K", 999_500: "1M", 494_032_768: "494M",
		999_499_999: "999M", 999_885_952: "1.0B", 1_235_814_400: "1.2B", 8_030_261_248: "8.0B", 70_553_706_496: "70.6B",
		999_949_999_999: "999.9B", 999_950_000_000: "1.0T", 1_500_000_000_000: "1.5T"}
	for n, want := range params {
		assert.Equal(t, want, HumanParams(n), "HumanParams(%d)", n)
	}
	contexts := map[int64]string{0: "?", -1: "?", 512: "512", 1000: "1000", 2048: "2k", 4096: "4k", 8000: "8000", 32768: "32k",
		40960: "40k", 131072: "128k", 163840: "160k", 1_048_576: "1M", 1_572_864: "1536k", 1_010_000: "1010000", 10_485_760: "10M"}
	for n, want := range contexts {
		assert.Equal(t, want, HumanContext(n), "HumanContext(%d)", n)
	}
}

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

func TestQuantLabel(t *testing.T) {
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
		"modelQ4_K_M.gguf":                            "", // no boundary before the label
	}
	for name, want := range tests {
		assert.Equal(t, want, quantLabel(name), name)
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
		c := layoutColumns(w, SortDownloads)
		if assert.Positive(t, c.context, "width %d keeps CTX", w) {
			assert.Contains(t, c.row(it), " 1010000 ", "width %d", w)
		}
	}
}
