package app

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitPick(t *testing.T) {
	tests := map[string][2]string{
		"Qwen/Qwen3-8B-GGUF:Q4_K_M":          {"Qwen/Qwen3-8B-GGUF", "Q4_K_M"},
		"unsloth/x-GGUF:UD-Q4_K_XL":          {"unsloth/x-GGUF", "UD-Q4_K_XL"},
		"org/m:safetensors/BF16":             {"org/m", "safetensors/BF16"},
		"org/m":                              {"org/m", ""},
		"org/m:":                             {"org/m:", ""},
		`C:\x`:                               {`C:\x`, ""},
		"org/m:Q4 K":                         {"org/m:Q4 K", ""},
		"org/m:/etc/passwd":                  {"org/m:/etc/passwd", ""},
		"org/m:a:b":                          {"org/m:a:b", ""},
		"org/m:\x1b[2J":                      {"org/m:\x1b[2J", ""},
		"bartowski/m-GGUF:Q4_K_M/part-00001": {"bartowski/m-GGUF", "Q4_K_M/part-00001"},
		// The forms people paste (FIT_POLICY.md section 6).
		"hf.co/Qwen/Qwen3-8B-GGUF:Q4_K_M":                                    {"Qwen/Qwen3-8B-GGUF", "Q4_K_M"},
		"hf.co/Qwen/Qwen3-8B-GGUF":                                           {"Qwen/Qwen3-8B-GGUF", ""},
		"huggingface.co/org/m":                                               {"org/m", ""},
		"https://huggingface.co/org/m":                                       {"org/m", ""},
		"https://huggingface.co/org/m/":                                      {"org/m", ""},
		"https://huggingface.co/org/m/tree/main":                             {"org/m", ""},
		"https://huggingface.co/org/m/blob/main/README.md":                   {"org/m", ""},
		"https://huggingface.co/org/m/resolve/main/q/m-Q4_K_M.gguf?download": {"org/m", ""},
		"https://hf.co/org/m:Q8_0":                                           {"org/m", "Q8_0"},
		"https://huggingface.co/org/m/discussions/3":                         {"https://huggingface.co/org/m/discussions/3", ""},
		"https://example.com/org/m":                                          {"https://example.com/org/m", ""},
	}
	for in, want := range tests {
		id, label := SplitPick(in)
		assert.Equal(t, want, [2]string{id, label}, in)
	}
}

func TestParseOverrides(t *testing.T) {
	o, err := ParseOverrides("16GiB", "8G", "32k")
	assert.NoError(t, err)
	if assert.NotNil(t, o.Memory) && assert.NotNil(t, o.VRAM) {
		assert.EqualValues(t, 16<<30, *o.Memory)
		assert.EqualValues(t, 8<<30, *o.VRAM)
	}
	assert.EqualValues(t, 32768, o.Context)

	o, err = ParseOverrides("", "", "")
	assert.NoError(t, err)
	assert.Equal(t, Overrides{}, o)

	for _, bad := range [][3]string{{"16", "", ""}, {"", "-1G", ""}, {"", "", "lots"}, {"\x1b[2J", "", ""}} {
		_, err := ParseOverrides(bad[0], bad[1], bad[2])
		assert.Error(t, err, "%q", bad)
	}
	_, err = ParseOverrides("16", "", "")
	assert.Contains(t, err.Error(), "--memory")
}

// The browser's QUERY, when it is a repo id as people paste it, searches
// for that repository (issue 20 item 7).
func TestBrowseQuery(t *testing.T) {
	for in, want := range map[string]string{
		"hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:q4_k_m":   "Qwen/Qwen2.5-0.5B-Instruct-GGUF",
		"https://huggingface.co/Qwen/Qwen3-8B/tree/main": "Qwen/Qwen3-8B",
		"huggingface.co/google/gemma-3-1b-it":            "google/gemma-3-1b-it",
		"Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M":         "Qwen/Qwen2.5-0.5B-Instruct-GGUF",
		"qwen":                                           "qwen",
		"meta-llama/Llama-3.1-8B-Instruct":               "meta-llama/Llama-3.1-8B-Instruct",
	} {
		assert.Equal(t, want, BrowseQuery([]string{in}), in)
	}
	assert.Equal(t, "small qwen", BrowseQuery([]string{"small", "qwen"}))
	assert.Equal(t, "", BrowseQuery(nil))
}
