package ui

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/query"
)

func TestFirstPageJudgesOnceAndHidesIncompatible(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := started(t, f, 80, 24)

	require.Len(t, m.list.all, 9)
	assert.Equal(t, 6, m.list.visibleCount(), "compatible-only is on at start")
	assert.Equal(t, 3, m.list.hidden())
	for _, v := range m.list.list.VisibleItems() {
		assert.True(t, v.(*item).compatible())
	}
	searches, _ := f.calls()
	require.Len(t, searches, 1)
	assert.Equal(t, searchCall{q: query.Query{Text: "llm", Sort: query.SortDownloads}}, searches[0])
	assert.False(t, m.pageLoading)
}

func TestToggleKeepsCursorOnSameModel(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 80, 24)
	m = press(t, m, "j", "j") // third compatible: bartowski/Qwen2.5-7B-Instruct-GGUF
	require.Equal(t, "bartowski/Qwen2.5-7B-Instruct-GGUF", selectedID(m))

	m = press(t, m, "c")
	assert.False(t, m.list.compatOnly)
	assert.Equal(t, 9, m.list.visibleCount())
	assert.Equal(t, "bartowski/Qwen2.5-7B-Instruct-GGUF", selectedID(m), "the model stays highlighted when all are shown")

	m = press(t, m, "j") // Qwen/Qwen2-VL-7B-Instruct, incompatible
	require.Equal(t, "Qwen/Qwen2-VL-7B-Instruct", selectedID(m))
	m = press(t, m, "c")
	assert.True(t, m.list.compatOnly)
	assert.Equal(t, "google/gemma-3-4b-it", selectedID(m), "a hidden model gives the cursor to the next shown one")
}

func TestToggleKeepsCursorUnderAppliedFilter(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 80, 24)
	m = press(t, m, "/", "q", "w", "e", "n", "enter")
	require.True(t, m.list.filterApplied())
	require.Equal(t, 2, m.list.visibleCount(), "Qwen3-8B and Qwen2.5 GGUF are compatible")
	m = press(t, m, "j")
	id := selectedID(m)
	m = press(t, m, "c")
	assert.True(t, m.list.filterApplied(), "the filter survives the toggle")
	assert.Equal(t, 3, m.list.visibleCount(), "Qwen2-VL joins")
	assert.Equal(t, id, selectedID(m))
}

func TestFilterFuzzyAndEscClears(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 80, 24)
	m = press(t, m, "/")
	require.True(t, m.list.filtering())

	// Custom keys are text while the filter is typed: "c" and "q" neither
	// toggle nor quit.
	var cmd tea.Cmd
	m, cmd = update(m, keyMsg("q"))
	assert.False(t, quits(cmd))
	m = run(t, m, cmd)
	m = press(t, m, "c")
	assert.True(t, m.list.compatOnly)
	assert.Equal(t, "qc", m.list.list.FilterValue())

	m = press(t, m, "backspace", "backspace", "l", "l", "a", "m", "a", "3") // fuzzy: "llama-3"
	assert.Equal(t, []string{"meta-llama/Llama-3.1-8B-Instruct"}, visibleIDs(m))

	m = press(t, m, "enter")
	assert.True(t, m.list.filterApplied())
	m, cmd = update(m, keyMsg("esc"))
	assert.False(t, quits(cmd), "esc never quits")
	m = run(t, m, cmd)
	assert.False(t, m.list.filterApplied())
	assert.Equal(t, 6, m.list.visibleCount())
}

func TestFastFilterRanks(t *testing.T) {
	targets := []string{"org/other-qwen", "qwen/qwen3-8b", "bartowski/qwen2.5-gguf", "x/q-w-e-n", "meta/llama"}
	ranks := fastFilter("QWEN", targets)
	var got []int
	for _, r := range ranks {
		got = append(got, r.Index)
	}
	assert.Equal(t, []int{1, 2, 0, 3}, got, "name prefix first, then substring, then fuzzy; load order within")
	assert.Len(t, fastFilter("", targets), 5)
	assert.Empty(t, fastFilter("zzz", targets))
	assert.Len(t, fastFilter("qwen gguf", targets), 1, "every word must match")

	// The name starts with the word even though the org holds it first.
	ranks = fastFilter("llama", []string{"org/model-7-llama", "meta-llama/llama-3.1-8b"})
	require.Len(t, ranks, 2)
	assert.Equal(t, 1, ranks[0].Index, "meta-llama/Llama-3.1 before a mere substring")
}

