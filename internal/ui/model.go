package ui

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/list"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

const (
	minWidth, minHeight = 40, 10
	wideWidth           = 110 // from here the detail sits beside the list
	loadMoreWithin      = 10  // rows from the end at which the next page loads
	maxAutoPages        = 5   // pages loaded in a row without a key press
	defaultLookups      = 4   // Searcher.Detail calls out at once when the list asks by itself
	defaultFactLookups  = 4   // Searcher.Facts calls out at once, beside the Detail calls
)

type focus int

const (
	focusList focus = iota
	focusDetail
)

// Model is the root tea.Model: it owns the search (query, sequence number,
// paging) and hands keys to the focused pane, everything else to its owner.
type Model struct {
	ctx      context.Context
	searcher Searcher
	catalog  compat.Catalog
	clock    func() time.Time
	now      time.Time // the clock as of the last message; View reads this

	keys    KeyMap
	styles  *Styles
	help    help.Model
	spinner spinner.Model

	width, height, bodyHeight int

	query       query.Query
	refresh     bool // the current search bypasses the cache
	seq         int  // sequence number of the current search
	next        string
	pageLoading bool
	pageFailed  bool // the last page request failed
	autoPages   int
	cache       cacheState
	fatal       string // the first search failed and there is nothing to show
	fatalNext   string // what to do about it (Options.NextStep)
	nextStep    func(error) string
	footerErr   string // a recoverable error; cleared by the next key

	// list owns the loaded models, its choices and the requests for its
	// rows (listload.go): the only model that changes an item.
	list       listModel
	detail     detailModel
	detailOpen bool
	focus      focus

	// carry is the model highlighted, and whether its detail was open,
	// when o started a search in a new order: found in the first page of
	// that order, it is highlighted again and its detail reopened.
	carry carried

	prompting bool
	prompt    textinput.Model
	// promptFresh is true while the prompt holds the last query as it
	// was: selected, so that typing replaces it; a cursor key keeps it
	// for editing.
	promptFresh bool
	bar         facetBar // the facets F opens (facets.go)

	result Result

	// cards are the model cards fetched so far, by cardKey (card.go);
	// copied on write. hubLink is the model page u put on the status line.
	cards   map[string]*cardEntry
	hubLink string
	// links draws the Hub link as an OSC 8 hyperlink; clipboard, when
	// set, is where u writes its OSC 52 copy (the terminal).
	links     bool
	clipboard io.Writer

	// The fit (fitview.go, fitload.go): what judgements weigh against.
	// (The context is among the list's choices.)
	fitCfg fitConfig
	// probeSpeed measures the CPU's speed once, from Init (Options).
	probeSpeed func() fit.CPUSpeed
	demo       bool

	// A rate-limit wait: no request starts before waitUntil, the footer
	// counts down each second (tick, from the injected clock), and a
	// refused page is asked again (retryPage, at token retryNext).
	waitUntil   time.Time
	waitGen     int
	waitTicking bool
	retryPage   bool
	retryNext   string
	tick        func(time.Duration, tea.Msg) tea.Cmd

	dl downloads // download.go
}

// New builds the root model; Init starts the first search.
func New(opt Options) Model {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	st := defaultStyles(lipgloss.DefaultRenderer(), opt.NoColor)
	keys := defaultKeyMap(opt.PickFormat)

	h := help.New()
	h.Styles, h.ShortSeparator = st.Help, " · "

	pr := textinput.New()
	pr.Prompt, pr.PromptStyle = "search the Hub: ", st.Prompt
	pr.Cursor.Style, pr.PlaceholderStyle = st.Prompt, st.Subtle
	pr.Placeholder, pr.CharLimit = "model name, e.g. qwen", 200
	pr.Cursor.SetMode(cursor.CursorStatic)

	q := opt.Query
	if q.Sort == "" {
		q.Sort = query.SortDownloads
	}
	m := Model{
		ctx:      context.Background(),
		searcher: opt.Searcher,
		catalog:  opt.Catalog,
		clock:    opt.Now,
		now:      opt.Now(),
		keys:     keys,
		styles:   &st,
		help:     h,
		spinner:  spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Spinner)),
		query:    q,
		seq:      1,
		// Init asks for the first page.
		pageLoading: true,
		prompt:      pr,
		fitCfg:      fitConfig{catalog: opt.Catalog, machine: opt.Machine},
		probeSpeed:  opt.ProbeSpeed,
		demo:        opt.Demo,
		links:       opt.Hyperlinks,
		nextStep:    opt.NextStep,
		tick:        tickAfter,
		dl:          downloads{d: opt.Downloader, pickPath: opt.PickFormat == "path", pace: progressPace},
	}
	if opt.Clipboard {
		m.clipboard = opt.Output
	}
	m.bar = newFacetBar(m.styles)
	m.list = newListModel(m.styles, keys, m.fitCfg, m.source())
	m.list.context = max(0, opt.Context)
	m.list.setSort(q.Sort)
	m.detail = newDetailModel(m.styles, m.fitCfg)
	m.syncKeys()
	return m
}

