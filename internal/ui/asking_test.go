package ui

import (
	"errors"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/download"
)

// The loading contract: a request is a consequence of the message that
// changed what is visible (results arrived, the cursor moved, the size or a
// choice changed), and that message's handler returns it. Other messages
// ask for nothing, and the list is the only model that changes its items.

// requested runs cmd and names the requests among its answers: "page
// TOKEN", "detail ID", "facts ID".
func requested(cmd tea.Cmd) []string {
	var out []string
	for _, msg := range messages(cmd) {
		switch msg := msg.(type) {
		case pageFetchedMsg:
			out = append(out, "page "+msg.next)
		case detailFetchedMsg:
			out = append(out, "detail "+msg.id)
		case factsFetchedMsg:
			out = append(out, "facts "+msg.id)
		}
	}
	return out
}

// hungry is a model whose first page is in and whose rows in view lack
// their contexts and facts, none asked for yet (the bounds were 0 while the
// page came in): any handler that asks would ask for them.
func hungry(t *testing.T) (Model, *fakeSearcher) {
	t.Helper()
	f := newFake(genModels(0, 200), 100)
	m := newTestModel(f, 120, 24)
	m.list.req.maxLookups, m.list.req.maxFacts = 0, 0
	m = run(t, m, m.Init())
	m.list.req.maxLookups, m.list.req.maxFacts = defaultLookups, defaultFactLookups
	_, details := f.calls()
	require.Empty(t, details)
	require.Empty(t, f.factsAsked())
	return m, f
}

func TestMessagesThatChangeNothingVisibleAskForNothing(t *testing.T) {
	m, _ := hungry(t)
	m.pageLoading = true // a spinner turns
	for name, msg := range map[string]tea.Msg{
		"a spinner tick":        m.spinner.Tick(),
		"a card":                cardFetchedMsg{key: "some/model@abc", err: errors.New("gone")},
		"a download's moment":   downloadProgressedMsg{seq: 42, progress: download.Progress{}},
		"an unknown message":    struct{ n int }{7},
		"a stale rate tick":     waitTickedMsg{gen: 99},
		"a stale search's page": pageFetchedMsg{seq: m.seq - 1, query: m.query},
	} {
		_, cmd := update(m, msg)
		assert.Empty(t, requested(cmd), name)
	}
	m.pageLoading = false

	// The same rows, once the cursor moves: the lookups go.
	_, cmd := update(m, keyMsg("down"))
	asked := requested(cmd)
	assert.Len(t, asked, defaultLookups+defaultFactLookups, "the cursor's handler asks for the rows in view: %v", asked)
}

func TestAFailedPageAsksForNothingByItself(t *testing.T) {
	f := newFake(genModels(0, 60), 30)
	f.searchErr["2"] = errors.New("hub unreachable")
	m := started(t, f, 80, 24)
	m, cmd := update(m, keyMsg("end"))
	pages := messagesOfType[pageFetchedMsg](cmd)
	require.Len(t, pages, 1, "the end asks for page 2")
	require.Error(t, pages[0].err)

	m, cmd = update(m, pages[0])
	assert.True(t, m.pageFailed)
	assert.Empty(t, requested(cmd), "the failure's handler asks again for nothing")
	_, cmd = update(m, keyMsg("k"))
	assert.Empty(t, messagesOfType[pageFetchedMsg](cmd), "nor a key off the last row")
}

func TestCursorMoveAsksForTheContextsOfTheRowsItShowsOnce(t *testing.T) {
	f := newFake(genModels(0, 200), 100)
	m := started(t, f, 120, 24)
	// Room for every row of a screen at once, so that only "in flight"
	// stops a second ask.
	m.list.req.maxLookups = 100
	first := map[string]bool{}
	for _, li := range m.list.onScreen() {
		first[li.(*item).judged.Model.ID] = true
	}

	m, cmd := update(m, keyMsg("pgdown"))
	late := messagesOfType[detailFetchedMsg](cmd) // on their way: not fed back yet
	require.NotEmpty(t, late)
	for _, msg := range late {
		it := m.list.byID[msg.id]
		assert.False(t, first[msg.id], "%s was on the first screen, looked up already", msg.id)
		assert.True(t, compat.NeedsConfigJSON(it.judged.Model), msg.id)
		assert.True(t, m.list.detailAsked(msg.id), msg.id)
	}
	var unknown int
	for _, li := range m.list.onScreen() {
		if it := li.(*item); !it.lookedUp() && compat.NeedsConfigJSON(it.judged.Model) {
			unknown++
		}
	}
	assert.Equal(t, unknown, len(late), "every row in view without its context, once")

	// Back and forth while they are out: nothing is asked again.
	m, cmd = update(m, keyMsg("pgup"))
	assert.Empty(t, messagesOfType[detailFetchedMsg](cmd), "the first screen's rows are looked up")
	m, cmd = update(m, keyMsg("pgdown"))
	assert.Empty(t, messagesOfType[detailFetchedMsg](cmd), "in flight: not asked twice")

	// The answers arrive, through the list, into the rows.
	m = feed(t, m, func() []tea.Msg {
		out := make([]tea.Msg, len(late))
		for i, msg := range late {
			out[i] = msg
		}
		return out
	}()...)
	for _, msg := range late {
		assert.True(t, m.list.byID[msg.id].lookedUp(), msg.id)
	}
	_, cmd = update(m, keyMsg("pgup"))
	assert.Empty(t, messagesOfType[detailFetchedMsg](cmd))
	assert.Zero(t, m.list.req.lookups)
}

