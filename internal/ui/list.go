package ui

import (
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/rank"
)

// choices are the list's choices, one value: the worker and context
// every row is judged for, which rows show and in what order. The header
// renders them (view.go); w, + and -, c, m and o change them.
type choices struct {
	worker     string // "" for each model's recommended worker
	context    int64  // 0 for each model's own, up to the worker's limit
	compatOnly bool
	fitsOnly   bool
	rank       string // the local order o chose (rank.go), "" for the Hub's
}

// listModel is the results pane: every loaded model, the compatible-only
// view of them, and the bubbles list that draws the visible page.
type listModel struct {
	styles *Styles
	list   list.Model
	cols   columns

	all    []*item     // every loaded model, in load order
	every  []list.Item // all, as list items
	compat []list.Item // the compatible ones
	byID   map[string]*item

	choices
	// What the rows are judged with and asked for by (listload.go): the
	// catalog and machine, the search the rows came from, the calls out,
	// and whether answers or choices changed the fits since the last
	// judgement of every row.
	fit   fitConfig
	src   source
	req   requests
	refit bool
	// unfit are the models fitsOnly hides: those whose shown worker has
	// no best variant (the root decides, fitview.go).
	unfit map[*item]bool
	sort  string // the search's order, which the last column shows
	// notHere are the catalog's workers that cannot run on this machine:
	// their FIT cells say so (worker.go).
	notHere map[string]bool
	width   int
	height  int
	// beforeFilter is the model highlighted when the filter was opened,
	// where cancelling it goes back to.
	beforeFilter *item
	// order is the local order the rows are in (rank.go); nil: load order.
	order func(a, b *item) int
	// facets narrow the rows (facets.go); facetOut names, for each row
	// that compatible-only shows and they hide, the facet that hides it.
	facets   rank.Facets
	facetOut map[*item]string
}

func newListModel(st *Styles, keys KeyMap, cfg fitConfig, src source) listModel {
	l := list.New(nil, rowDelegate{styles: st}, 0, 0)
	l.SetShowTitle(false)
	l.SetShowFilter(false) // the root draws the filter prompt in the header
	l.SetShowStatusBar(false)
	l.SetShowPagination(false)
	l.SetShowHelp(false)
	l.DisableQuitKeybindings()
	l.Filter = fastFilter
	l.KeyMap.CursorUp = keys.Up
	l.KeyMap.CursorDown = keys.Down
	l.KeyMap.PrevPage = keys.PageUp
	l.KeyMap.NextPage = keys.PageDown
	l.KeyMap.GoToStart = keys.Home
	l.KeyMap.GoToEnd = keys.End
	l.KeyMap.Filter = keys.Filter
	l.KeyMap.ClearFilter = keys.ClearFilter
	l.KeyMap.AcceptWhileFiltering = keys.AcceptFilter
	l.KeyMap.CancelWhileFiltering = keys.CancelFilter
	l.FilterInput.Prompt = "filter: "
	l.FilterInput.PromptStyle = st.Prompt
	l.FilterInput.Cursor.Style = st.Prompt
	l.FilterInput.PlaceholderStyle = st.Subtle
	l.SetStatusBarItemName("model", "models")
	l.Styles.NoItems = st.Subtle.PaddingLeft(2)       // "No models." when a filter matches none
	l.FilterInput.Cursor.SetMode(cursor.CursorStatic) // a blinking cursor redraws for nothing
	return listModel{styles: st, list: l, byID: map[string]*item{}, choices: choices{compatOnly: true},
		fit: cfg, notHere: cfg.notHereSet(), src: src, req: requests{maxLookups: defaultLookups, maxFacts: defaultFactLookups}}
}

// SetSize gives the pane its size: one line of column titles, the rest rows.
func (l *listModel) SetSize(w, h int) {
	l.width, l.height = w, h
	l.cols = layoutColumns(w, l.sort)
	l.list.SetDelegate(l.delegate())
	l.list.SetSize(w, max(1, h-1))
}

func (l listModel) delegate() rowDelegate {
	return rowDelegate{styles: l.styles, cols: l.cols, worker: l.worker, notHere: l.notHere}
}

// setWorker shows worker's fit in the FIT column ("" each model's
// recommended worker); what fits-only hides follows it.
func (l *listModel) setWorker(worker string) {
	l.worker = worker
	l.refit = true
	l.list.SetDelegate(l.delegate())
}

// setSort names the order of the models to come, for the last column.
func (l *listModel) setSort(sort string) {
	l.sort = sort
	if l.width > 0 {
		l.SetSize(l.width, l.height)
	}
}

