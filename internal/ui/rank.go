package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/rank"
)

// The browser's local orders (o, after the Hub's own): best fit first,
// smallest file, parameters, context. They order the loaded results, and
// keep ordering as pages and fits arrive; the cursor stays on its model.
// The Hub's query keeps its own order meanwhile.

// cycleOrder moves o to the next order: a local one re-orders what is
// loaded (and the rows now in view are asked for), a Hub one searches
// again.
func (m Model) cycleOrder() (Model, tea.Cmd) {
	cur := m.query.SortName()
	if m.list.rank != "" {
		cur = m.list.rank
	}
	next := query.NextSort(cur)
	if s, _ := query.LookupSort(next); s.Local {
		m.list.rank = next
		cmd := m.list.reorder()
		return m.asking(cmd, false)
	}
	m.list.rank = ""
	m.list.order = nil
	q := m.query
	q.Sort = next
	if q.SortName() == m.query.SortName() {
		cmd := m.list.reload(m.list.selected())
		return m.asking(cmd, false)
	}
	keep := carried{detail: m.detailOpen, focus: m.focus}
	if it := m.list.selected(); it != nil {
		keep.id = it.judged.Model.ID
	}
	m, cmd := m.search(q, false)
	m.carry = keep
	return m, cmd
}

// carried is what a new order's search keeps of the list before it
// (Model.carry).
type carried struct {
	id     string
	detail bool
	focus  focus
}

// recarry highlights the carried model again when the new order's first
// page holds it, and reopens its detail as it was; it forgets the carried
// model either way.
func (m *Model) recarry() {
	c := m.carry
	m.carry = carried{}
	if c.id == "" || !m.list.selectExactly(m.list.byID[c.id]) {
		return
	}
	if c.detail {
		m.detailOpen, m.focus = true, c.focus
		m.layout()
	}
}

// reorder sorts the loaded rows by the local order, judging the fits it
// needs (pure arithmetic, cached per item), the cursor on its model.
func (l *listModel) reorder() tea.Cmd {
	if l.rank == "" {
		return nil
	}
	cmp := rank.Compare(l.rank)
	if rank.Weighs(l.rank) {
		for _, it := range l.all {
			l.judge(it)
		}
	}
	worker := l.worker
	l.order = func(a, b *item) int { return cmp(a.rankEntry(worker), b.rankEntry(worker)) }
	return l.reload(l.selected())
}

// rankEntry is what the local orders weigh of the item.
func (it *item) rankEntry(worker string) rank.Entry {
	e := rank.Entry{Judged: it.judged, Worker: it.shownWorker(worker)}
	if it.fit != nil && it.fit.key.worker == e.Worker {
		e.Fit = &it.fit.res
	}
	return e
}

// ordered is items in the list's local order (stable: ties keep the load
// order), or items as they are.
func (l *listModel) ordered(items []list.Item) []list.Item {
	if l.order == nil {
		return items
	}
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b list.Item) int { return l.order(a.(*item), b.(*item)) })
	return out
}

// orderText is the order the header names: the Hub's, or a local one
// over the loaded results.
func (m Model) orderText() string {
	if m.list.rank != "" {
		return "by " + m.list.rank + " (loaded results)"
	}
	return "by " + m.query.SortName()
}