// Init asks the Hub for the first page.
func (m Model) Init() tea.Cmd {
	return tea.Batch(fetchPage(m.ctx, m.searcher, m.catalog, m.query, m.seq, "", m.refresh), m.spinner.Tick, probeSpeed(m.probeSpeed))
}

// Update reads the clock once and lets the message's owner handle it;
// then it re-enables the keys for the state it leaves. A message that
// changes which rows are in view or what is known of them (results or
// answers arrived, the cursor moved, a new size, a choice changed, the
// filter's matches, the end of a rate-limit wait) has a handler that ends
// in asking: its command carries the requests it causes (the next page,
// the contexts and fit facts of the rows in view). No other message asks
// for anything: a spinner's tick, a card, a download's progress.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.Type == tea.KeyRunes && len(k.Runes) > 1 && !k.Paste && !m.typing() {
		return m.updateRunes(k)
	}
	m.now = m.clock()
	m, cmd := m.update(msg)
	m.syncKeys()
	return m, cmd
}

// typing reports whether keys are text now: the search prompt or the
// filter is being typed.
func (m Model) typing() bool { return m.prompting || m.list.filtering() || m.bar.typing() }

// updateRunes handles keys that arrived together (Bubble Tea v1 delivers
// "jj" read at once as one key of two runes, which no binding matches) as
// the same keys one after the other. Once a key opens the search prompt
// or the filter, the runes left are text and go to it in one message, as
// typed.
func (m Model) updateRunes(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	for i := range k.Runes {
		one := k
		if m.typing() {
			one.Runes = k.Runes[i:]
		} else {
			one.Runes = k.Runes[i : i+1]
		}
		last := len(one.Runes) > 1 || key.Matches(one, m.keys.Quit) || key.Matches(one, m.keys.Pick)
		next, cmd := m.Update(one)
		m, cmds = next.(Model), append(cmds, cmd)
		if last { // the text went whole, or the program ends: nothing after
			break
		}
	}
	return m, tea.Batch(cmds...)
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case speedProbedMsg:
		return m.speedProbed(msg)
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		if m.detailOpen && m.focus == focusList && !m.wide() {
			m.detailOpen = false // narrowed: a detail without focus would be off screen
		}
		m.layout()
		return m.asking(nil, true) // more rows may show, or fewer
	case tea.KeyMsg:
		return m.updateKey(msg)
	case pageFetchedMsg:
		return m.pageFetched(msg)
	case detailFetchedMsg:
		return m.detailFetched(msg)
	case factsFetchedMsg:
		return m.factsFetched(msg)
	case cardFetchedMsg:
		return m.cardFetched(msg)
	case waitTickedMsg:
		return m.waitTicked(msg)
	case downloadPlannedMsg:
		return m.downloadPlanned(msg)
	case downloadProgressedMsg:
		return m.downloadProgressed(msg)
	case downloadEndedMsg:
		return m.downloadEnded(msg)
	case spinner.TickMsg:
		if !m.busy() {
			return m, nil // nothing loads: let the tick loop end
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case list.FilterMatchesMsg:
		m, cmd := m.updateList(msg)
		return m.asking(cmd, true) // the rows the filter shows
	}
	if m.prompting {
		var cmd tea.Cmd
		m.prompt, cmd = m.prompt.Update(msg)
		return m, cmd
	}
	return m.updateList(msg)
}

