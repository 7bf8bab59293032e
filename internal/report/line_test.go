package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
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