func TestResultsAskForTheNextPageOnlyWhenTheListDoesNotFillTheScreen(t *testing.T) {
	// Pages of 5 on a 40-line screen: the first page leaves room.
	f := newFake(genModels(0, 60), 5)
	m := newTestModel(f, 120, 40)
	pages := messagesOfType[pageFetchedMsg](m.Init())
	require.Len(t, pages, 1)
	_, cmd := update(m, pages[0])
	assert.Contains(t, requested(cmd), "page 2", "the page's handler asks for the next one")

	// Pages of 100: the first fills the screen, the cursor is far from its
	// end: the page's handler asks for no other.
	f = newFake(genModels(0, 300), 100)
	m = newTestModel(f, 120, 40)
	pages = messagesOfType[pageFetchedMsg](m.Init())
	require.Len(t, pages, 1)
	m, cmd = update(m, pages[0])
	for _, r := range requested(cmd) {
		assert.NotContains(t, r, "page", "the screen is full")
	}
	assert.False(t, m.pageLoading)

	// The cursor's handler asks once it nears the end.
	m, cmd = update(m, keyMsg("end"))
	assert.Contains(t, requested(cmd), "page 2")
	assert.True(t, m.pageLoading)
}

func TestWorkerAndContextChangesJudgeTheVisibleFitsAgain(t *testing.T) {
	f := newFake(genModels(0, 60), 60)
	m := started(t, f, 120, 24)
	onScreen := func(m Model) []*item {
		var out []*item
		for _, li := range m.list.onScreen() {
			if it := li.(*item); it.factsState == factsIn {
				out = append(out, it)
			}
		}
		require.NotEmpty(t, out)
		return out
	}

	m, cmd := update(m, keyMsg("w")) // the handler judges, nothing run after it
	require.NotEmpty(t, m.list.worker)
	for _, it := range onScreen(m) {
		if it.fit != nil || it.loadsOn(m.list.worker) {
			require.NotNil(t, it.fit, it.id)
			assert.Equal(t, m.list.worker, it.fit.key.worker, "%s judged for the new worker", it.id)
		}
	}
	assert.Empty(t, requested(cmd), "the facts are in: a worker asks for nothing")

	m, _ = update(m, keyMsg("w")) // back to a worker that loads them
	m, _ = update(m, keyMsg("home"))
	before := m.list.context
	m, cmd = update(m, keyMsg("+"))
	require.NotEqual(t, before, m.list.context, "+ moved the context")
	for _, it := range onScreen(m) {
		if it.fit != nil {
			assert.Equal(t, m.list.context, it.fit.key.ctx, "%s judged at the new context", it.id)
		}
	}
	assert.Empty(t, requested(cmd))
}

func TestDetailAnswerChangesTheItemThroughTheList(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m, cmd := firstPageIn(t, f, 80, 24)
	answers := messagesOfType[detailFetchedMsg](cmd)
	require.NotEmpty(t, answers)
	msg := answers[0]
	it := m.list.byID[msg.id]
	require.False(t, it.lookedUp())
	require.Equal(t, "?", it.context)
	out := m.list.req.lookups

	// The list takes it: the item changes, the call is no longer out.
	l := m.list
	got, _ := l.detailFetched(msg)
	require.Same(t, it, got)
	assert.True(t, it.detailed)
	assert.NotEqual(t, "?", it.context)
	assert.Equal(t, out-1, l.req.lookups)
	assert.False(t, l.detailAsked(msg.id))

	// An answer to an older search is dropped there, the item unchanged.
	stale := answers[1]
	stale.seq = m.seq - 1
	other := m.list.byID[stale.id]
	got, _ = l.detailFetched(stale)
	assert.Nil(t, got)
	assert.False(t, other.lookedUp())

	// Through the root, a failure: the list notes it on the item.
	failed := answers[2]
	failed.item, failed.err = nil, errors.New("config.json: 403")
	m, _ = update(m, failed)
	assert.True(t, m.list.byID[failed.id].detailFailed)
	assert.False(t, m.list.detailAsked(failed.id))
}