func (m Model) updateKey(k tea.KeyMsg) (Model, tea.Cmd) {
	m.footerErr = ""
	m.hubLink = ""
	m.autoPages = 0
	quitArmed := m.dl.quitArmed
	m.dl.quitArmed, m.dl.notice, m.dl.noticePath = false, "", ""
	switch {
	case key.Matches(k, m.keys.ForceQuit):
		return m, tea.Quit
	case m.fatal != "":
		switch {
		case key.Matches(k, m.keys.Retry):
			return m.search(m.query, m.refresh)
		case key.Matches(k, m.keys.Quit):
			return m, tea.Quit
		}
		return m, nil
	case m.prompting:
		return m.promptKey(k)
	case m.bar.open:
		return m.facetKey(k)
	case m.list.filtering():
		m, cmd := m.updateList(k) // every key is text for the filter
		return m.asking(cmd, false)
	case m.dl.confirm != nil:
		return m.confirmKey(k)
	}

	// The keys that change which rows are in view, or the choices they
	// are judged by, end in asking; the others ask for nothing.
	var cmd tea.Cmd
	switch {
	case key.Matches(k, m.keys.Quit):
		return m.quit(quitArmed)
	case key.Matches(k, m.keys.Pick):
		return m.pick()
	case key.Matches(k, m.keys.Download):
		return m.downloadKey()
	case key.Matches(k, m.keys.CancelDownload):
		return m.cancelDownload()
	case key.Matches(k, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
		return m.asking(nil, false)
	case key.Matches(k, m.keys.Back):
		m.detailOpen, m.focus = false, focusList
		m.layout()
		return m.asking(nil, false)
	case key.Matches(k, m.keys.Open):
		m.detailOpen, m.focus = true, focusDetail
		m.detail.cardMode = false
		m.layout()
		cmd := m.followSelection()
		return m.asking(cmd, false)
	case key.Matches(k, m.keys.Focus):
		switch {
		case !m.detailOpen || m.focus == focusList:
			m.detailOpen, m.focus = true, focusDetail
		case m.wide():
			m.focus = focusList // the detail stays beside the list
		default:
			m.detailOpen, m.focus = false, focusList // narrow: back to the list
		}
		m.layout()
		cmd := m.followSelection()
		return m.asking(cmd, false)
	case key.Matches(k, m.keys.Card):
		return m.toggleCard()
	case key.Matches(k, m.keys.HubURL):
		return m.showHubURL()
	case key.Matches(k, m.keys.Worker):
		// Every row's FIT, what m hides, the detail and p follow it.
		m.list.setWorker(m.fitCfg.nextWorker(m.list.worker))
		cmd := m.followSelection()
		return m.asking(cmd, false)
	case key.Matches(k, m.keys.Toggle):
		cmd = m.list.setCompatOnly(!m.list.compatOnly)
		cmd = tea.Batch(cmd, m.followSelection())
		return m.asking(cmd, false)
	case key.Matches(k, m.keys.FitsOnly):
		cmd = m.list.setFitsOnly(!m.list.fitsOnly)
		cmd = tea.Batch(cmd, m.followSelection())
		return m.asking(cmd, false)
	case key.Matches(k, m.keys.Facets):
		return m.openFacets()
	case key.Matches(k, m.keys.CtxUp):
		m.stepContext(+1)
		return m.asking(nil, false)
	case key.Matches(k, m.keys.CtxDown):
		m.stepContext(-1)
		return m.asking(nil, false)
	case key.Matches(k, m.keys.Search):
		m.prompting = true
		m.prompt.SetValue(m.query.Text)
		m.prompt.CursorEnd()
		m.setPromptFresh(m.query.Text != "")
		cmd = m.prompt.Focus()
	case key.Matches(k, m.keys.Sort):
		return m.cycleOrder()
	case key.Matches(k, m.keys.Refresh):
		return m.search(m.query, true)
	case m.detailOpen && m.focus == focusDetail:
		m.detail, cmd = m.detail.Update(k, m.keys)
	default:
		m, cmd = m.updateList(k) // the cursor moves, or the filter opens
		return m.asking(cmd, false)
	}
	return m, cmd
}

func (m Model) promptKey(k tea.KeyMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Submit):
		m.prompting = false
		m.prompt.Blur()
		q := m.query
		q.Text = strings.TrimSpace(m.prompt.Value())
		return m.search(q, false)
	case key.Matches(k, m.keys.Cancel):
		m.prompting = false
		m.prompt.Blur()
		return m.asking(nil, false) // the list may load again
	}
	if m.promptFresh {
		switch {
		case k.Type == tea.KeyRunes || k.Type == tea.KeySpace:
			m.prompt.SetValue("") // typing replaces the selected query
		case k.Type == tea.KeyBackspace || k.Type == tea.KeyDelete || k.Type == tea.KeyCtrlU:
			m.prompt.SetValue("")
			m.setPromptFresh(false)
			return m, nil
		}
		m.setPromptFresh(false) // typed over, or a cursor key: editing
	}
	var cmd tea.Cmd
	m.prompt, cmd = m.prompt.Update(k)
	return m, cmd
}

