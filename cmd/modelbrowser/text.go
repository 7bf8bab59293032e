package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
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

// isUnsafe reports the characters a terminal acts on that must never reach
// it raw from Hub text: C0 and C1 controls, DEL and bidi overrides.
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
