package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/ui"
)

// TestOneCacheForAllCommands: what the browser fetched answers the other
// commands offline. Browse a query and open a model's detail online (the
// real browser over the real Hub client and cache, in this process), then
// the binary's `search QUERY --offline` gives the same first page as
// online and `check MODEL --offline` the model with its files' fit,
// without a request.
func TestOneCacheForAllCommands(t *testing.T) {
	const repo = "Qwen/Qwen2.5-0.5B-Instruct-GGUF"
	b := newBin(t)
	freeHeadersAfter(t, b.hub)

	// Online, without touching the cache: what the browser is about to show.
	r := b.run("search", "Qwen2.5-0.5B", "--no-cache")
	require.Equal(t, exitOK, r.code, "%s", r)
	require.Contains(t, r.stdout, repo)
	online := r.stdout

	e := env{getenv: func(k string) string { return b.vars[k] }, stderr: &bytes.Buffer{}}
	sess, err := app.Open(context.Background(), e.app(), app.Options{}, app.Overrides{}, true, false)
	require.NoError(t, err)
	m := ui.New(ui.Options{Query: query.Query{Text: "Qwen2.5-0.5B", Sort: query.SortDownloads}, Catalog: sess.Catalog,
		Searcher: sess.Hub.Browser(), PickFormat: "id", Machine: sess.Machine.Fit})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitForText(t, tm, repo)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) // the detail: its context, its files' sizes, the GGUF header
	waitForText(t, tm, "Q2_K")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	sess.Hub.Close() // the write-behind cache is on disk now
	asked := len(b.hub.Requests())
	require.Positive(t, asked)

	r = b.run("search", "Qwen2.5-0.5B", "--offline")
	require.Equal(t, exitOK, r.code, "%s", r)
	assert.Equal(t, online, r.stdout, "the browser's first page answers search")

	r = b.run("check", repo, "--offline")
	require.Equal(t, exitOK, r.code, "%s", r)
	assert.Contains(t, r.stdout, "✓ compatible")
	assert.Contains(t, r.stdout, "Files and fit")
	assert.Contains(t, r.stdout, "Q2_K")
	assert.NotContains(t, r.stdout+r.stderr, "nothing cached")

	assert.Len(t, b.hub.Requests(), asked, "offline: not one request")
}

func waitForText(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	var seen []byte
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		seen = append(seen, b...)
		return bytes.Contains(seen, []byte(text))
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}
