package ui

import (
	"errors"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// What the root does for the fit: show the answers that concern the
// detail pane (the list keeps them with its items, listload.go), step the
// context, and wait out the Hub's rate limit.

// factsFetched forwards a Facts answer to the list, which keeps it with
// its model; the detail pane shows it, and a rate-limited one starts the
// wait. The list then asks for what its rows in view lack (a call out
// fewer, or fits-only hiding rows that did not fit).
func (m Model) factsFetched(msg factsFetchedMsg) (Model, tea.Cmd) {
	it := m.list.factsFetched(msg)
	if it == nil {
		return m.asking(nil, true)
	}
	var cmd tea.Cmd
	shown := m.detailVisible() && m.detail.showing(msg.id)
	switch d := retryAfter(msg.err); {
	case d > 0:
		cmd = m.startWait(d)
	case msg.err != nil && shown:
		m.footerErr = "could not load the files of " + it.id + ": " + text.Sanitize(msg.err.Error())
	}
	if shown {
		m.showDetail(it, m.list.detailAsked(msg.id))
	}
	return m.asking(cmd, true)
}

// showDetail shows it in the detail pane with its fit judged.
func (m *Model) showDetail(it *item, loading bool) {
	if it == nil {
		m.detail.show(nil, "", false, m.now)
		return
	}
	m.list.judge(it)
	m.detail.show(it, it.shownWorker(m.list.worker), loading, m.now)
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
	m.list.setContext(next)
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
	// The detail pane asks for its model's details again, the refused
	// page is asked again, and the list's lookups resume.
	cmd := m.followSelection()
	if m.retryPage {
		m.retryPage = false
		m.pageLoading = true
		cmd = tea.Batch(cmd, fetchPage(m.ctx, m.searcher, m.catalog, m.query, m.seq, m.retryNext, m.refresh), m.spinner.Tick)
	}
	return m.asking(cmd, true)
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

// speedProbed takes the CPU's speed measured since the start: every
// judgement made without it is stale (fitKey.speed), so the rows in view
// and the detail are judged again, now with their tok/s.
func (m Model) speedProbed(msg speedProbedMsg) (Model, tea.Cmd) {
	speed := msg.speed
	m.fitCfg.machine.CPUSpeed = &speed
	m.list.fit.machine.CPUSpeed = &speed
	m.detail.cfg.machine.CPUSpeed = &speed
	m.list.refit = true
	follow := m.followSelection()
	return m.asking(follow, false)
}
