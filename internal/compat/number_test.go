package compat_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// The number rule: a count is a finite, non-negative whole number that
// fits an int64; anything else is unknown, never rounded or saturated.
func TestCountFromJSON(t *testing.T) {
	tests := map[string]struct {
		want int64
		ok   bool
	}{
		"0": {0, true}, "-0": {0, true}, "0.0": {0, true}, "0e99999999999": {0, true}, "-0.0e-5": {0, true},
		"4096": {4096, true}, "4096.0": {4096, true}, "4096.000": {4096, true}, "4.096e3": {4096, true},
		"1.5e6": {1500000, true}, "1E2": {100, true}, "1e+2": {100, true}, "40960e-1": {4096, true},
		"0.4096e4": {4096, true}, "00": {0, true}, "9223372036854775807": {math.MaxInt64, true},
		"9.223372036854775807e18": {math.MaxInt64, true}, "7248023552.0": {7248023552, true},

		"4096.9": {0, false}, "4096.0000000000000001": {0, false}, "0.5": {0, false}, "1e-1": {0, false},
		"-5": {0, false}, "-1e3": {0, false}, "-0.5": {0, false},
		"1e30": {0, false}, "1e19": {0, false}, "9223372036854775808": {0, false}, "9.3e18": {0, false},
		"1e99999999999999999999": {0, false}, "1e400": {0, false},
		"NaN": {0, false}, "Infinity": {0, false}, "": {0, false}, "-": {0, false}, "1.": {0, false},
		".5": {0, false}, "1e": {0, false}, "1e+": {0, false}, "0x10": {0, false}, "1_000": {0, false},
		"12a": {0, false}, `"12"`: {0, false},
	}
	for in, tc := range tests {
		t.Run(in, func(t *testing.T) {
			got, ok := compat.CountFromJSON(in)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestCountFromFloat(t *testing.T) {
	tests := map[string]struct {
		in   float64
		want int64
		ok   bool
	}{
		"whole":       {4096, 4096, true},
		"zero":        {0, 0, true},
		"1.5e6":       {1.5e6, 1500000, true},
		"2^62":        {1 << 62, 1 << 62, true},
		"fraction":    {4096.9, 0, false},
		"negative":    {-5, 0, false},
		"huge":        {1e30, 0, false},
		"2^63":        {1 << 63, 0, false},
		"NaN":         {math.NaN(), 0, false},
		"+Inf":        {math.Inf(1), 0, false},
		"-Inf":        {math.Inf(-1), 0, false},
		"max float64": {math.MaxFloat64, 0, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := compat.CountFromFloat(tc.in)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

// A context length follows the number rule and the same bound (1 to
// 2^40 tokens) whether it comes from gguf.context_length or from
// config.json: the two places accept exactly the same values.
func TestContextRuleSameForGGUFAndConfig(t *testing.T) {
	for _, lit := range []string{"4096", "4096.0", "4096.9", "1e30", "-5", "0", "1099511627776", "1099511627777", "1.5e6", "9223372036854775807"} {
		t.Run(lit, func(t *testing.T) {
			// config.json, decoded as encoding/json does (float64) and
			// with UseNumber (json.Number).
			var f float64
			if err := json.Unmarshal([]byte(lit), &f); err != nil {
				t.Fatal(err)
			}
			fromFloat := compat.ContextFromConfig(map[string]any{"max_position_embeddings": f})
			fromNumber := compat.ContextFromConfig(map[string]any{"max_position_embeddings": json.Number(lit)})
			// gguf.context_length: the Hub decoder gives Derive the
			// count when it follows the rule, else nothing (0).
			n, _ := compat.CountFromJSON(lit)
			fromGGUF := compat.Derive(compat.Raw{ID: "o/m", HasGGUF: true, GGUFArchitecture: "llama", GGUFContextLength: n}).ContextLength

			assert.Equal(t, fromNumber.Known(), fromGGUF.Known(), "gguf %+v, config.json %+v", fromGGUF, fromNumber)
			assert.Equal(t, fromNumber.Value, fromGGUF.Value)
			assert.Equal(t, fromNumber, fromFloat)
		})
	}
	t.Run("a gguf context past 2^40 is no fact", func(t *testing.T) {
		m := compat.Derive(compat.Raw{ID: "o/m", HasGGUF: true, GGUFArchitecture: "llama", GGUFContextLength: 1<<40 + 1})
		assert.False(t, m.ContextLength.Known())
	})
}
