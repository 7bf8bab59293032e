package ui

import (
	"errors"
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/modelbrowser/modelbrowser/internal/rank"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// What the root does for the fit: ask for the facts of the rows in view,
// keep their answers, judge the rows on screen at the browser's context,
// and wait out the Hub's rate limit.

// lookUpFacts asks, in the background, for the fit facts of the rows in
// view: the highlighted row first, then top to bottom; each model once;
// at most m.maxFacts Facts calls out at a time; none for a model no worker
// can load, nor while the Hub asks to wait. The detail pane's model is
// asked for even when it hides the list.
func (m *Model) lookUpFacts() tea.Cmd {
	if m.fatal != "" || m.factLookups >= m.maxFacts || m.waiting() {
		return nil
	}
	var rows []list.Item
	if it := m.list.selected(); it != nil && (m.listVisible() || m.detailVisible()) {
		rows = append(rows, it)
	}
	if m.listVisible() {
		rows = append(rows, m.list.onScreen()...)
	}
	var cmds []tea.Cmd
	for _, li := range rows {
		if m.factLookups >= m.maxFacts {
			break
		}
		it := li.(*item)
		if it.factsState != factsNone || len(m.fitCfg.compatibleWorkers(it.judged.Verdict)) == 0 {
			continue
		}
		it.factsState = factsLoading
		m.factLookups++
		cmds = append(cmds, fetchFacts(m.ctx, m.searcher, it.judged.Model, m.seq))
	}
	return tea.Batch(cmds...)
}

// factsFetched keeps a model's facts with it. An answer for an older
// search is dropped; a rate-limited one leaves the model to be asked again
// once the wait is over.
func (m Model) factsFetched(msg factsFetchedMsg) (Model, tea.Cmd) {
	m.factLookups = max(0, m.factLookups-1)
	if msg.seq != m.seq {
		return m, nil
	}
	it := m.list.byID[msg.id]
	if it == nil || it.factsState != factsLoading {
		return m, nil
	}
	var cmd tea.Cmd
	switch {
	case msg.err != nil && retryAfter(msg.err) > 0:
		it.factsState = factsNone
		cmd = m.startWait(retryAfter(msg.err))
	case msg.err != nil:
		it.factsState = factsFailed
		if m.detailVisible() && m.detail.showing(msg.id) {
			m.footerErr = "could not load the files of " + it.id + ": " + text.Sanitize(msg.err.Error())
		}
	default:
		f := msg.facts
		it.factsState, it.facts, it.fit = factsIn, &f, nil
	}
	m.fitDirty = true
	if m.detailVisible() && m.detail.showing(msg.id) {
		m.showDetail(it, m.inflight[msg.id])
	}
	return m, cmd
}

// judgeFits brings the fit of the rows on screen and of the detail's model
// up to the browser's context and worker, and, when fits-only is on and
// something changed, what it hides. Pure arithmetic, cached per item.
func (m *Model) judgeFits() tea.Cmd {
	if m.listVisible() {
		for _, li := range m.list.onScreen() {
			it := li.(*item)
			m.fitCfg.judgeFit(it, m.list.context, it.shownWorker(m.list.worker))
		}
	}
	if !m.fitDirty {
		return nil
	}
	m.fitDirty = false
	var reordered tea.Cmd
	if rank.Weighs(m.rank) {
		reordered = m.reorder() // fits came in: the order by them moves
	}
	unfit := map[*item]bool{}
	for _, it := range m.list.all {
		if m.fitCfg.fitHidden(it, m.list.context, it.shownWorker(m.list.worker)) {
			unfit[it] = true
		}
	}
	before := m.list.selected()
	cmd := tea.Batch(reordered, m.list.setUnfit(unfit))
	if m.list.selected() != before {
		cmd = tea.Batch(cmd, m.followSelection())
	}
	return cmd
}

// showDetail shows it in the detail pane with its fit judged.
func (m *Model) showDetail(it *item, loading bool) {
	if it == nil {
		m.detail.show(nil, "", false, m.now)
		return
	}
	w := it.shownWorker(m.list.worker)
	m.fitCfg.judgeFit(it, m.list.context, w)
	m.detail.show(it, w, loading, m.now)
}

// stepContext moves the browser's context one stop up or down for the
// highlighted model and its shown worker, and judges again what shows.
func (m *Model) stepContext(dir int) {
	it := m.list.selected()
	if it == nil {
		return
	}
	w := it.shownWorker(m.list.worker)
	next := stepContext(m.list.context, m.fitCfg.defaultContext(it, w), m.fitCfg.workerLimit(w), dir)
	if next == m.list.context {
		return
	}
	m.list.context = next
	m.fitDirty = true
	if m.detailVisible() {
		m.showDetail(it, m.detail.loading)
	}
}

// retryAfter is the wait an error asks for (the Hub's 429), 0 for none
// (an error that can say so but has no wait is no rate limit).
func retryAfter(err error) time.Duration {
	var r retryIner
	if errors.As(err, &r) && r.RetryIn() > 0 {
		return max(r.RetryIn(), time.Second)
	}
	return 0
}

// startWait holds new requests back for d (or longer, when a wait is on
// already) and starts the countdown's ticks.
func (m *Model) startWait(d time.Duration) tea.Cmd {
	if until := m.now.Add(d); until.After(m.waitUntil) {
		m.waitUntil = until
	}
	if m.waitTicking {
		return nil
	}
	m.waitTicking = true
	m.waitGen++
	return m.tick(time.Second, waitTickedMsg{gen: m.waitGen})
}

// waiting reports whether the Hub asked to wait and the wait is not over.
func (m Model) waiting() bool { return !m.waitUntil.IsZero() && m.now.Before(m.waitUntil) }

// waitTicked counts the wait down; once it is over, the page that was
// refused and the detail pane's model are asked again.
func (m Model) waitTicked(msg waitTickedMsg) (Model, tea.Cmd) {
	if msg.gen != m.waitGen || !m.waitTicking {
		return m, nil
	}
	if m.waiting() {
		return m, m.tick(time.Second, waitTickedMsg{gen: m.waitGen})
	}
	m.waitTicking = false
	m.waitUntil = time.Time{}
	// The detail pane asks for its model's details again (the list's
	// lookups resume by themselves, in Update).
	cmd := m.followSelection()
	if !m.retryPage {
		return m, cmd
	}
	m.retryPage = false
	m.pageLoading = true
	return m, tea.Batch(cmd, fetchPage(m.ctx, m.searcher, m.catalog, m.query, m.seq, m.retryNext, m.refresh), m.spinner.Tick)
}

// waitText is the countdown: "rate-limited by the Hub · retrying in 37s".
func (m Model) waitText() string {
	left := m.waitUntil.Sub(m.now)
	secs := int64((left + time.Second - 1) / time.Second)
	return "rate-limited by the Hub · retrying in " + strconv.FormatInt(secs, 10) + "s"
}

// canStepContext reports whether + (dir > 0) or - would move the context:
// a model is highlighted, a worker that loads it is shown, and the context
// is not at that end of its range already.
func (m Model) canStepContext(dir int) bool {
	it := m.list.selected()
	if it == nil {
		return false
	}
	w := it.shownWorker(m.list.worker)
	for _, cw := range m.fitCfg.compatibleWorkers(it.judged.Verdict) {
		if cw.Name == w {
			return stepContext(m.list.context, m.fitCfg.defaultContext(it, w), cw.MaxContext, dir) != m.list.context
		}
	}
	return false
}
