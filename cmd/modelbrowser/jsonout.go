package main

import (
	"strconv"
	"unicode/utf8"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// appendSearchResult appends r as json.Encoder writes it through jsonInert,
// byte for byte, newline included: the same field order and names, null
// for nil slices and pointers, HTML characters, U+2028/9 and C0 controls
// escaped as encoding/json does, DEL, C1 controls and bidi overrides as
// jsonInert does, invalid UTF-8 as \ufffd. It exists because search --json
// prints hundreds of verdicts and reflection plus a second pass over the
// text cost more than the rest of a cached search.
// TestAppendSearchResultMatchesEncodingJSON holds it to that.
func appendSearchResult(b []byte, r searchResult) []byte {
	v := &r.Verdict
	b = append(b, `{"id":`...)
	b = appendJSONString(b, v.ID)
	b = append(b, `,"compatible":`...)
	b = strconv.AppendBool(b, v.Compatible)
	b = append(b, `,"confidence":`...)
	b = appendJSONString(b, string(v.Confidence))
	b = append(b, `,"architecture":`...)
	b = appendJSONString(b, v.Architecture)
	b = append(b, `,"family":`...)
	b = appendJSONString(b, v.Family)
	b = append(b, `,"formats":`...)
	b = appendJSONStrings(b, v.Formats)
	b = append(b, `,"context_length":`...)
	b = appendJSONIntPtr(b, v.ContextLength)
	b = append(b, `,"parameters":`...)
	b = appendJSONIntPtr(b, v.Parameters)
	b = append(b, `,"gated":`...)
	b = strconv.AppendBool(b, v.Gated)
	b = append(b, `,"reasons":`...)
	b = appendJSONMessages(b, v.Reasons)
	b = append(b, `,"warnings":`...)
	b = appendJSONMessages(b, v.Warnings)
	b = append(b, `,"recommendations":`...)
	b = appendJSONStrings(b, v.Recommendations)
	b = append(b, `,"evidence":`...)
	if v.Evidence == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, e := range v.Evidence {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"fact":`...)
			b = appendJSONString(b, e.Fact)
			b = append(b, `,"value":`...)
			b = appendJSONString(b, e.Value)
			b = append(b, `,"source":`...)
			b = appendJSONString(b, e.Source)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"workers":`...)
	if v.Workers == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, w := range v.Workers {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONWorker(b, &w)
		}
		b = append(b, ']')
	}
	b = append(b, `,"recommended_worker":`...)
	b = appendJSONString(b, v.RecommendedWorker)
	b = append(b, `,"downloads":`...)
	b = strconv.AppendInt(b, r.Downloads, 10)
	b = append(b, `,"likes":`...)
	b = strconv.AppendInt(b, r.Likes, 10)
	return append(b, "}\n"...)
}

func appendJSONWorker(b []byte, w *compat.WorkerResult) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, w.Name)
	b = append(b, `,"compatible":`...)
	b = strconv.AppendBool(b, w.Compatible)
	b = append(b, `,"confidence":`...)
	b = appendJSONString(b, string(w.Confidence))
	b = append(b, `,"format":`...)
	b = appendJSONString(b, w.Format)
	b = append(b, `,"reasons":`...)
	b = appendJSONMessages(b, w.Reasons)
	b = append(b, `,"warnings":`...)
	b = appendJSONMessages(b, w.Warnings)
	b = append(b, `,"max_context":`...)
	b = strconv.AppendInt(b, w.MaxContext, 10)
	return append(b, '}')
}

func appendJSONMessages(b []byte, ms []compat.Message) []byte {
	if ms == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, m := range ms {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"code":`...)
		b = appendJSONString(b, m.Code)
		b = append(b, `,"message":`...)
		b = appendJSONString(b, m.Message)
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendJSONStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

func appendJSONIntPtr(b []byte, n *int64) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *n, 10)
}

// jsonPlain marks the ASCII bytes that go into a JSON string as they are.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		switch c {
		case '"', '\\', '<', '>', '&':
		default:
			t[c] = !isUnsafeInJSON(rune(c))
		}
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted, escaped as described at
// appendSearchResult.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default: // other C0 controls, < > &, and what jsonInert escapes
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == 0x2028, r == 0x2029, isUnsafeInJSON(r):
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
			i += size
			start = i
		default:
			i += size
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
