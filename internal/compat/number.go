package compat

import (
	"math"
	"strconv"
	"strings"
)

// The one rule for numbers that count something (downloads, likes, a
// parameter count, a size, a context length), wherever they come from (the
// Hub's JSON, config.json): the value must be a finite, non-negative whole
// number that fits an int64. 4096, 4096.0 and 1.5e6 are whole; 4096.9, -5,
// 1e30 and anything that is not a number are not, and the fact is then
// unknown: never rounded, truncated or saturated.

// CountFromJSON reads a JSON number literal (as it appears in the JSON
// text, e.g. "1.5e6") by the rule above; ok is false when it does not
// follow it (or is not a JSON number). The check is exact: it does not go
// through a float, so 4096.0000000000000001 is not whole.
func CountFromJSON(num string) (n int64, ok bool) {
	s := num
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	// Split the literal into its digits and the position of the decimal
	// point among them: int "." frac "e" exp.
	mant, exp := s, int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		es, sign := s[i+1:], int64(1)
		if es != "" && (es[0] == '+' || es[0] == '-') {
			if es[0] == '-' {
				sign = -1
			}
			es = es[1:]
		}
		if es == "" || !allDigits(es) {
			return 0, false
		}
		// Past 10^9 (more digits than any body holds) the exponent
		// alone decides: clamp it.
		exp = sign * 1_000_000_000
		if es = strings.TrimLeft(es, "0"); len(es) < 10 {
			e, _ := strconv.ParseInt("0"+es, 10, 64)
			exp = sign * min(e, 1_000_000_000)
		}
	}
	intPart, frac, hasDot := strings.Cut(mant, ".")
	if intPart == "" || !allDigits(intPart) || !allDigits(frac) || (hasDot && frac == "") {
		return 0, false
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return 0, true // zero, whatever its sign or exponent
	}
	if neg {
		return 0, false
	}
	// The decimal point sits after point digits of digits (counted from
	// the first non-zero one).
	lead := len(intPart+frac) - len(digits) // zeros removed in front
	point := int64(len(intPart)) - int64(lead) + exp
	switch {
	case point <= 0:
		return 0, false // 0.x: not whole
	case point > 19:
		return 0, false // at least 10^19: does not fit
	}
	whole, rest := digits, ""
	if int(point) < len(digits) {
		whole, rest = digits[:point], digits[point:]
	}
	if strings.Trim(rest, "0") != "" {
		return 0, false // a fraction
	}
	whole += strings.Repeat("0", int(point)-len(whole))
	v, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false // past MaxInt64
	}
	return v, true
}

// CountFromFloat is the rule for a number already decoded into a float64
// (a config.json read into map[string]any).
func CountFromFloat(x float64) (int64, bool) {
	// 2^63 is the first float64 past MaxInt64.
	if math.IsNaN(x) || x < 0 || x >= 1<<63 || x != math.Trunc(x) {
		return 0, false
	}
	return int64(x), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// maxContext bounds a plausible context length; larger values are
// sentinels or garbage, not facts.
const maxContext = 1 << 40

// plausibleContext reports whether a count that follows the number rule
// is a context length: from 1 to maxContext tokens. The same bound holds
// for gguf.context_length and for config.json.
func plausibleContext(n int64) bool { return n >= 1 && n <= maxContext }
