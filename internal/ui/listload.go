package ui

import (
	"context"
	"maps"

	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/download"
	"github.com/modelbrowser/modelbrowser/internal/rank"
)

// What the list asks for and keeps of its rows: the details (the context)
// and the fit facts of the rows in view, the answers to them, and the fit
// judgements at the list's choices. The list is the only model that
// changes its items: the root forwards the answers here, and asks here for
// what the rows in view lack (wants) from the handler of each message that
// changes which rows are in view or what is known of them.

// source is what the list's requests are made with: the search its rows
// came from (set by reset).
type source struct {
	ctx      context.Context
	searcher Searcher
	catalog  compat.Catalog
	seq      int
	refresh  bool
}

// requests counts the list's calls out. The counts span searches: the
// calls of an older search are out until they answer, and keep their
// places. inflight is the current search's Detail calls by model id (the
// list's lookups and the detail pane's fetch alike); copied on write.
type requests struct {
	inflight map[string]bool
	// lookups counts the Searcher.Detail calls not answered yet; the list
	// looks up contexts by itself only below maxLookups (defaultLookups;
	// tests of the detail pane's own fetch set 0).
	lookups, maxLookups int
	// facts counts the Searcher.Facts calls not answered yet, at most
	// maxFacts (defaultFactLookups).
	facts, maxFacts int
}

// sight is what of the list is on screen, and whether it may ask for
// anything now: the root knows (its layout, its error screen, the Hub's
// rate-limit wait).
type sight struct {
	list   bool // the rows are on screen
	detail bool // the detail pane is: the highlighted row's facts are asked for even when it hides the list
	hold   bool // nothing may be asked: an error screen, or the Hub asked to wait
}

// wants brings the fits of the rows in view up to the list's choices,
// asks for what those rows lack (their contexts, their fit facts), and,
// when answers or choices changed what the fits are (refit), names again
// what fits-only hides and re-orders by fit. It returns the requests,
// nil when the rows lack nothing. (The rows in view and the highlighted
// one are read once: while the filter is on, each read copies its
// matches.)
func (l *listModel) wants(s sight) tea.Cmd {
	var rows []list.Item
	if s.list {
		rows = l.onScreen()
	}
	for _, li := range rows {
		l.judge(li.(*item))
	}
	var contexts, facts tea.Cmd
	if !s.hold && (l.req.lookups < l.req.maxLookups || l.req.facts < l.req.maxFacts) {
		sel := l.selected()
		contexts, facts = l.lookUpContexts(rows, sel, s), l.lookUpFacts(rows, sel, s)
	}
	return tea.Batch(contexts, facts, l.judgeAll())
}

// judge brings the fit of it up to the list's context and its shown worker
// (pure arithmetic, cached on the item); nil when its facts are not in.
func (l *listModel) judge(it *item) *fitCache {
	return l.fit.judgeFit(it, l.context, it.shownWorker(l.worker))
}

// lookUpContexts asks, in the background, for the details of the rows in
// view whose context length is unknown, so that the CTX column and its
// warnings fill in without opening each model: the highlighted row first,
// then top to bottom; each model once (an answer, even an error, is kept
// with it); at most maxLookups Detail calls out at a time, whatever asked
// for them. The answers arrive as detailFetchedMsg, like the pane's.
func (l *listModel) lookUpContexts(inView []list.Item, sel *item, s sight) tea.Cmd {
	if !s.list || l.req.lookups >= l.req.maxLookups {
		return nil
	}
	rows := inView
	if sel != nil {
		rows = append([]list.Item{sel}, inView...)
	}
	var cmds []tea.Cmd
	for _, li := range rows {
		if l.req.lookups >= l.req.maxLookups {
			break
		}
		it := li.(*item)
		if it.lookedUp() || l.req.inflight[it.judged.Model.ID] || !compat.NeedsConfigJSON(it.judged.Model) {
			continue
		}
		cmds = append(cmds, l.askDetail(it))
	}
	return tea.Batch(cmds...)
}

// askDetail notes the details of it as asked for and returns the request.
func (l *listModel) askDetail(it *item) tea.Cmd {
	l.req.inflight = maps.Clone(l.req.inflight)
	if l.req.inflight == nil {
		l.req.inflight = map[string]bool{}
	}
	l.req.inflight[it.judged.Model.ID] = true
	l.req.lookups++
	return fetchDetail(l.src.ctx, l.src.searcher, l.src.catalog, it.judged.Model, l.src.seq, l.src.refresh)
}

