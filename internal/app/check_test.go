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
