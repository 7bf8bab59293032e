package text

import (
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
	return AppendInert(b[:0:0], b), nil
}

// WriteJSON writes v to w as indented JSON followed by a newline, as
// encoding/json's Encoder with SetIndent("", "  ") would, with every unsafe
// character inert.
func WriteJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v, jsonOptions, jsontext.Multiline(true), jsontext.WithIndent("  "))
	if err != nil {
		return err
	}
	b = append(AppendInert(nil, b), '\n')
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
	i := 0
	for i < len(src) && src[i] < 0x7f {
		i++
	}
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
