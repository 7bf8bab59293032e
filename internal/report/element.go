package report

import (
	"strconv"
	"unicode/utf8"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// appendElement appends el, which has no fit, as text.MarshalJSON writes
// it, field for field: search --json, judge and export write a line per
// model, and judge's budget (half the time jq takes to re-print its input)
// leaves no room for the reflection of a general encoder. A string that
// is not plain ASCII goes through the general encoder, so the escaping is
// the same by construction; TestElementMatchesMarshalJSON holds the rest
// to it.
func appendElement(b []byte, el SearchElement) ([]byte, error) {
	v := &el.Verdict
	var err error
	b = append(b, `{"id":`...)
	if b, err = appendString(b, v.ID); err != nil {
		return b, err
	}
	b = append(b, `,"compatible":`...)
	b = strconv.AppendBool(b, v.Compatible)
	b = append(b, `,"confidence":`...)
	b, _ = appendString(b, string(v.Confidence))
	b = append(b, `,"architecture":`...)
	b, _ = appendString(b, v.Architecture)
	b = append(b, `,"family":`...)
	b, _ = appendString(b, v.Family)
	b = append(b, `,"formats":`...)
	b = appendStrings(b, v.Formats)
	b = append(b, `,"context_length":`...)
	b = appendIntPtr(b, v.ContextLength)
	b = append(b, `,"parameters":`...)
	b = appendIntPtr(b, v.Parameters)
	b = append(b, `,"gated":`...)
	b = strconv.AppendBool(b, v.Gated)
	b = append(b, `,"reasons":`...)
	b = appendMessages(b, v.Reasons)
	b = append(b, `,"warnings":`...)
	b = appendMessages(b, v.Warnings)
	b = append(b, `,"recommendations":`...)
	b = appendStrings(b, v.Recommendations)
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
			b, _ = appendString(b, e.Fact)
			b = append(b, `,"value":`...)
			b, _ = appendString(b, e.Value)
			b = append(b, `,"source":`...)
			b, _ = appendString(b, e.Source)
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
			b = append(b, `{"name":`...)
			b, _ = appendString(b, w.Name)
			b = append(b, `,"compatible":`...)
			b = strconv.AppendBool(b, w.Compatible)
			b = append(b, `,"confidence":`...)
			b, _ = appendString(b, string(w.Confidence))
			b = append(b, `,"format":`...)
			b, _ = appendString(b, w.Format)
			b = append(b, `,"reasons":`...)
			b = appendMessages(b, w.Reasons)
			b = append(b, `,"warnings":`...)
			b = appendMessages(b, w.Warnings)
			b = append(b, `,"max_context":`...)
			b = strconv.AppendInt(b, w.MaxContext, 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"recommended_worker":`...)
	b, _ = appendString(b, v.RecommendedWorker)
	b = append(b, `,"mark":`...)
	b, _ = appendString(b, el.Mark)
	b = append(b, `,"downloads":`...)
	b = strconv.AppendInt(b, el.Downloads, 10)
	b = append(b, `,"likes":`...)
	b = strconv.AppendInt(b, el.Likes, 10)
	return append(b, '}'), nil
}

func appendMessages(b []byte, ms []compat.Message) []byte {
	if ms == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, m := range ms {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"code":`...)
		b, _ = appendString(b, m.Code)
		b = append(b, `,"message":`...)
		b, _ = appendString(b, m.Message)
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = appendString(b, s)
	}
	return append(b, ']')
}

func appendIntPtr(b []byte, n *int64) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *n, 10)
}

// appendString appends s quoted: plain ASCII as it is, anything else as
// the general encoder writes it, made inert.
func appendString(b []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == 0x7f {
			q, err := text.MarshalJSON(s)
			if err != nil {
				return b, err
			}
			return append(b, q...), nil
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}