// TestFilterGoesAwayCursorStays: clearing an applied filter keeps the
// cursor on the model it was on; cancelling the filter being typed puts it
// back on the model it was on before, not on the same row number.
func TestFilterGoesAwayCursorStays(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 80, 24)
	m = press(t, m, "/", "q", "w", "enter", "j")
	require.Equal(t, "bartowski/Qwen2.5-7B-Instruct-GGUF", selectedID(m))
	m = press(t, m, "esc")
	require.False(t, m.list.filterApplied())
	assert.Equal(t, "bartowski/Qwen2.5-7B-Instruct-GGUF", selectedID(m), "cleared: on the same model")
	assert.Equal(t, 2, m.list.list.Index())

	m = press(t, m, "j", "/", "q", "w")
	require.True(t, m.list.filtering())
	require.Equal(t, "Qwen/Qwen3-8B", selectedID(m))
	m = press(t, m, "esc")
	assert.Equal(t, "google/gemma-3-4b-it", selectedID(m), "cancelled: back where it was")

	m = press(t, m, "/", "z", "z", "z", "enter") // matches nothing: the filter is dropped
	require.False(t, m.list.filterApplied())
	assert.Equal(t, "google/gemma-3-4b-it", selectedID(m))
}

func TestPagingNearTheEndOneRequestInFlight(t *testing.T) {
	f := newFake(genModels(0, 90), 30)
	m := newTestModel(f, 80, 24)
	// The first page only.
	msgs := messages(m.Init())
	require.Len(t, msgs, 1)
	m, cmd := update(m, msgs[0])
	// 30 loaded, 21 compatible: the cursor at the top is not near the end.
	require.Nil(t, messagesOfType[pageFetchedMsg](cmd))
	searches, _ := f.calls()
	require.Len(t, searches, 1)

	shown := m.list.visibleCount()
	var pending []pageFetchedMsg
	for range shown - loadMoreWithin - 1 {
		m, cmd = update(m, keyMsg("down"))
		pending = append(pending, messagesOfType[pageFetchedMsg](cmd)...)
	}
	assert.Empty(t, pending, "no page while the cursor is far from the end")
	m, cmd = update(m, keyMsg("down"))
	pending = append(pending, messagesOfType[pageFetchedMsg](cmd)...)
	require.Len(t, pending, 1, "the next page loads within %d rows of the end", loadMoreWithin)
	assert.Equal(t, "2", pending[0].next)
	assert.True(t, m.pageLoading)
	assert.Contains(t, m.View(), "loading more", "a spinner says so")

	// Keys keep working while the page is on its way; no second request.
	before := m.list.list.Index()
	m, cmd = update(m, keyMsg("down"))
	assert.Empty(t, messagesOfType[pageFetchedMsg](cmd))
	assert.Equal(t, before+1, m.list.list.Index())

	m, _ = update(m, pending[0])
	assert.Len(t, m.list.all, 60)
	assert.False(t, m.pageLoading)
	assert.Equal(t, before+1, m.list.list.Index(), "the cursor stays put when a page arrives")
}

func TestStalePageAnswersDropped(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := newTestModel(f, 80, 24)
	old := messagesOfType[pageFetchedMsg](m.Init())
	require.Len(t, old, 1)

	// A new search (sort) before the first answer arrives.
	m, cmd := update(m, keyMsg("o"))
	fresh := messagesOfType[pageFetchedMsg](cmd)
	require.Len(t, fresh, 1)
	assert.Equal(t, query.SortLikes, fresh[0].query.Sort)

	m, _ = update(m, old[0])
	assert.Empty(t, m.list.all, "the answer to the replaced search is dropped")
	assert.True(t, m.pageLoading)

	m, _ = update(m, fresh[0])
	assert.Len(t, m.list.all, 9)

	// Same sequence number but another query is stale too.
	late := fresh[0]
	late.query.Text = "other"
	m2, _ := update(m, late)
	assert.Len(t, m2.list.all, 9)
}