// Update passes a key or the filter's matches to the bubbles list. When
// the filter goes, the cursor stays on a model, not on a row number: the
// one highlighted when the filter was opened if it was cancelled, the one
// highlighted now if an applied filter was cleared.
func (l listModel) Update(msg tea.Msg) (listModel, tea.Cmd) {
	state, sel := l.list.FilterState(), l.selected()
	var cmd tea.Cmd
	l.list, cmd = l.list.Update(msg)
	if _, ok := msg.(list.FilterMatchesMsg); ok {
		// The list does not repaginate on its matches; make it.
		l.list.SetSize(l.list.Width(), l.list.Height())
	}
	switch now := l.list.FilterState(); {
	case now == state:
	case now == list.Filtering:
		l.beforeFilter = sel
	case now == list.Unfiltered && state == list.Filtering:
		l.selectItem(l.beforeFilter)
	case now == list.Unfiltered:
		l.selectItem(sel)
	}
	return l, cmd
}

// reset forgets every model, for a new search whose requests are made
// with src. The calls out for the old search keep their places until they
// answer (requests).
func (l *listModel) reset(src source) {
	l.src = src
	l.req.inflight = nil
	l.refit = true
	l.all, l.every, l.compat = nil, nil, nil
	l.unfit, l.facetOut = nil, nil
	l.byID = map[string]*item{}
	l.beforeFilter = nil
	l.list.ResetFilter()
	l.list.SetItems(nil)
	l.list.ResetSelected()
}

// appendItems adds a page of models, skipping ones already loaded (the Hub
// may repeat a model across pages), and keeps the cursor where it is.
func (l *listModel) appendItems(its []*item) tea.Cmd {
	sel := l.selected()
	for _, it := range its {
		id := it.judged.Model.ID
		if _, dup := l.byID[id]; dup {
			continue
		}
		it.pos = len(l.all)
		l.byID[id] = it
		l.all = append(l.all, it)
		l.every = append(l.every, it)
		if it.compatible() {
			l.compat = append(l.compat, it)
		}
	}
	l.refit = true
	return l.reload(sel)
}

// setCompatOnly shows only compatible models, or all; the cursor stays on
// the same model when it stays visible, else on the nearest one after it.
func (l *listModel) setCompatOnly(on bool) tea.Cmd {
	if on == l.compatOnly {
		return nil
	}
	sel := l.selected()
	l.compatOnly = on
	return l.reload(sel)
}

// setFitsOnly shows only the models that fit this machine, or all; the
// cursor stays as for setCompatOnly. What it hides is named again first
// (while it is off, naming reloads nothing).
func (l *listModel) setFitsOnly(on bool) tea.Cmd {
	if on == l.fitsOnly {
		return nil
	}
	l.refit = true
	judged := l.judgeAll()
	sel := l.selected()
	l.fitsOnly = on
	return tea.Batch(judged, l.reload(sel))
}

// setUnfit names the models fits-only hides, and reloads the rows when it
// hides others than before.
func (l *listModel) setUnfit(unfit map[*item]bool) tea.Cmd {
	same := len(unfit) == len(l.unfit)
	for it := range unfit {
		same = same && l.unfit[it]
	}
	l.unfit = unfit
	if same || !l.fitsOnly {
		return nil
	}
	return l.reload(l.selected())
}

// replace puts the details-complete fresh in place of it (same model),
// moving it in or out of the compatible view if its verdict changed. The
// fit facts stay with the model; their judgement is made again.
func (l *listModel) replace(it, fresh *item) tea.Cmd {
	was := it.compatible()
	fresh.pos = it.pos
	fresh.factsState, fresh.facts = it.factsState, it.facts
	// In place (the list and its filter matches hold it), all but the
	// filter key, which the filter may be reading right now.
	it.itemState = fresh.itemState
	if it.compatible() == was {
		return nil
	}
	l.compat = make([]list.Item, 0, len(l.compat)+1)
	for _, x := range l.all {
		if x.compatible() {
			l.compat = append(l.compat, x)
		}
	}
	return l.reload(l.selected())
}

// reload hands the list the items to show and puts the cursor back on sel.
func (l *listModel) reload(sel *item) tea.Cmd {
	items := l.every
	if l.compatOnly {
		items = l.compat
	}
	items = l.narrow(items)
	if l.fitsOnly && len(l.unfit) > 0 {
		kept := make([]list.Item, 0, len(items))
		for _, x := range items {
			if !l.unfit[x.(*item)] {
				kept = append(kept, x)
			}
		}
		items = kept
	}
	items = l.ordered(items)
	state, value := l.list.FilterState(), l.list.FilterValue()
	cmd := l.list.SetItems(items)
	switch state {
	case list.Filtering:
		return cmd // the matches arrive as a message
	case list.FilterApplied:
		l.list.SetFilterText(value) // filters synchronously
		cmd = nil
	}
	l.selectItem(sel)
	return cmd
}

