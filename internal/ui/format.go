package ui

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Sanitize makes Hub text safe to draw: it removes escape sequences (CSI,
// OSC, DCS, in their 7-bit and 8-bit forms) and then every remaining control
// character (C0 including ESC and BEL, DEL, C1) and bidi override, turns
// tabs and newlines into spaces, and drops invalid UTF-8. Everything
// the Hub says goes through it before it reaches the screen, the TUI's or
// the CLI's.
func Sanitize(s string) string {
	if isPlainASCII(s) {
		return s
	}
	// Escape sequences first, 7-bit and raw 8-bit alike, then again after
	// rewriting UTF-8 encoded C1 controls as their 7-bit escapes, so that a
	// U+009B CSI loses its whole sequence, not just its introducer.
	s = ansi.Strip(s)
	if strings.ContainsFunc(s, isC1) {
		var b strings.Builder
		for _, r := range s {
			if isC1(r) {
				b.WriteByte(0x1b)
				b.WriteByte(byte(r - 0x40))
				continue
			}
			b.WriteRune(r)
		}
		s = ansi.Strip(b.String())
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || isC1(r) || isBidiControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

// isBidiControl reports the invisible characters that reorder text (the
// "Trojan Source" set).
func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// Ago says how long before now t was, for a person: "just now", "3 min ago",
// "2 hours ago", "3 days ago", "5 months ago", "2 years ago". A zero t is
// "unknown"; a t after now is "just now".
func Ago(now, t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	d := now.Sub(t)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit + " ago"
		}
		return strconv.Itoa(n) + " " + unit + "s ago"
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour")
	case d < 30*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day")
	case d < 365*24*time.Hour:
		return plural(int(d/(30*24*time.Hour)), "month")
	}
	return plural(int(d/(365*24*time.Hour)), "year")
}

// HumanCount shortens a count the way the Hub shows it: 999, 12.3k, 1.2M,
// 3.4B; "?" for a negative count.
func HumanCount(n int64) string {
	switch {
	case n < 0:
		return "?"
	case n < 1000:
		return strconv.FormatInt(n, 10)
	case n < 999_500: // not "1000k"
		return scaled(float64(n)/1e3, "k")
	case n < 999_500_000:
		return scaled(float64(n)/1e6, "M")
	}
	return scaled(float64(n)/1e9, "B")
}

// HumanParams shortens a parameter count: 125K, 494M, 8.0B, 1.5T; "?" when
// unknown (0 or less). The unit is chosen after rounding, so 999,885,952
// reads 1.0B, not 1000M.
func HumanParams(n int64) string {
	switch {
	case n <= 0:
		return "?"
	case n < 999_500:
		return scaled(float64(n)/1e3, "K")
	case n < 999_500_000:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 0, 64) + "M"
	case n < 999_950_000_000:
		return strconv.FormatFloat(float64(n)/1e9, 'f', 1, 64) + "B"
	}
	return strconv.FormatFloat(float64(n)/1e12, 'f', 1, 64) + "T"
}

// HumanContext shortens a context length in tokens without hiding its
// value: a multiple of 1024 reads as Nk (131072 → 128k), of 1024² as NM
// (1048576 → 1M); any other length is the number itself (8000, 1010000);
// "?" when unknown (0 or less).
func HumanContext(n int64) string {
	const k, m = 1024, 1024 * 1024
	switch {
	case n <= 0:
		return "?"
	case n%m == 0:
		return strconv.FormatInt(n/m, 10) + "M"
	case n%k == 0:
		return strconv.FormatInt(n/k, 10) + "k"
	}
	return strconv.FormatInt(n, 10)
}

// scaled prints one decimal below 100 (1.2M, 12.3k) and none above (123k).
func scaled(v float64, unit string) string {
	if v < 99.95 {
		s := strconv.FormatFloat(v, 'f', 1, 64)
		return strings.TrimSuffix(s, ".0") + unit
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + unit
}

// quantRe finds a GGUF quantization label in a file name: Q4_K_M, Q8_0,
// IQ3_XS, Q4_0_4_4, TQ1_0, MXFP4, F16, BF16, F32.
var quantRe = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(IQ[1-4]_(?:XXS|XS|S|M|NL)|Q[2-8]_K(?:_[SML])?|Q[4-8]_[01](?:_[48]_[48])?|TQ[12]_0|MXFP4|BF16|FP16|FP32|F16|F32)(?:[^a-z0-9]|$)`)

// quantLabel returns the quantization label in a GGUF file name, upper-cased
// ("model.q4_k_m.gguf" → "Q4_K_M"), or "" when the name carries none.
func quantLabel(name string) string {
	base := name[strings.LastIndexByte(name, '/')+1:]
	m := quantRe.FindStringSubmatch(base)
	if m == nil {
		return ""
	}
	return strings.ToUpper(m[1])
}