func TestPickReturnsTheModelAndWorker(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 80, 24)
	m = press(t, m, "j")
	m, cmd := update(m, keyMsg("p"))
	require.True(t, quits(cmd))
	assert.True(t, m.result.Picked)
	assert.Equal(t, "Qwen/Qwen3-8B", m.result.Judged.Model.ID)
	assert.True(t, m.result.Judged.Verdict.Compatible)
	assert.Equal(t, "llm-worker-rbee-cpu", m.result.Worker, "the recommended worker unless w chose another")
}

func TestQuitWithoutPick(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m := started(t, newFake(fixtureModels(), 50), 80, 24)
		m, cmd := update(m, keyMsg(k))
		assert.True(t, quits(cmd), k)
		assert.False(t, m.result.Picked, k)
	}
	// q is text in the search prompt; ctrl+c still quits.
	m := started(t, newFake(fixtureModels(), 50), 80, 24)
	m = press(t, m, "s")
	m, cmd := update(m, keyMsg("q"))
	assert.False(t, quits(cmd))
	_, cmd = update(m, keyMsg("ctrl+c"))
	assert.True(t, quits(cmd))
}

func TestEscNeverQuits(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 80, 24)
	states := []string{"", "enter", "/", "s"}
	for _, before := range states {
		mm := m
		if before != "" {
			mm = press(t, mm, before)
		}
		for range 3 {
			var cmd tea.Cmd
			mm, cmd = update(mm, keyMsg("esc"))
			require.False(t, quits(cmd), "esc after %q", before)
			mm = run(t, mm, cmd)
		}
		assert.False(t, mm.detailOpen)
		assert.False(t, mm.prompting)
		assert.False(t, mm.list.filtering())
	}
	// Nor on the error screen.
	f := newFake(nil, 50)
	f.searchErr[""] = errors.New("hub unreachable")
	mm := started(t, f, 80, 24)
	_, cmd := update(mm, keyMsg("esc"))
	assert.False(t, quits(cmd))
}

func TestFooterErrorClearsOnNextKey(t *testing.T) {
	f := newFake(genModels(0, 40), 20)
	f.searchErr["2"] = errors.New("429 Too Many Requests: retry in 30s\x1b[2J")
	m := started(t, f, 80, 24)
	m = press(t, m, "end") // near the end: page 2 fails
	require.NotEmpty(t, m.footerErr)
	view := m.View()
	assert.Contains(t, view, "error: could not load more results: 429 Too Many Requests: retry in 30s")
	assert.NotContains(t, view, "\x1b[2J", "error text is sanitized")
	assert.Len(t, m.list.all, 20, "what was loaded stays")

	m = press(t, m, "k")
	assert.Empty(t, m.footerErr, "the next key clears it")
	assert.NotContains(t, m.View(), "error:")

	// A failed page is asked again only from the last row, not on every
	// key near the end.
	searches, _ := f.calls()
	m = press(t, m, "j")
	again, _ := f.calls()
	assert.Equal(t, len(again), len(searches)+1, "the last row asks again")
	assert.NotEmpty(t, m.footerErr)
}

func TestFirstSearchFailsShowsErrorScreenAndRetries(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	f.searchErr[""] = errors.New("dial tcp: lookup huggingface.co: no such host")
	m := started(t, f, 80, 24)
	require.NotEmpty(t, m.fatal)
	view := m.View()
	assert.Contains(t, view, "Could not search the Hub")
	assert.Contains(t, view, "no such host")
	assert.Contains(t, view, "r retry · q quit")

	// Keys other than retry and quit do nothing.
	m = press(t, m, "c", "enter", "s")
	assert.False(t, m.prompting)
	delete(f.searchErr, "")
	m = press(t, m, "r")
	assert.Empty(t, m.fatal)
	assert.Len(t, m.list.all, 9)
}

