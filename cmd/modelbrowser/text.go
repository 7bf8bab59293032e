package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/term"
)

// terminalInfo says whether f is a terminal and how wide it is.
func terminalInfo(f *os.File) (bool, int) {
	if !term.IsTerminal(f.Fd()) {
		return false, 0
	}
	w, _, err := term.GetSize(f.Fd())
	if err != nil {
		return true, 0
	}
	return true, w
}

// sanitize makes Hub text inert before it reaches a terminal: control
// characters (C0, DEL, C1 such as U+009B CSI) and bidirectional overrides
// are dropped, so an escape sequence in a tag or file name is shown as
// harmless text, never interpreted.
func sanitize(s string) string {
	clean := true
	for _, r := range s {
		if isUnsafe(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isUnsafe(r) {
			return -1
		}
		return r
	}, s)
}

func isUnsafe(r rune) bool {
	switch {
	case r == unicode.ReplacementChar:
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
		return true
	}
	return false
}

// jsonInert escapes, in JSON text, the characters encoding/json leaves raw
// but a terminal acts on: DEL, the C1 controls (U+0080..U+009F; U+009B is a
// one-character CSI) and the bidirectional overrides. encoding/json already
// escapes C0 controls such as ESC and BEL. Such characters only occur
// inside JSON strings, where \uXXXX is the same character: a parser reads
// the same value, a terminal shows plain text. Every Write must hold whole
// UTF-8 sequences, as json.Encoder's do.
type jsonInert struct{ w io.Writer }

func (j jsonInert) Write(p []byte) (int, error) {
	if !bytes.ContainsFunc(p, isUnsafeInJSON) {
		return j.w.Write(p)
	}
	out := make([]byte, 0, len(p)+32)
	for rest := p; len(rest) > 0; {
		r, n := utf8.DecodeRune(rest)
		if n > 1 || r != utf8.RuneError {
			if isUnsafeInJSON(r) {
				out = fmt.Appendf(out, `\u%04x`, r)
				rest = rest[n:]
				continue
			}
		}
		out = append(out, rest[:n]...)
		rest = rest[n:]
	}
	if _, err := j.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// isUnsafeInJSON is isUnsafe but for C0 controls, which are JSON's own
// whitespace (newlines, indent) when raw and escaped by encoding/json in
// strings.
func isUnsafeInJSON(r rune) bool { return r >= 0x20 && isUnsafe(r) }

// humanCount prints 1234567 as 1.2M.
func humanCount(n int64) string {
	switch {
	case n >= 1_000_000_000:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/1e9)) + "B"
	case n >= 1_000_000:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/1e6)) + "M"
	case n >= 1_000:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/1e3)) + "k"
	}
	return fmt.Sprint(n)
}

// humanParams prints a parameter count as 8.0B or 494M.
func humanParams(n int64) string {
	switch {
	case n >= 950_000_000: // 999,885,952 reads 1.0B, not 1000M
		return fmt.Sprintf("%.1fB", float64(n)/1e9)
	case n >= 1_000_000:
		return fmt.Sprintf("%.0fM", float64(n)/1e6)
	}
	return humanCount(n)
}

// humanContext prints a context length as 128k (131072) or 2048.
func humanContext(n int64) string {
	if n >= 1024 && n%1024 == 0 {
		return fmt.Sprintf("%dk", n/1024)
	}
	return fmt.Sprint(n)
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