// detailAsked reports whether the details of the model with id are on
// their way.
func (l listModel) detailAsked(id string) bool { return l.req.inflight[id] }

// lookUpFacts asks, in the background, for the fit facts of the rows in
// view: the highlighted row first, then top to bottom; each model once;
// at most maxFacts Facts calls out at a time; none for a model no worker
// can load. The detail pane's model is asked for even when it hides the
// list.
func (l *listModel) lookUpFacts(inView []list.Item, sel *item, s sight) tea.Cmd {
	if l.req.facts >= l.req.maxFacts {
		return nil
	}
	var rows []list.Item
	if sel != nil && (s.list || s.detail) {
		rows = append(rows, sel)
	}
	rows = append(rows, inView...)
	var cmds []tea.Cmd
	for _, li := range rows {
		if l.req.facts >= l.req.maxFacts {
			break
		}
		it := li.(*item)
		if it.factsState != factsNone || len(l.fit.compatibleWorkers(it.judged.Verdict)) == 0 {
			continue
		}
		it.factsState = factsLoading
		l.req.facts++
		cmds = append(cmds, fetchFacts(l.src.ctx, l.src.searcher, it.judged.Model, l.src.seq))
	}
	return tea.Batch(cmds...)
}

// detailFetched takes a Detail answer: the call is no longer out, and the
// model keeps its details (replace), or notes that they failed, so that
// they are not asked again. A rate-limited answer changes nothing: the
// model is asked again after the wait. It returns the item the answer is
// for, nil when it is dropped (an older search's, a model no longer
// loaded), and the list's command.
func (l *listModel) detailFetched(msg detailFetchedMsg) (*item, tea.Cmd) {
	l.req.lookups = max(0, l.req.lookups-1)
	if msg.seq != l.src.seq {
		return nil, nil // the same model may be on its way for this search
	}
	if l.req.inflight[msg.id] {
		l.req.inflight = maps.Clone(l.req.inflight)
		delete(l.req.inflight, msg.id)
	}
	it := l.byID[msg.id]
	switch {
	case it == nil:
		return nil, nil
	case retryAfter(msg.err) > 0:
		return it, nil
	}
	l.refit = true
	if msg.err != nil {
		it.detailFailed = true
		return it, nil
	}
	return it, l.replace(it, msg.item)
}

// factsFetched keeps a model's facts with it. It returns the item the
// answer is for, nil when it is dropped (an older search's, a model no
// longer loaded or not asked); a rate-limited answer leaves the model to be
// asked again once the wait is over.
func (l *listModel) factsFetched(msg factsFetchedMsg) *item {
	l.req.facts = max(0, l.req.facts-1)
	if msg.seq != l.src.seq {
		return nil
	}
	it := l.byID[msg.id]
	if it == nil || it.factsState != factsLoading {
		return nil
	}
	switch {
	case msg.err != nil && retryAfter(msg.err) > 0:
		it.factsState = factsNone
	case msg.err != nil:
		it.factsState = factsFailed
	default:
		f := msg.facts
		it.factsState, it.facts, it.fit = factsIn, &f, nil
	}
	l.refit = true
	return it
}

// judgeAll, when answers or choices changed what the fits are, names
// again the models fits-only hides and re-orders them when the local order
// weighs fits. Pure arithmetic, cached per item.
func (l *listModel) judgeAll() tea.Cmd {
	if !l.refit {
		return nil
	}
	l.refit = false
	var reordered tea.Cmd
	if rank.Weighs(l.rank) {
		reordered = l.reorder() // fits came in: the order by them moves
	}
	unfit := map[*item]bool{}
	for _, it := range l.all {
		if l.fit.fitHidden(it, l.context, it.shownWorker(l.worker)) {
			unfit[it] = true
		}
	}
	return tea.Batch(reordered, l.setUnfit(unfit))
}

// markDownloaded marks the plan's files downloaded in the facts of the
// model with id, when they are of the same commit; it returns the model,
// nil when nothing changed.
func (l *listModel) markDownloaded(id string, p download.Plan) *item {
	it := l.byID[id]
	if it == nil || it.facts == nil || it.facts.SHA != p.SHA {
		return nil
	}
	f := *it.facts
	f.Downloaded = maps.Clone(f.Downloaded)
	if f.Downloaded == nil {
		f.Downloaded = map[string]bool{}
	}
	for _, path := range p.Files {
		f.Downloaded[path] = true
	}
	it.facts = &f
	return it
}

// setContext judges every row at context c (0: each model's own).
func (l *listModel) setContext(c int64) {
	l.context = c
	l.refit = true
}