func TestSearchPromptSubmitsAndCancels(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := started(t, f, 80, 24)
	m = press(t, m, "s")
	require.True(t, m.prompting)
	assert.Contains(t, m.View(), "search the Hub: llm")
	m = press(t, m, "backspace", "backspace", "backspace", "q", "w", "e", "n", "esc")
	assert.False(t, m.prompting)
	searches, _ := f.calls()
	assert.Len(t, searches, 1, "esc cancels")

	m = press(t, m, "s", "backspace", "backspace", "backspace", "g", "e", "m", "m", "a", "enter")
	searches, _ = f.calls()
	require.Len(t, searches, 2)
	assert.Equal(t, "gemma", searches[1].q.Text)
	assert.Equal(t, "gemma", m.query.Text)
}

func TestSortCyclesAndRefreshBypassesCache(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := started(t, f, 80, 24)
	// The Hub's orders search again; the local ones (fit, size, params,
	// context, speed) order what is loaded and ask the Hub nothing.
	var ranks []string
	for range 9 {
		m = press(t, m, "o")
		ranks = append(ranks, m.list.rank)
	}
	assert.Equal(t, []string{"", "", "", query.SortFit, query.SortSize, query.SortParams, query.SortContext, query.SortSpeed, ""}, ranks)
	m = press(t, m, "r")
	searches, _ := f.calls()
	var sorts []string
	for _, s := range searches {
		sorts = append(sorts, s.q.Sort)
	}
	assert.Equal(t, []string{query.SortDownloads, query.SortLikes, query.SortTrending, query.SortUpdated, query.SortDownloads, query.SortDownloads}, sorts)
	assert.True(t, searches[5].refresh, "r asks the Hub again")
	assert.False(t, searches[4].refresh)
}

func TestShortHelpFollowsState(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 100, 24)
	help := func(m Model) string { return lastLine(m.View()) }
	assert.Contains(t, help(m), "enter details")
	assert.Contains(t, help(m), "c show all")
	assert.NotContains(t, help(m), "esc")

	m = press(t, m, "enter")
	assert.Contains(t, help(m), "w next worker")
	assert.Contains(t, help(m), "esc back")
	assert.NotContains(t, help(m), "/ filter")

	m = press(t, m, "esc", "/")
	assert.Contains(t, help(m), "esc cancel filter")
	assert.NotContains(t, help(m), "q quit")

	m = press(t, m, "esc", "c")
	assert.Contains(t, help(m), "c compatible only")
}

// TestShortHelpNamesTheWayOn: in every state the short help line names
// the keys that get the user out of it or on, first, so that a narrow
// terminal's cut keeps them; the too-small screen, which has no help line,
// says how to quit itself.
func TestShortHelpNamesTheWayOn(t *testing.T) {
	failing := func() *fakeSearcher {
		f := newFake(nil, 50)
		f.searchErr[""] = errors.New("dial tcp: no such host")
		return f
	}
	tests := map[string]struct {
		s    *fakeSearcher
		w, h int
		keys []string
		want []string // in this order, at the start of the help line
	}{
		"list":                        {nil, 80, 24, nil, []string{"enter details", "/ filter", "p pick", "? help", "q quit"}},
		"detail full screen":          {nil, 80, 24, []string{"enter"}, []string{"esc back", "tab focus list", "w next worker", "p pick", "? help", "q quit"}},
		"detail beside, focused":      {nil, 110, 24, []string{"enter"}, []string{"esc back", "tab focus list", "w next worker"}},
		"detail beside, list focused": {nil, 110, 24, []string{"enter", "tab"}, []string{"enter details", "esc back", "tab focus details", "w next worker"}},
		"filtering":                   {nil, 80, 24, []string{"/", "q"}, []string{"enter apply filter", "esc cancel filter"}},
		"filter applied":              {nil, 80, 24, []string{"/", "q", "enter"}, []string{"enter details", "/ filter", "esc clear filter"}},
		"search prompt":               {nil, 80, 24, []string{"s"}, []string{"enter search", "esc cancel"}},
		"error screen":                {failing(), 80, 24, nil, []string{"r retry", "q quit"}},
		"full help, detail focused":   {nil, 80, 24, []string{"enter", "?"}, []string{"tab", "focus list"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if tt.s == nil {
				tt.s = newFake(fixtureModels(), 50)
			}
			m := started(t, tt.s, tt.w, tt.h)
			m = press(t, m, tt.keys...)
			view := ansi.Strip(m.View())
			help := lastLine(view)
			if m.help.ShowAll {
				help = view // the full help takes several lines
			}
			at := 0
			for _, w := range tt.want {
				i := strings.Index(help[at:], w)
				require.GreaterOrEqual(t, i, 0, "%q after %q in %q", w, help[:at], help)
				at += i + len(w)
			}
		})
	}
	t.Run("too small", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 30, 8)
		assert.Contains(t, strings.Join(strings.Fields(m.View()), " "), "q quits")
		m, _ = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
		m = press(t, m, "/")
		m, _ = update(m, tea.WindowSizeMsg{Width: 30, Height: 8})
		assert.Contains(t, strings.Join(strings.Fields(m.View()), " "), "ctrl+c quits", "q is filter text now")
	})
}

