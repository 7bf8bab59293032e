package text

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// IsUnsafe reports the characters a terminal acts on, or that change how
// text around them reads, and that must never reach it raw from data: C0
// controls (ESC, BEL, NUL, tab and newline included), DEL, the C1 controls
// U+0080..U+009F (U+009B alone starts a CSI sequence) and the invisible
// bidirectional controls of the "Trojan Source" set (U+202A..U+202E,
// U+2066..U+2069, U+200E, U+200F, U+061C). It is the one definition every
// printer here uses.
func IsUnsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

// Sanitize makes data safe to draw: it removes escape sequences (CSI, OSC,
// DCS, in their 7-bit and 8-bit forms), turns tabs and newlines into
// spaces, drops every other unsafe character (IsUnsafe) and invalid UTF-8.
// Everything from the Hub or a user's file goes through it before it
// reaches a screen.
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
		case IsUnsafe(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// OneLine makes a text fit one line of a message: sanitised, runs of
// spaces collapsed, trimmed, and cut at max runes with "…" (max <= 0: no
// cut).
func OneLine(s string, max int) string {
	s = strings.Join(strings.Fields(Sanitize(s)), " ")
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// CutMiddle fits a sanitized text into w terminal cells by cutting its
// middle out for "…": both ends of a long file name tell more than either
// (the folder at the start, the quantization and extension at the end).
// A text that fits is returned as it is; w < 1 gives "".
func CutMiddle(s string, w int) string {
	sw := ansi.StringWidth(s)
	switch {
	case sw <= w:
		return s
	case w < 1:
		return ""
	}
	tail := (w - 1) / 2
	head := w - 1 - tail
	return ansi.Truncate(s, head, "") + "…" + ansi.TruncateLeft(s, sw-tail, "")
}
