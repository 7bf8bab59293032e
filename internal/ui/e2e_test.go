package ui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// End-to-end runs of the real program loop. They wait on what is drawn,
// never on time, and golden the settled final screen, not the stream.

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte(text))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

func finalModel(t *testing.T, tm *teatest.TestModel) Model {
	t.Helper()
	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	require.True(t, ok)
	return fm
}

func e2eModel(s Searcher) Model {
	return New(Options{Query: Query{Text: "llm"}, Catalog: compat.DefaultCatalog(), Searcher: s, Now: clock, PickFormat: "id"})
}

func TestE2ESearchToggleDetailPick(t *testing.T) {
	tm := teatest.NewTestModel(t, e2eModel(newFake(fixtureModels(), 50)), teatest.WithInitialTermSize(120, 40))
	waitFor(t, tm, "6 shown · 3 hidden as incompatible")

	tm.Send(keyMsg("c"))
	waitFor(t, tm, "9 shown · 6 compatible")

	tm.Send(keyMsg("j"))
	tm.Send(keyMsg("enter"))
	waitFor(t, tm, "40k (40960)") // Qwen3-8B's details arrived

	tm.Send(keyMsg("p"))
	fm := finalModel(t, tm)
	require.True(t, fm.result.Picked)
	assert.Equal(t, "Qwen/Qwen3-8B", fm.result.Judged.Model.ID)
	assert.Equal(t, int64(40960), fm.result.Judged.Model.ContextLength.Value, "the pick carries the details")
	assert.Equal(t, "llm-worker-rbee-cpu", fm.result.Worker)
	golden.RequireEqual(t, []byte(ansi.Strip(fm.View())))
}

func TestE2EFilterThenQuitWithoutPick(t *testing.T) {
	tm := teatest.NewTestModel(t, e2eModel(newFake(fixtureModels(), 50)), teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "6 shown")

	tm.Type("/qwen")
	waitFor(t, tm, "2 of 6 shown match")
	tm.Send(keyMsg("enter"))
	tm.Send(keyMsg("esc")) // clears the filter, never quits
	waitFor(t, tm, "6 shown · 3 hidden")
	tm.Send(keyMsg("q"))

	fm := finalModel(t, tm)
	assert.False(t, fm.result.Picked)
	golden.RequireEqual(t, []byte(ansi.Strip(fm.View())))
}

func TestE2EFirstSearchFailsThenRetry(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	f.searchErr[""] = hubDown{}
	tm := teatest.NewTestModel(t, e2eModel(f), teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "Could not search the Hub")

	f.mu.Lock()
	delete(f.searchErr, "")
	f.mu.Unlock()
	tm.Send(keyMsg("r"))
	waitFor(t, tm, "6 shown")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	assert.False(t, finalModel(t, tm).result.Picked)
}

type hubDown struct{}

func (hubDown) Error() string { return "the Hub did not answer (connection refused)" }

// hubSearcher adapts the real Hub client to the UI, the way cmd/modelbrowser
// does, so the TUI can be run against the fake Hub of internal/hf/hubtest.
type hubSearcher struct{ c *hf.Client }

func (h hubSearcher) Search(ctx context.Context, q Query, next string, _ bool) (Page, error) {
	p, err := h.c.ListPage(ctx, hf.ListOptions{Search: q.Text, Author: q.Author, Filters: q.Filters, Sort: q.Sort}, next)
	if err != nil {
		return Page{}, err
	}
	return Page{Models: p.Models, Next: p.Next, FetchedAt: p.Meta.FetchedAt, FromCache: p.Meta.FromCache, Stale: p.Meta.Stale}, nil
}

func (h hubSearcher) Detail(ctx context.Context, m compat.Model, _ bool) (compat.Model, error) {
	full, _, err := h.c.ModelInfo(ctx, m.ID, "")
	if err != nil {
		return compat.Model{}, err
	}
	return h.c.ResolveContext(ctx, full)
}

func TestE2EAgainstFakeHub(t *testing.T) {
	hub := hubtest.New(t)
	client, err := hf.New(hf.Config{Endpoint: hub.URL, Transport: hub.Client().Transport, Now: clock})
	require.NoError(t, err)

	m := New(Options{Query: Query{Text: "qwen"}, Catalog: compat.DefaultCatalog(), Searcher: hubSearcher{client}, Now: clock})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitFor(t, tm, "hidden as incompatible")

	tm.Send(keyMsg("enter"))
	waitFor(t, tm, "config.json:")
	tm.Send(keyMsg("p"))

	fm := finalModel(t, tm)
	require.True(t, fm.result.Picked)
	assert.Contains(t, fm.result.Judged.Model.ID, "Qwen")
	assert.True(t, fm.result.Judged.Verdict.Compatible, "compatible-only is on")
	assert.True(t, fm.result.Judged.Model.ContextLength.Known(), "the context came from config.json")
	t.Logf("picked %s on %s", fm.result.Judged.Model.ID, fm.result.Worker)
}