// setPromptFresh marks the prompt's text as the selected last query (on)
// or as text being edited.
func (m *Model) setPromptFresh(on bool) {
	m.promptFresh = on
	if on {
		m.prompt.TextStyle = m.styles.Selection
	} else {
		m.prompt.TextStyle = lipgloss.NewStyle()
	}
}

// updateList hands msg to the list, then lets the detail follow the
// cursor. (Its callers ask for what the rows now in view lack.)
func (m Model) updateList(msg tea.Msg) (Model, tea.Cmd) {
	before := m.list.selected()
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	if m.list.selected() != before {
		cmd = tea.Batch(cmd, m.followSelection())
	}
	return m, cmd
}

func (m Model) pick() (Model, tea.Cmd) {
	it := m.list.selected()
	if it == nil {
		return m, nil
	}
	w := it.shownWorker(m.list.worker)
	m.list.judge(it)
	var chosen *fit.VariantFit
	if m.detailOpen && m.focus == focusDetail && m.detail.showing(it.judged.Model.ID) {
		chosen = m.detail.highlighted()
	}
	r := pickResult(it, w, chosen)
	if r.Variant == nil && slices.Contains(it.judged.Verdict.Formats, compat.FormatGGUF) {
		// A bare repo names no file of a GGUF repo: say why there is none.
		m.footerErr = m.noPickWhy(it, w)
		return m, nil
	}
	m.result = r
	if m.dl.pickPath {
		r := m.result
		m.result = Result{}
		return m.pickToPath(r)
	}
	return m, tea.Quit
}

// noPickWhy says why a pick of a GGUF repo has no variant, and what to do.
func (m Model) noPickWhy(it *item, w string) string {
	sw := m.fitCfg.shortWorker(w)
	switch {
	case w == "" || !it.loadsOn(w):
		return "no worker shown loads " + it.id + ": w picks another worker"
	case m.fitCfg.notHere(w):
		_, flag := m.fitCfg.needs(w)
		return "no pick of " + it.id + ": " + sw + " is not on this machine; w picks another worker, or " + flag + " plans for it"
	case it.factsState == factsFailed:
		return "no pick of " + it.id + ": its files could not be read (enter shows why)"
	case it.factsState != factsIn:
		return "the files of " + it.id + " are still loading: p again in a moment"
	}
	return "no file of " + it.id + " fits " + sw + " at " + m.contextText(m.list.choices) + ": highlight one in the detail (enter) and p picks it, or - lowers the context"
}

// syncKeys enables the keys that work in the current state.
func (m *Model) syncKeys() {
	m.keys.setState(keyState{
		fatal:         m.fatal != "",
		prompting:     m.prompting,
		filtering:     m.list.filtering(),
		filterApplied: m.list.filterApplied(),
		items:         m.list.selected() != nil,
		detailOpen:    m.detailOpen,
		detailShown:   m.detailVisible(),
		detailFocus:   m.detailOpen && m.focus == focusDetail,
		compatOnly:    m.list.compatOnly,
		fitsOnly:      m.list.fitsOnly,
		fullHelp:      m.help.ShowAll,
		variants:      m.detailOpen && m.focus == focusDetail && m.detail.hasVariants(),
		ctxUp:         m.canStepContext(+1),
		ctxDown:       m.canStepContext(-1),
		cardMode:      m.detail.cardMode,
		downloads:     m.dl.d != nil,
		downloading:   m.dl.running != nil,
		confirming:    m.dl.confirm != nil,
		facetBar:      m.bar.open,
		facetText:     m.bar.typing(),
	})
}

// busy reports whether a spinner is on screen: a page on its way, or the
// details of the model the pane shows. The list's own context lookups show
// none (the CTX column fills in), so they keep no tick loop running.
func (m Model) busy() bool {
	return m.pageLoading || m.detailVisible() && (m.detail.loading || m.detail.cardLoading())
}

func (m Model) wide() bool { return m.width >= wideWidth }

// listVisible reports whether the list is on screen: always, but when the
// detail takes the whole of a narrow terminal or an error screen is up.
func (m Model) listVisible() bool {
	return m.fatal == "" && !(m.detailVisible() && !m.wide())
}

// detailVisible reports whether the detail pane is on screen: beside the
// list when wide, instead of it when focused on a narrow terminal.
func (m Model) detailVisible() bool {
	return m.detailOpen && (m.wide() || m.focus == focusDetail)
}
