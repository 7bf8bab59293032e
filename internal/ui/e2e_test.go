package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/card"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
	"github.com/modelbrowser/modelbrowser/internal/query"
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
	return New(Options{Query: query.Query{Text: "llm"}, Catalog: compat.DefaultCatalog(), Searcher: s, Now: clock, PickFormat: "id"})
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

func (h hubSearcher) Search(ctx context.Context, q query.Query, next string, _ bool) (query.Page, error) {
	p, err := h.c.ListPage(ctx, hf.ListOptions{Query: q}, next)
	if err != nil {
		return query.Page{}, err
	}
	return query.Page{Models: p.Models, Next: p.Next, FetchedAt: p.Meta.FetchedAt, FromCache: p.Meta.FromCache, Stale: p.Meta.Stale}, nil
}

func (h hubSearcher) Detail(ctx context.Context, m compat.Model, _ bool) (compat.Model, error) {
	full, _, err := h.c.ModelInfo(ctx, m.ID, "")
	if err != nil {
		return compat.Model{}, err
	}
	return h.c.ResolveContext(ctx, full)
}

// Facts is not wired here: the app side reads the sizes and shapes. The
// FIT column says "?" for every model.
func (h hubSearcher) Card(ctx context.Context, m compat.Model) (card.Card, error) {
	text, _, err := h.c.ModelCard(ctx, m.ID, m.SHA)
	return card.Card{Text: text}, err
}

func (h hubSearcher) Facts(context.Context, compat.Model) (fit.Facts, error) {
	return fit.Facts{}, errors.New("facts are not read in this test")
}

func TestE2EAgainstFakeHub(t *testing.T) {
	hub := hubtesting.New(t)
	client, err := hf.New(hf.Config{Endpoint: hub.URL, Transport: hub.Client().Transport, Now: clock})
	require.NoError(t, err)

	m := New(Options{Query: query.Query{Text: "qwen"}, Catalog: compat.DefaultCatalog(), Searcher: hubSearcher{client}, Now: clock})
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

// TestPagingAgainstFakeHub drives the model with the real Hub client, whose
// page tokens are the Hub's full next-page URLs, against the fake Hub with
// pages of 20: the screen fills by itself, j pages through everything, each
// page is asked once, and the contexts of the rows on screen fill in.
func TestPagingAgainstFakeHub(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 20, Synthetic: 200})
	client, err := hf.New(hf.Config{Endpoint: hub.URL, Transport: hub.Client().Transport, Now: clock})
	require.NoError(t, err)
	m := New(Options{Catalog: compat.DefaultCatalog(), Searcher: hubSearcher{client}, Now: clock})
	m, _ = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = run(t, m, m.Init())

	assert.Greater(t, hub.Count(hubtest.RouteList), 1, "the first page did not fill the screen")
	assert.GreaterOrEqual(t, m.list.visibleCount(), m.list.list.Paginator.PerPage)
	for _, li := range m.list.onScreen() {
		it := li.(*item)
		assert.True(t, it.lookedUp() || it.judged.Model.ContextLength.Known(), "%s: context looked up", it.id)
	}

	m = press(t, m, "c")
	for range hub.Len() + 10 {
		m = press(t, m, "j")
	}
	assert.Len(t, m.list.all, hub.Len())
	assert.Empty(t, m.next)
	assert.Equal(t, (hub.Len()+19)/20, hub.Count(hubtest.RouteList), "each page once")
	assert.Equal(t, hub.Len()-1, m.list.list.Index())
	view := m.View()
	assert.Contains(t, view, fmt.Sprintf("%d/%d", hub.Len(), hub.Len()))
	assert.NotContains(t, view, "more on the Hub")
	for _, li := range m.list.onScreen() {
		it := li.(*item)
		assert.True(t, it.lookedUp() || it.judged.Model.ContextLength.Known(), "%s: context looked up", it.id)
	}
}
