package ui

import (
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// The lead's report: on a 120×40 terminal, with pages of 20, the first page
// showed 13 compatible rows, "more on the Hub", and no second page, at start
// or with the cursor at 8/20 with all shown. The trigger measured only the
// cursor's distance to the end (10 rows), never whether the screen was
// full; the tests ran at 80×24 with pages of 30, where it always was.

// searchTokens is the page tokens f was asked for, in order.
func searchTokens(f *fakeSearcher) []string {
	searches, _ := f.calls()
	out := make([]string, len(searches))
	for i, s := range searches {
		out[i] = s.next
	}
	return out
}

func TestPagingFillsTheScreenWithoutAKey(t *testing.T) {
	for name, keys := range map[string][]string{"compatible only": nil, "showing all": {"c"}} {
		t.Run(name, func(t *testing.T) {
			f := newFake(genModels(0, 200), 20)
			m, cmd := firstPageIn(t, f, 120, 40)
			require.Less(t, m.list.visibleCount(), m.list.list.Paginator.PerPage, "the first page does not fill the screen")
			msgs := messages(cmd)
			pages := ofType[pageFetchedMsg](msgs)
			require.Len(t, pages, 1, "so the next page is asked for at once")
			assert.Equal(t, "2", pages[0].next)
			assert.Contains(t, m.View(), "loading more", "with a spinner")

			m = feed(t, m, msgs...)
			m = press(t, m, keys...)
			assert.GreaterOrEqual(t, m.list.visibleCount(), m.list.list.Paginator.PerPage, "pages load until the screen is full")
			tokens := searchTokens(f)
			assert.LessOrEqual(t, len(tokens), 1+maxAutoPages+1)
			assert.Equal(t, []string{"", "2", "3"}, tokens[:3])
			assert.Equal(t, len(tokens), len(dedupe(tokens)), "each page once")
			assert.False(t, m.pageLoading)
		})
	}
}

func TestPagingWithoutKeysIsBounded(t *testing.T) {
	// Nothing compatible: compatible-only never fills the screen.
	var models []compat.Model
	for i := range 400 {
		models = append(models, model(compat.Raw{ID: "org/bert-" + strconv.Itoa(i), ConfigModelType: "bert",
			HasSafetensors: true, HasSiblings: true, Siblings: []string{"model.safetensors"}}))
	}
	f := newFake(models, 20)
	m := started(t, f, 120, 40)
	assert.Len(t, searchTokens(f), 1+maxAutoPages, "the first page, then %d without a key press", maxAutoPages)
	assert.Equal(t, 0, m.list.visibleCount())
	assert.Contains(t, m.View(), "None of the 120 models loaded so far is compatible")

	m = press(t, m, "?") // any key: the user is there
	assert.Len(t, searchTokens(f), 2*(1+maxAutoPages), "a key asks for one more page, and allows a few more")
	m = press(t, m, "c")
	assert.Len(t, searchTokens(f), 2*(1+maxAutoPages), "all shown fills the screen: nothing more")
	assert.GreaterOrEqual(t, m.list.visibleCount(), m.list.list.Paginator.PerPage)
}

func TestPagingWhenTheSizeArrivesAfterThePage(t *testing.T) {
	f := newFake(genModels(0, 200), 20)
	m := New(Options{Catalog: compatCatalog(), Searcher: f, Now: clock})
	pages := messagesOfType[pageFetchedMsg](m.Init())
	require.Len(t, pages, 1)
	m, cmd := update(m, pages[0])
	require.Empty(t, messagesOfType[pageFetchedMsg](cmd), "no size yet: nothing to fill")
	m, cmd = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	assert.Len(t, messagesOfType[pageFetchedMsg](cmd), 1, "the screen it gets is not full")
}

// TestPagingScrollsThroughEverything is what the lead did by hand: show
// all, hold j down to the last of 200 models.
func TestPagingScrollsThroughEverything(t *testing.T) {
	f := newFake(genModels(0, 200), 20)
	m := started(t, f, 120, 40)
	m = press(t, m, "c")
	for range 300 {
		m = press(t, m, "j")
	}
	assert.Len(t, m.list.all, 200)
	assert.Equal(t, 199, m.list.list.Index())
	assert.Empty(t, m.next)
	tokens := searchTokens(f)
	assert.Len(t, tokens, 10, "each page once")
	assert.Contains(t, lastStatus(m), "200 shown")
	assert.Contains(t, lastStatus(m), "200/200")
}

// TestPagingKeysWorkWhileAPageLoads: keys are never held up by a page on
// its way, and ask for no second one.
func TestPagingKeysWorkWhileAPageLoads(t *testing.T) {
	f := newFake(genModels(0, 200), 20)
	m, cmd := firstPageIn(t, f, 120, 40)
	require.Len(t, messagesOfType[pageFetchedMsg](cmd), 1)
	for i := 1; i <= 5; i++ {
		var c tea.Cmd
		m, c = update(m, keyMsg("j"))
		assert.Equal(t, i, m.list.list.Index())
		assert.Empty(t, messagesOfType[pageFetchedMsg](c))
	}
}

func lastStatus(m Model) string {
	lines := strings.Split(m.View(), "\n")
	return lines[len(lines)-2]
}

// TestLookupsFillTheContextsOnScreen: the list looks up the contexts of
// the rows in view by itself, at most maxLookups at once, each model once,
// and none off screen.
func TestLookupsFillTheContextsOnScreen(t *testing.T) {
	f := newFake(genModels(0, 300), 300)
	m, cmd := firstPageIn(t, f, 120, 40)
	msgs := messages(cmd)
	first := ofType[detailFetchedMsg](msgs)
	require.Len(t, first, maxLookups(m), "at most %d at once", maxLookups(m))
	onScreen := map[string]bool{}
	for _, li := range m.list.onScreen() {
		onScreen[li.(*item).judged.Model.ID] = true
	}
	for _, d := range first {
		assert.True(t, onScreen[d.id], d.id)
	}

	// Keys work while they are out, and ask for nothing more.
	m, c := update(m, keyMsg("j"))
	assert.Equal(t, 1, m.list.list.Index())
	assert.Empty(t, messagesOfType[detailFetchedMsg](c), "the bound holds")

	// Each answer lets the next row's lookup go.
	m = feed(t, m, msgs...)
	_, calls := f.calls()
	assert.NotEmpty(t, calls)
	for _, id := range calls {
		assert.True(t, onScreen[id], "%s is on screen", id)
	}
	assert.Equal(t, len(calls), len(dedupe(calls)), "each model once")
	for _, li := range m.list.onScreen() {
		it := li.(*item)
		assert.NotEqual(t, "?", it.context, "%s has its context", it.id)
	}
	assert.Zero(t, m.list.req.lookups)
	assert.Empty(t, m.list.req.inflight)
	assert.False(t, m.busy(), "no spinner left turning")

	// The next screen's rows, when they come into view.
	m = press(t, m, "pgdown")
	_, after := f.calls()
	assert.Greater(t, len(after), len(calls))
	assert.Equal(t, len(after), len(dedupe(after)))
	m = press(t, m, "pgup")
	_, again := f.calls()
	assert.Equal(t, len(after), len(again), "rows looked up are not asked again")
}

func TestLookupsForAReplacedSearchAreDropped(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m, cmd := firstPageIn(t, f, 80, 24)
	late := messagesOfType[detailFetchedMsg](cmd)
	require.Len(t, late, defaultLookups)

	// Another sort before they answer: a new search. Its lookups wait for
	// the old ones to free their places: the bound is on calls out, whatever
	// search asked.
	m, cmd = update(m, keyMsg("o"))
	m = run(t, m, cmd)
	require.Len(t, m.list.all, 9)
	assert.Equal(t, defaultLookups, m.list.req.lookups)

	var next []tea.Msg
	for _, msg := range late {
		m, cmd = update(m, msg)
		assert.False(t, m.list.byID[msg.id].lookedUp(), "the answer to the old search is dropped")
		assert.Equal(t, defaultLookups, m.list.req.lookups, "its place goes to a row of the new search")
		next = append(next, messages(cmd)...)
	}
	m = feed(t, m, next...)
	assert.Zero(t, m.list.req.lookups)
	_, calls := f.calls()
	assert.Len(t, calls, defaultLookups+4, "the old lookups, then each of the 4 rows on screen without a context, once")
	for _, li := range m.list.onScreen() {
		it := li.(*item)
		assert.True(t, it.lookedUp() || !compat.NeedsConfigJSON(it.judged.Model), it.id)
	}
	for _, it := range m.list.all {
		if !it.compatible() {
			assert.False(t, it.lookedUp(), "%s is hidden: not looked up", it.id)
		}
	}
}

func TestLookupsNotWhileTheDetailHidesTheList(t *testing.T) {
	f := newFake(genModels(0, 60), 60)
	m := startedPaneOnly(t, f, 80, 24)
	m.list.req.maxLookups = defaultLookups
	m, cmd := update(m, keyMsg("enter")) // narrow: the detail replaces the list
	assert.Len(t, messagesOfType[detailFetchedMsg](cmd), 1, "only the pane's model")
}

func maxLookups(m Model) int { return m.list.req.maxLookups }

// feed sends msgs through Update, running what each one asks for (run).
func feed(t testing.TB, m Model, msgs ...tea.Msg) Model {
	t.Helper()
	for _, msg := range msgs {
		var cmd tea.Cmd
		m, cmd = update(m, msg)
		m = run(t, m, cmd)
	}
	return m
}

// ofType keeps the messages of type T.
func ofType[T tea.Msg](msgs []tea.Msg) []T {
	var out []T
	for _, msg := range msgs {
		if t, ok := msg.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// TestNoPagingWhileANewSearchIsTyped: keys typed into the search prompt do
// not page the list it is about to replace; esc gives paging back.
func TestNoPagingWhileANewSearchIsTyped(t *testing.T) {
	var models []compat.Model
	for i := range 200 {
		models = append(models, model(compat.Raw{ID: "org/bert-" + strconv.Itoa(i), ConfigModelType: "bert",
			HasSafetensors: true, HasSiblings: true, Siblings: []string{"model.safetensors"}}))
	}
	f := newFake(models, 20)
	m := started(t, f, 120, 40)
	before := len(searchTokens(f))
	m = press(t, m, "s", "q", "w", "e", "n")
	assert.Len(t, searchTokens(f), before, "typing asks for nothing")
	m = press(t, m, "esc")
	assert.Greater(t, len(searchTokens(f)), before)
	assert.False(t, m.prompting)
}

// TestStaleAnswerKeepsTheNewSearchInFlight: the old search's answer for a
// model the new search is fetching too does not make the new search ask
// again.
func TestStaleAnswerKeepsTheNewSearchInFlight(t *testing.T) {
	const llama = "meta-llama/Llama-3.1-8B-Instruct"
	f := newFake(fixtureModels(), 50)
	m, cmd := firstPageIn(t, f, 80, 24)
	late := messagesOfType[detailFetchedMsg](cmd)
	require.Equal(t, llama, late[0].id)

	m, cmd = update(m, keyMsg("r")) // a new search, the old lookups still out
	m = run(t, m, cmd)
	m, cmd = update(m, keyMsg("enter")) // the pane asks for Llama under the new search
	require.Len(t, messagesOfType[detailFetchedMsg](cmd), 1)

	m, cmd = update(m, late[0])
	assert.True(t, m.list.req.inflight[llama], "still on its way for the new search")
	assert.True(t, m.detail.loading)
	for _, d := range messagesOfType[detailFetchedMsg](cmd) {
		assert.NotEqual(t, llama, d.id, "not asked a second time")
	}
}