// selectExactly highlights it when it is among the rows shown, and
// reports whether it is.
func (l *listModel) selectExactly(it *item) bool {
	if it == nil {
		return false
	}
	for i, v := range l.list.VisibleItems() {
		if v.(*item) == it {
			l.list.Select(i)
			return true
		}
	}
	return false
}

func (l *listModel) selectItem(sel *item) {
	if sel == nil {
		return
	}
	vis := l.list.VisibleItems()
	best := -1
	for i, v := range vis {
		it := v.(*item)
		if it == sel {
			l.list.Select(i)
			return
		}
		if best < 0 && it.pos >= sel.pos {
			best = i
		}
	}
	if best < 0 {
		best = len(vis) - 1
	}
	l.list.Select(max(best, 0))
}

// selected is the highlighted model, nil when none.
func (l listModel) selected() *item {
	if it, ok := l.list.SelectedItem().(*item); ok {
		return it
	}
	return nil
}

func (l listModel) filtering() bool     { return l.list.FilterState() == list.Filtering }
func (l listModel) filterApplied() bool { return l.list.FilterState() == list.FilterApplied }
func (l listModel) visibleCount() int   { return len(l.list.VisibleItems()) }

// nearEnd reports whether the cursor is within n rows of the last visible
// row.
func (l listModel) nearEnd(n int) bool {
	return l.visibleCount()-1-l.list.Index() < n
}

// wantsMore reports whether the list should have more rows: the page on
// screen is not full, or the cursor is within n rows of the last one.
func (l listModel) wantsMore(n int) bool {
	p := l.list.Paginator
	return l.visibleCount() < (p.Page+1)*p.PerPage || l.nearEnd(n)
}

// onScreen is the rows the list draws now.
func (l listModel) onScreen() []list.Item {
	vis := l.list.VisibleItems()
	start, end := l.list.Paginator.GetSliceBounds(len(vis))
	return vis[start:end]
}

// hidden is how many loaded models compatible-only hides.
func (l listModel) hidden() int {
	if !l.compatOnly {
		return 0
	}
	return len(l.all) - len(l.compat)
}

// hiddenCounts is how many loaded models are hidden, in two kinds: those
// the shown worker does not load (compatible-only's, and under fits-only
// the ones the chosen worker does not load), and those that do not fit
// this machine (fits-only's others: too big, unknown, not on this machine).
func (l listModel) hiddenCounts() (incompatible, unfit int) {
	for _, it := range l.all {
		// A row the facets hide counts under its facet, not as unfit.
		if !(l.compatOnly && !it.compatible() || l.fitsOnly && l.unfit[it] && l.facetOut[it] == "") {
			continue
		}
		if w := it.shownWorker(l.worker); !it.compatible() || !it.loadsOn(w) {
			incompatible++
		} else {
			unfit++
		}
	}
	return incompatible, unfit
}

// hiddenUnfit is how many models fits-only hides as not fitting this
// machine (the incompatible ones are counted apart: hiddenCounts).
func (l listModel) hiddenUnfit() int {
	if !l.fitsOnly {
		return 0
	}
	_, n := l.hiddenCounts()
	return n
}

// View draws the column titles and the visible rows, or empty when there
// are no rows and no filter being typed.
func (l listModel) View(empty string) string {
	head := l.styles.Columns.Render(l.cols.header())
	if len(l.all) == 0 || l.visibleCount() == 0 && !l.filtering() && !l.filterApplied() {
		return head + "\n" + l.styles.Subtle.Render(ansi.Truncate(empty, l.width, "…"))
	}
	return head + "\n" + l.list.View()
}

// rowDelegate draws one compact line per model.
type rowDelegate struct {
	styles  *Styles
	cols    columns
	worker  string
	notHere map[string]bool
}

func (d rowDelegate) Height() int                         { return 1 }
func (d rowDelegate) Spacing() int                        { return 0 }
func (d rowDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }

func (d rowDelegate) Render(w io.Writer, m list.Model, index int, li list.Item) {
	it, ok := li.(*item)
	if !ok {
		return
	}
	gutter, style := "  ", d.styles.Row
	if index == m.Index() {
		gutter, style = "› ", d.styles.SelectedRow
	}
	var b strings.Builder
	b.Grow(d.cols.width + 16)
	b.WriteString(gutter)
	switch mark := it.mark(); mark {
	case compat.MarkCompatible:
		b.WriteString(d.styles.Compatible.Render(string(mark)))
	case compat.MarkWarnings:
		b.WriteString(d.styles.Warning.Render(string(mark)))
	default:
		b.WriteString(d.styles.Incompatible.Render(string(mark)))
	}
	b.WriteByte(' ')
	b.WriteString(d.cols.row(it, d.worker, d.notHere, d.styles, style))
	_, _ = io.WriteString(w, b.String())
}