func TestEverySizeRendersWithoutPanic(t *testing.T) {
	m := started(t, newFake(genModels(0, 60), 60), 80, 24)
	withDetail := press(t, m, "enter")
	for _, mm := range []Model{m, withDetail} {
		for w := 1; w <= 300; w += 13 {
			for h := 1; h <= 100; h += 7 {
				mm, _ = update(mm, tea.WindowSizeMsg{Width: w, Height: h})
				view := mm.View()
				lines := strings.Split(view, "\n")
				require.Len(t, lines, h, "%dx%d", w, h)
				for _, l := range lines {
					require.LessOrEqual(t, ansi.StringWidth(l), w, "%dx%d: %q", w, h, l)
				}
			}
		}
	}
	small, _ := update(m, tea.WindowSizeMsg{Width: 39, Height: 30})
	assert.Contains(t, small.View(), "terminal too small (need 40x10)")
}

func visibleIDs(m Model) []string {
	var out []string
	for _, v := range m.list.list.VisibleItems() {
		out = append(out, v.(*item).judged.Model.ID)
	}
	return out
}

// messagesOfType runs cmd (see messages) and keeps the messages of type T.
func messagesOfType[T tea.Msg](cmd tea.Cmd) []T {
	var out []T
	for _, msg := range messages(cmd) {
		if t, ok := msg.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

func lastLine(s string) string { return s[strings.LastIndexByte(s, '\n')+1:] }

// TestSearchPromptSelectsTheLastQuery: s opens the prompt with the last
// query selected: typing replaces it ("gemma" after "llm" searches
// "gemma", not "llmgemma"), a cursor key keeps it for editing, ctrl+u
// clears it, and the help says so.
func TestSearchPromptSelectsTheLastQuery(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := started(t, f, 80, 24)
	m = press(t, m, "s")
	require.True(t, m.promptFresh)
	assert.Contains(t, ansi.Strip(m.View()), "ctrl+u clears")
	m = press(t, m, "g", "e", "m", "m", "a", "enter")
	searches, _ := f.calls()
	require.Len(t, searches, 2)
	assert.Equal(t, "gemma", searches[1].q.Text, "typing replaced the selection")

	m = press(t, m, "s", "left", "x", "enter")
	searches, _ = f.calls()
	require.Len(t, searches, 3)
	assert.Equal(t, "gemmxa", searches[2].q.Text, "a cursor key keeps the query for editing")

	m = press(t, m, "s", "end", "s", "enter")
	searches, _ = f.calls()
	assert.Equal(t, "gemmxas", searches[3].q.Text)

	m = press(t, m, "s", "ctrl+u")
	assert.Empty(t, m.prompt.Value(), "ctrl+u clears")
	m = press(t, m, "q", "w", "e", "n")
	assert.Equal(t, "qwen", m.prompt.Value())

	m = press(t, m, "esc", "s")
	m, _ = update(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("phi"), Paste: true})
	assert.Equal(t, "phi", m.prompt.Value(), "a paste replaces the selection too")
}
