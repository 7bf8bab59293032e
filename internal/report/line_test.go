package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// A judge or export line is search --json's element, byte for byte; with
// a fit, check --json's fit object follows the element's fields, once.
func TestJudgeLineIsTheSearchElement(t *testing.T) {
	m := compat.Derive(compat.Raw{ID: "org/m\u009b", Downloads: 7, Likes: 3, Tags: []string{"gguf"}})
	j := compat.Judged{Model: m, Verdict: compat.Check(m, compat.DefaultCatalog())}
	var arr strings.Builder
	require.NoError(t, SearchJSON(&arr, []compat.Judged{j}, nil))
	el := strings.TrimSuffix(strings.TrimPrefix(arr.String(), "[\n"), "\n]\n")

	line, err := AppendLine(nil, JudgeLine{SearchElement: Element(j, nil)})
	require.NoError(t, err)
	assert.Equal(t, el+"\n", string(line))
	assert.Contains(t, string(line), `org/m\u009b`, "escaped as search --json escapes it")

	r := fit.Result{}
	withFit, err := AppendLine(nil, JudgeLine{SearchElement: Element(j, nil), Fit: &r})
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(withFit), `"fit":`), "%s", withFit)
	assert.True(t, strings.HasPrefix(string(withFit), strings.TrimSuffix(el, "}")+`,"fit":{`), "%s", withFit)
}

// The fast element writer writes what the general encoder writes, byte for
// byte, whatever the strings hold.
func TestElementMatchesMarshalJSON(t *testing.T) {
	cat := compat.DefaultCatalog()
	odd := []string{"", "plain", `quo"te`, `back\slash`, "<b>&amp;</b>", "tab\there", "nl\nx", "\x00\x1f\x7f", "é ü 中文",
		"\u2028\u2029", "\u009b31m", "\u202eevil", "\xff\xfe invalid", "emoji 😀", "\ufeffbom"}
	ctx, params := int64(4096), int64(7_000_000_000)
	for i, s := range odd {
		m := compat.Derive(compat.Raw{ID: "org/m" + s, Tags: []string{"gguf", s}, GGUFArchitecture: "llama", HasGGUF: true,
			GGUFContextLength: 8192, Downloads: int64(i), Likes: -1, License: s, PipelineTag: s})
		v := compat.Check(m, cat)
		v.Family = s
		v.Evidence = append(v.Evidence, compat.Evidence{Fact: s, Value: s, Source: s})
		v.Warnings = append(v.Warnings, compat.Message{Code: s, Message: s})
		if i%2 == 0 {
			v.ContextLength, v.Parameters = &ctx, &params
			v.Recommendations = nil
			v.Formats = []string{}
		}
		el := SearchElement{Verdict: v, Downloads: int64(i) * 1e12, Likes: 3}
		want, err := text.MarshalJSON(el)
		require.NoError(t, err)
		got, err := appendElement(nil, el)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%q", s)
	}
	// And a verdict with nothing in it.
	want, err := text.MarshalJSON(SearchElement{})
	require.NoError(t, err)
	got, err := appendElement(nil, SearchElement{})
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}
