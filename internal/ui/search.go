package ui

import (
	"maps"
	"time"

	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// search starts a new search for q: a new sequence number, so that answers
// to the old one are dropped, and an empty list until its first page.
func (m Model) search(q query.Query, refresh bool) (Model, tea.Cmd) {
	m.query, m.refresh = q, refresh
	m.seq++
	m.next = ""
	m.pageLoading, m.pageFailed = true, false
	m.cache = cacheState{}
	m.fatal, m.fatalNext = "", ""
	m.inflight = nil
	m.retryPage = false
	m.fitDirty = true
	m.list.reset()
	m.list.setSort(q.Sort)
	m.detailOpen, m.focus = false, focusList
	m.showDetail(nil, false)
	m.layout()
	return m, tea.Batch(fetchPage(m.ctx, m.searcher, m.catalog, m.query, m.seq, "", refresh), m.spinner.Tick)
}

// maybeLoadMore asks for the next page when the list wants more rows (the
// page on screen is not full, or the cursor is within loadMoreWithin rows
// of the end), a next page exists and none is on its way. auto marks a
// load nobody pressed a key for (a page arrived, the window grew); a few
// in a row at most, so that a search whose models are all hidden does not
// page forever.
//
// After a failed page, only a key on the last row asks again: neither a
// timer nor a key elsewhere may hammer a Hub that just refused. Nothing
// loads while a new search is being typed: its list will replace this one.
func (m *Model) maybeLoadMore(auto bool) tea.Cmd {
	if m.pageLoading || m.next == "" || m.fatal != "" || m.prompting || m.waiting() || m.retryPage {
		return nil
	}
	switch {
	case m.pageFailed:
		if auto || !m.list.nearEnd(1) {
			return nil
		}
	case !m.list.wantsMore(loadMoreWithin):
		return nil
	case auto && m.autoPages >= maxAutoPages:
		return nil
	case auto:
		m.autoPages++
	}
	m.pageLoading = true
	return tea.Batch(fetchPage(m.ctx, m.searcher, m.catalog, m.query, m.seq, m.next, m.refresh), m.spinner.Tick)
}

// lookUpContexts asks, in the background, for the details of the rows in
// view whose context length is unknown, so that the CTX column and its
// warnings fill in without opening each model: the highlighted row first,
// then top to bottom; each model once (an answer, even an error, is kept
// with it); at most m.maxLookups Detail calls out at a time, whatever asked
// for them. The answers arrive as detailFetchedMsg, like the pane's.
func (m *Model) lookUpContexts() tea.Cmd {
	if m.fatal != "" || m.lookups >= m.maxLookups || !m.listVisible() || m.waiting() {
		return nil
	}
	rows := m.list.onScreen()
	if it := m.list.selected(); it != nil {
		rows = append([]list.Item{it}, rows...)
	}
	var cmds []tea.Cmd
	for _, li := range rows {
		if m.lookups >= m.maxLookups {
			break
		}
		it := li.(*item)
		id := it.judged.Model.ID
		if it.lookedUp() || m.inflight[id] || !compat.NeedsConfigJSON(it.judged.Model) {
			continue
		}
		if len(cmds) == 0 {
			m.inflight = maps.Clone(m.inflight)
			if m.inflight == nil {
				m.inflight = map[string]bool{}
			}
		}
		m.inflight[id] = true
		m.lookups++
		cmds = append(cmds, fetchDetail(m.ctx, m.searcher, m.catalog, it.judged.Model, m.seq, m.refresh))
	}
	return tea.Batch(cmds...)
}

// pageFetched takes a page of the current search; an answer to an older
// search or query is dropped.
func (m Model) pageFetched(msg pageFetchedMsg) (Model, tea.Cmd) {
	if msg.seq != m.seq || !msg.query.Equal(m.query) {
		return m, nil
	}
	m.pageLoading = false
	if d := retryAfter(msg.err); d > 0 {
		// The Hub asks to wait: ask again for the same page after it.
		m.retryPage, m.retryNext = true, msg.next
		return m, m.startWait(d)
	}
	if msg.err != nil {
		text := text.Sanitize(msg.err.Error())
		if len(m.list.all) == 0 && msg.next == "" {
			m.fatal = text
			if m.nextStep != nil {
				m.fatalNext = m.nextStep(msg.err)
			}
			return m, nil
		}
		m.footerErr = "could not load more results: " + text
		m.pageFailed = true
		return m, nil
	}
	m.pageFailed = false
	m.next = msg.page.Next
	m.cache = m.cache.add(msg.page)
	cmd := m.list.appendItems(msg.items)
	cmd = tea.Batch(cmd, m.reorder()) // new pages are merged in the local order
	return m, tea.Batch(cmd, m.followSelection())
}

// followSelection shows the highlighted model in the detail pane, when the
// pane is on screen, and fetches its details unless they are in or on
// their way.
func (m *Model) followSelection() tea.Cmd {
	if !m.detailVisible() {
		return nil
	}
	it := m.list.selected()
	if it == nil {
		m.showDetail(nil, false)
		return nil
	}
	id := it.judged.Model.ID
	need := !it.detailed && !m.inflight[id]
	if need {
		m.inflight = maps.Clone(m.inflight)
		if m.inflight == nil {
			m.inflight = map[string]bool{}
		}
		m.inflight[id] = true
		m.lookups++
	}
	m.showDetail(it, m.inflight[id])
	card := m.cardFor(it)
	switch {
	case need:
		return tea.Batch(fetchDetail(m.ctx, m.searcher, m.catalog, it.judged.Model, m.seq, m.refresh), m.spinner.Tick, card)
	case m.inflight[id]:
		return tea.Batch(m.spinner.Tick, card) // the list asked already: the pane's spinner turns until it answers
	}
	return card
}

// detailFetched keeps a model's details with the model, so they are not
// fetched again. An answer for a model that is no longer loaded (a newer
// search replaced it) is dropped; one for a loaded model the pane no longer
// shows is kept for later but not shown.
func (m Model) detailFetched(msg detailFetchedMsg) (Model, tea.Cmd) {
	m.lookups = max(0, m.lookups-1)
	if msg.seq != m.seq {
		return m, nil // the same model may be on its way for this search
	}
	if m.inflight[msg.id] {
		m.inflight = maps.Clone(m.inflight)
		delete(m.inflight, msg.id)
	}
	it := m.list.byID[msg.id]
	if it == nil {
		return m, nil
	}
	shown := m.detailVisible() && m.detail.showing(msg.id)
	if d := retryAfter(msg.err); d > 0 {
		// Not a failure: the list asks again once the wait is over.
		if shown {
			m.showDetail(it, false)
		}
		return m, m.startWait(d)
	}
	if msg.err != nil {
		it.detailFailed = true
		if shown {
			m.footerErr = "could not load details of " + it.id + ": " + text.Sanitize(msg.err.Error())
			m.showDetail(it, false)
		}
		return m, nil
	}
	cmd := m.list.replace(it, msg.item)
	if shown {
		m.showDetail(it, false)
	}
	return m, cmd
}

// cacheState sums up where the loaded pages came from.
type cacheState struct {
	pages     int
	fromCache bool
	stale     bool
	offline   bool
	oldest    time.Time // the oldest cached page's fetch time
	// dropped counts the models the searcher left out (a form that does
	// not decode, an invalid id)
	dropped int
}

func (c cacheState) add(p query.Page) cacheState {
	c.pages++
	c.dropped += p.Dropped
	c.offline = c.offline || p.Offline
	c.stale = c.stale || p.Stale
	if p.FromCache || p.Offline {
		c.fromCache = true
		if !p.FetchedAt.IsZero() && (c.oldest.IsZero() || p.FetchedAt.Before(c.oldest)) {
			c.oldest = p.FetchedAt
		}
	}
	return c
}

// text is the cache state for the header: "live", "cached 3 min ago",
// "cached 2 days ago (stale)", "offline · cached 3 min ago".
func (c cacheState) text(now time.Time) string {
	switch {
	case c.pages == 0:
		return ""
	case !c.fromCache:
		return "live"
	}
	s := "cached " + text.Ago(now, c.oldest)
	if c.stale {
		s += " (stale)"
	}
	if c.offline {
		s = "offline · " + s
	}
	return s
}
