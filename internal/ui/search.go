package ui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

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
	m.retryPage = false
	m.list.reset(m.source())
	m.list.setSort(q.Sort)
	m.detailOpen, m.focus = false, focusList
	m.carry = carried{}
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

// source is what the list's requests for the current search are made
// with.
func (m Model) source() source {
	return source{ctx: m.ctx, searcher: m.searcher, catalog: m.catalog, seq: m.seq, refresh: m.refresh}
}

// want asks for what the screen lacks: the next page when the list wants
// more rows (maybeLoadMore; auto as there), and what the rows in view lack
// (listModel.wants). When judging them moved the cursor (fits-only hid its
// row), the detail follows it. The handler of each message that changes
// which rows are in view or what is known of them calls it, through
// asking; no other message asks for anything.
func (m *Model) want(auto bool) tea.Cmd {
	more := m.maybeLoadMore(auto)
	var before *item
	refit := m.list.refit
	if refit {
		before = m.list.selected()
	}
	cmd := m.list.wants(sight{list: m.listVisible(), detail: m.detailVisible(), hold: m.fatal != "" || m.waiting()})
	if refit && m.list.selected() != before {
		cmd = tea.Batch(cmd, m.followSelection())
	}
	return tea.Batch(more, cmd)
}

// asking is m with cmd and what the screen now lacks (want): the last step
// of the handlers of messages that change what is visible.
func (m Model) asking(cmd tea.Cmd, auto bool) (Model, tea.Cmd) {
	next := tea.Batch(cmd, m.want(auto))
	return m, next
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
		next := m.startWait(d) // nothing else may be asked meanwhile
		return m, next
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
		return m, nil // only a key on the last row asks again (maybeLoadMore)
	}
	m.pageFailed = false
	m.next = msg.page.Next
	m.cache = m.cache.add(msg.page)
	cmd := m.list.appendItems(msg.items)
	cmd = tea.Batch(cmd, m.list.reorder()) // new pages are merged in the local order
	if msg.next == "" {
		m.recarry() // a new order's first page: the model highlighted before, if it is here
	}
	// The rows in view are asked for; the next page too while the list
	// does not fill the screen.
	cmd = tea.Batch(cmd, m.followSelection())
	return m.asking(cmd, true)
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
	var fetch tea.Cmd
	if !it.detailed && !m.list.detailAsked(id) {
		fetch = m.list.askDetail(it)
	}
	m.showDetail(it, m.list.detailAsked(id))
	card := m.cardFor(it)
	switch {
	case fetch != nil:
		return tea.Batch(fetch, m.spinner.Tick, card)
	case m.list.detailAsked(id):
		return tea.Batch(m.spinner.Tick, card) // the list asked already: the pane's spinner turns until it answers
	}
	return card
}

// detailFetched forwards a Detail answer to the list, which keeps it with
// its model (an answer for a model no longer loaded, or for an older
// search, is dropped there); the detail pane shows it when it shows that
// model, and a rate-limited one starts the wait. The list then asks for
// what its rows in view lack (a call out fewer).
func (m Model) detailFetched(msg detailFetchedMsg) (Model, tea.Cmd) {
	it, cmd := m.list.detailFetched(msg)
	if it == nil {
		return m.asking(nil, true)
	}
	shown := m.detailVisible() && m.detail.showing(msg.id)
	switch d := retryAfter(msg.err); {
	case d > 0:
		// Not a failure: the list asks again once the wait is over.
		cmd = tea.Batch(cmd, m.startWait(d))
	case msg.err != nil && shown:
		m.footerErr = "could not load details of " + it.id + ": " + text.Sanitize(msg.err.Error())
	}
	if shown {
		m.showDetail(it, false)
	}
	return m.asking(cmd, true)
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
