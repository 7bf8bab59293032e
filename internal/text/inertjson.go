package text

import (
	"encoding/binary"
	"io"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// jsonOptions keep the output of encoding/json, which --json has always
// printed: struct fields in order, nil slices and maps as null, <, > and &
// escaped as \u003c..., U+2028 and U+2029 escaped, invalid UTF-8 replaced by
// U+FFFD.
var jsonOptions = json.JoinOptions(jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(true), jsontext.EscapeForJS(true))

// MarshalJSON encodes v as encoding/json would (one line), with every
// unsafe character inert (see AppendInert).
func MarshalJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v, jsonOptions)
	if err != nil {
		return nil, err
	}
	return inert(b), nil
}

// inert is b with every unsafe character escaped (see AppendInert): b
// itself when it has none.
func inert(b []byte) []byte {
	i := plainPrefix(b)
	if i == len(b) {
		return b
	}
	return AppendInert(append(make([]byte, 0, len(b)+len(b)/8), b[:i]...), b[i:])
}

// JSONAppender encodes values as MarshalJSON does, appending each to a
// buffer the caller keeps: for many values in a row (search --json prints
// one a line) it saves MarshalJSON's two copies of each and the setting up
// of an encoder per value. Not for concurrent use.
type JSONAppender struct {
	enc *jsontext.Encoder
	out appendWriter
}

// appendWriter is an io.Writer that appends to b.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// Append appends v, encoded on one line as MarshalJSON encodes it, to dst.
// On an error dst is returned as it was.
func (a *JSONAppender) Append(dst []byte, v any) ([]byte, error) {
	if a.enc == nil {
		a.enc = jsontext.NewEncoder(&a.out, jsonOptions)
	}
	start := len(dst)
	a.out.b = dst
	err := json.MarshalEncode(a.enc, v, jsonOptions)
	dst, a.out.b = a.out.b, nil
	if err != nil {
		a.enc.Reset(&a.out, jsonOptions)
		return dst[:start], err
	}
	if n := len(dst); n > start && dst[n-1] == '\n' {
		dst = dst[:n-1] // the encoder ends each top-level value with a newline
	}
	if i := start + plainPrefix(dst[start:]); i < len(dst) {
		dst = append(dst[:i], AppendInert(nil, dst[i:])...)
	}
	return dst, nil
}

// WriteJSON writes v to w as indented JSON followed by a newline, as
// encoding/json's Encoder with SetIndent("", "  ") would, with every unsafe
// character inert.
func WriteJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v, jsonOptions, jsontext.Multiline(true), jsontext.WithIndent("  "))
	if err != nil {
		return err
	}
	b = append(inert(b), '\n')
	_, err = w.Write(b)
	return err
}

// AppendInert appends the JSON text src to dst with the characters a JSON
// encoder leaves raw but a terminal acts on (DEL, C1 controls, bidi
// controls: IsUnsafe above U+001F) written as \uXXXX escapes. They only
// occur inside JSON strings, where the escape is the same character: a
// parser reads the same value, a terminal shows plain text. C0 controls
// are JSON's own whitespace outside strings and escaped by the encoder
// inside them. Text that is all ASCII below DEL, the common case, is
// copied as it is.
func AppendInert(dst, src []byte) []byte {
	i := plainPrefix(src)
	dst = append(dst, src[:i]...)
	for rest := src[i:]; len(rest) > 0; {
		r, n := utf8.DecodeRune(rest)
		if r >= 0x20 && IsUnsafe(r) && (n > 1 || r == 0x7f) {
			dst = appendHex4(append(dst, '\\', 'u'), r)
		} else {
			dst = append(dst, rest[:n]...)
		}
		rest = rest[n:]
	}
	return dst
}

func appendHex4(dst []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(dst, hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}

// plainPrefix is the length of the longest prefix of b that is ASCII below
// DEL, which AppendInert copies as it is; it reads eight bytes at a time.
func plainPrefix(b []byte) int {
	const high = 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		// A byte at or above 0x80 has its top bit set; one of exactly
		// 0x7f gets it when 1 is added (no byte below 0x80 carries).
		if (x|(x+0x0101010101010101))&high != 0 {
			break
		}
	}
	for i < len(b) && b[i] < 0x7f {
		i++
	}
	return i
}
