package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

func localSession(t testing.TB) *Session {
	t.Helper()
	s, err := OpenLocal(context.Background(), Env{}, "", Overrides{})
	require.NoError(t, err)
	return s
}

// Every recorded real list item is judged into the line the general JSON
// encoder writes for its search --json element, in input order.
func TestJudgeRealItemsAsTheEncoderWritesThem(t *testing.T) {
	in := realListLines(t)
	s := localSession(t)
	var out bytes.Buffer
	n, err := s.Judge(bytes.NewReader(in), &out, JudgeOptions{}, func(w, why string) { t.Errorf("%s skipped: %s", w, why) })
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	items := strings.Split(strings.TrimSuffix(string(in), "\n"), "\n")
	require.Len(t, lines, len(items))
	assert.Equal(t, JudgeCounts{Judged: len(items), Written: len(items)}, n)
	for i, item := range items {
		m, err := hf.DecodeModel([]byte(item))
		require.NoError(t, err)
		want, err := text.MarshalJSON(report.Element(compat.Judged{Model: m, Verdict: compat.Check(m, s.Catalog)}, nil))
		require.NoError(t, err)
		require.Equal(t, string(want), lines[i], "item %d", i+1)
	}
}

// Notes of skipped parts come in input order among the lines, the counts
// add up, and Idle is called.
func TestJudgeOrderAndSkips(t *testing.T) {
	var in strings.Builder
	for i := range 2000 {
		switch i % 250 {
		case 7:
			in.WriteString("garbage\n")
		case 8:
			in.WriteString(`{"no":"id"}` + "\n")
		default:
			fmt.Fprintf(&in, `{"id":"org/m%d","tags":["gguf"],"gguf":{"architecture":"llama","context_length":4096}}`+"\n", i)
		}
	}
	s := localSession(t)
	var log []string
	var out bytes.Buffer
	idle := 0
	flushed := 0
	n, err := s.Judge(strings.NewReader(in.String()), &out, JudgeOptions{Idle: func() { idle++ }}, func(where, why string) {
		// Every line before the note was written before it.
		flushed = strings.Count(out.String(), "\n")
		log = append(log, fmt.Sprintf("%s@%d", where, flushed))
	})
	require.NoError(t, err)
	assert.Equal(t, JudgeCounts{Judged: 1984, Written: 1984, Skipped: 16}, n)
	require.Len(t, log, 16)
	assert.Equal(t, "line 8@7", log[0])
	assert.Equal(t, "line 9@7", log[1])
	assert.Equal(t, "line 258@255", log[2])
	assert.Positive(t, idle)
	ids := strings.Split(strings.TrimSpace(out.String()), "\n")
	for _, l := range ids[:300] {
		assert.True(t, strings.HasPrefix(l, `{"id":"org/m`), l)
	}
	assert.Contains(t, ids[7], `"id":"org/m9"`)
}

// A writer that fails stops the judging with its error.
func TestJudgeWriteError(t *testing.T) {
	in := bytes.Repeat([]byte(`{"id":"org/a"}`+"\n"), 5000)
	s := localSession(t)
	_, err := s.Judge(bytes.NewReader(in), failingWriter{}, JudgeOptions{}, func(string, string) {})
	assert.ErrorIs(t, err, io.ErrClosedPipe)
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestJudgeCompatibleOnly(t *testing.T) {
	in := `{"id":"org/a-GGUF","tags":["gguf"],"gguf":{"architecture":"llama","context_length":4096}}` + "\n" + `{"id":"org/b","config":{"model_type":"bert"}}` + "\n"
	s := localSession(t)
	var out bytes.Buffer
	n, err := s.Judge(strings.NewReader(in), &out, JudgeOptions{CompatibleOnly: true}, func(string, string) {})
	require.NoError(t, err)
	assert.Equal(t, JudgeCounts{Judged: 2, Written: 1}, n)
	assert.Equal(t, 1, strings.Count(out.String(), "\n"))
	assert.Contains(t, out.String(), `"id":"org/a-GGUF"`)
}
