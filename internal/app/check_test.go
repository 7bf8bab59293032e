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
	}
	for in, want := range tests {
		id, label := SplitPick(in)
		assert.Equal(t, want, [2]string{id, label}, in)
	}
}
