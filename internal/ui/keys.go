package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key the TUI answers to. Bindings are enabled per state
// (setState), so matching and the help line agree on what works now.
type KeyMap struct {
	// Moving: the list's cursor, or the detail pane's scroll.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding

	Filter       key.Binding // start typing a filter over the loaded results
	ClearFilter  key.Binding // drop an applied filter
	AcceptFilter key.Binding // stop typing, keep the filter
	CancelFilter key.Binding // stop typing, drop the filter

	Open   key.Binding // open the detail pane
	Focus  key.Binding // move focus between list and detail
	Back   key.Binding // close the detail pane
	Worker key.Binding // cycle the worker the verdict is shown for
	Card   key.Binding // the detail: verdict and files, or the model card
	HubURL key.Binding // the model's Hub page on the status line, copied

	Toggle   key.Binding // compatible-only on/off
	FitsOnly key.Binding // fits-this-machine-only on/off
	Facets   key.Binding // open the facet bar (facets.go)
	CtxUp    key.Binding // the browser's context one stop up
	CtxDown  key.Binding // the browser's context one stop down
	Search   key.Binding // a new Hub search
	Sort     key.Binding // cycle the sort order and search again
	Refresh  key.Binding // search again, bypassing the cache

	Pick key.Binding
	// Downloads (download.go): fetch a variant, cancel the running one,
	// and answer the confirmation line.
	Download       key.Binding
	CancelDownload key.Binding
	Confirm        key.Binding
	Help           key.Binding
	Quit           key.Binding
	ForceQuit      key.Binding

	Submit key.Binding // the search prompt
	Cancel key.Binding
	Clear  key.Binding // the prompt's own ctrl+u, named in the help
	Retry  key.Binding // the error screen

	// The facet bar (facets.go).
	FacetNext      key.Binding // the next field
	FacetPrev      key.Binding // the field before
	FacetValue     key.Binding // the field's next value
	FacetValueBack key.Binding // the field's value before
	FacetClear     key.Binding // every facet off
	FacetDone      key.Binding // close the bar, the facets stay

	pickDesc string // Pick's description in the full help
	// focusShort puts Focus in the short help: only while the detail is
	// open, where it is the way between the panes (without it, enter says
	// the same).
	focusShort bool
	// ctxShort puts + and - in the short help: while the detail, whose
	// figures they move, is on screen. ctxAny keeps both in the full help
	// while either works, so that ? documents them at either end.
	ctxShort bool
	ctxAny   bool
}

// defaultKeyMap is the keymap with every binding enabled; setState narrows
// it. pickFormat ("id" or "json") names what a pick prints, in the full help.
func defaultKeyMap(pickFormat string) KeyMap {
	nb := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	pickDesc := "pick"
	if pickFormat != "" {
		pickDesc = "pick, print its " + pickFormat
	}
	return KeyMap{
		pickDesc: pickDesc,

		Up:       nb([]string{"up", "k"}, "↑/k", "up"),
		Down:     nb([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   nb([]string{"pgup", "b"}, "pgup/b", "page up"),
		PageDown: nb([]string{"pgdown", "f"}, "pgdn/f", "page down"),
		Home:     nb([]string{"home", "g"}, "g/home", "first"),
		End:      nb([]string{"end", "G"}, "G/end", "last"),

		Filter:       nb([]string{"/"}, "/", "filter"),
		ClearFilter:  nb([]string{"esc"}, "esc", "clear filter"),
		AcceptFilter: nb([]string{"enter"}, "enter", "apply filter"),
		CancelFilter: nb([]string{"esc"}, "esc", "cancel filter"),

		Open:   nb([]string{"enter"}, "enter", "details"),
		Focus:  nb([]string{"tab"}, "tab", "switch pane"),
		Back:   nb([]string{"esc"}, "esc", "back"),
		Worker: nb([]string{"w"}, "w", "next worker"),
		Card:   nb([]string{"i"}, "i", "card"),
		HubURL: nb([]string{"u"}, "u", "Hub link"),

		Toggle:   nb([]string{"c"}, "c", "show all"),
		FitsOnly: nb([]string{"m"}, "m", "fits this machine only"),
		Facets:   nb([]string{"F"}, "F", "facets"),
		CtxUp:    nb([]string{"+", "="}, "+", "more context"),
		CtxDown:  nb([]string{"-", "_"}, "-", "less context"),
		Search:   nb([]string{"s"}, "s", "search"),
		Sort:     nb([]string{"o"}, "o", "sort"),
		Refresh:  nb([]string{"r"}, "r", "refresh"),

		Pick: nb([]string{"p"}, "p", "pick"),

		Download:       nb([]string{"d"}, "d", "download"),
		CancelDownload: nb([]string{"x"}, "x", "cancel download"),
		Confirm:        nb([]string{"y", "enter"}, "y/enter", "fetch"),

		Help:      nb([]string{"?"}, "?", "help"),
		Quit:      nb([]string{"q"}, "q", "quit"),
		ForceQuit: nb([]string{"ctrl+c"}, "ctrl+c", "quit"),

		Submit: nb([]string{"enter"}, "enter", "search"),
		Cancel: nb([]string{"esc"}, "esc", "cancel"),
		Clear:  nb([]string{"ctrl+u"}, "ctrl+u", "clears"),
		Retry:  nb([]string{"r"}, "r", "retry"),

		FacetNext:      nb([]string{"tab"}, "tab", "next facet"),
		FacetPrev:      nb([]string{"shift+tab"}, "⇧tab", "facet before"),
		FacetValue:     nb([]string{"right", "l", " "}, "→/space", "next value"),
		FacetValueBack: nb([]string{"left", "h"}, "←/h", "value before"),
		FacetClear:     nb([]string{"ctrl+x"}, "ctrl+x", "clear facets"),
		FacetDone:      nb([]string{"enter", "esc"}, "enter", "close facets"),
	}
}

// keyState is what decides which keys work.
type keyState struct {
	fatal         bool // the error screen is up
	prompting     bool // the search prompt is open
	filtering     bool // a filter is being typed
	filterApplied bool
	items         bool // the list has rows to act on
	detailOpen    bool
	detailShown   bool // on screen: beside the list, or instead of it
	detailFocus   bool
	compatOnly    bool
	fitsOnly      bool
	fullHelp      bool
	variants      bool // the focused detail has a fit table: up/down move over it
	ctxUp         bool // + would move the highlighted model's context
	ctxDown       bool // - would
	cardMode      bool // the detail shows the model card

	downloads   bool // a Downloader is there
	downloading bool // a download runs
	confirming  bool // the confirmation line asks
	facetBar    bool // the facet bar is open
	facetText   bool // its quant field has focus: keys are text
}

// setState enables exactly the bindings that work in s.
func (k *KeyMap) setState(s keyState) {
	browsing := !s.fatal && !s.prompting && !s.filtering && !s.confirming && !s.facetBar
	onList := browsing && !s.detailFocus
	onDetail := browsing && s.detailFocus

	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
		b.SetEnabled(onDetail || onList && s.items)
	}
	if onDetail && s.variants {
		k.Up.SetHelp("↑/k", "variant up")
		k.Down.SetHelp("↓/j", "variant down")
		k.PageUp.SetHelp("pgup/b", "scroll up")
		k.PageDown.SetHelp("pgdn/f", "scroll down")
	} else {
		k.Up.SetHelp("↑/k", "up")
		k.Down.SetHelp("↓/j", "down")
		k.PageUp.SetHelp("pgup/b", "page up")
		k.PageDown.SetHelp("pgdn/f", "page down")
	}

	k.Filter.SetEnabled(onList && s.items)
	k.ClearFilter.SetEnabled(browsing && s.filterApplied && !s.detailOpen)
	k.AcceptFilter.SetEnabled(s.filtering)
	k.CancelFilter.SetEnabled(s.filtering)

	k.Open.SetEnabled(onList && s.items)
	k.Focus.SetEnabled(browsing && (s.items || s.detailOpen))
	k.focusShort = s.detailOpen
	if s.detailFocus {
		k.Focus.SetHelp("tab", "focus list")
	} else {
		k.Focus.SetHelp("tab", "focus details")
	}
	k.Back.SetEnabled(browsing && s.detailOpen)
	k.Worker.SetEnabled(browsing && s.items && !(s.detailShown && s.cardMode))
	k.Card.SetEnabled(browsing && s.items)
	if s.detailShown && s.cardMode {
		k.Card.SetHelp("i", "verdict & files")
	} else {
		k.Card.SetHelp("i", "card")
	}
	k.HubURL.SetEnabled(browsing && s.items)

	k.Toggle.SetEnabled(browsing)
	if s.compatOnly {
		k.Toggle.SetHelp("c", "show all")
	} else {
		k.Toggle.SetHelp("c", "compatible only")
	}
	k.FitsOnly.SetEnabled(browsing)
	k.Facets.SetEnabled(browsing)
	k.setFacetState(s)
	if s.fitsOnly {
		k.FitsOnly.SetHelp("m", "show too big too")
	} else {
		k.FitsOnly.SetHelp("m", "fits this machine only")
	}
	k.CtxUp.SetEnabled(browsing && s.items && s.ctxUp)
	k.CtxDown.SetEnabled(browsing && s.items && s.ctxDown)
	k.ctxShort = s.detailShown
	k.ctxAny = browsing && s.items && (s.ctxUp || s.ctxDown)
	k.Search.SetEnabled(browsing)
	k.Sort.SetEnabled(browsing)
	k.Refresh.SetEnabled(browsing)

	k.Pick.SetEnabled(browsing && s.items)
	k.Help.SetEnabled(browsing)
	if s.fullHelp {
		k.Help.SetHelp("?", "close help")
		k.Pick.SetHelp("p", k.pickDesc)
	} else {
		k.Help.SetHelp("?", "help")
		k.Pick.SetHelp("p", "pick")
		if onDetail && s.variants {
			k.Pick.SetHelp("p", "pick variant")
		}
	}
	k.Quit.SetEnabled(!s.prompting && !s.filtering && !s.confirming && !s.facetBar)
	k.ForceQuit.SetEnabled(true)

	k.Download.SetEnabled(browsing && s.items && s.downloads)
	if onDetail && s.variants {
		k.Download.SetHelp("d", "download variant")
	} else {
		k.Download.SetHelp("d", "download")
	}
	k.CancelDownload.SetEnabled(browsing && s.downloading)
	k.Confirm.SetEnabled(s.confirming)

	k.Submit.SetEnabled(s.prompting)
	k.Cancel.SetEnabled(s.prompting || s.confirming)
	k.Clear.SetEnabled(s.prompting)
	k.Retry.SetEnabled(s.fatal)
}

// ShortHelp is the one-line help: the keys that work now, most useful first,
// since the help line cuts what does not fit.
func (k KeyMap) ShortHelp() []key.Binding {
	focus, up, down := k.Focus, k.CtxUp, k.CtxDown
	if !k.focusShort {
		focus.SetEnabled(false)
	}
	if !k.ctxShort {
		up.SetEnabled(false)
		down.SetEnabled(false)
	}
	return []key.Binding{
		k.Retry, k.Submit, k.Confirm, k.Cancel, k.Clear, k.AcceptFilter, k.CancelFilter,
		k.FacetNext, k.FacetValue, k.FacetValueBack, k.FacetClear, k.FacetDone,
		k.Open, k.Back, focus, k.Worker, k.Filter, k.ClearFilter, k.Pick, k.Download, k.CancelDownload, k.Help, k.Quit,
		k.Card, up, down, k.Toggle, k.FitsOnly, k.HubURL, k.Search, k.Sort, k.Facets, k.Refresh,
	}
}

// FullHelp is the help `?` shows, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	up, down := k.CtxUp, k.CtxDown
	if k.ctxAny {
		up.SetEnabled(true)
		down.SetEnabled(true)
	}
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Open, k.Focus, k.Back, k.Card, k.HubURL, k.Worker, k.Filter},
		{k.ClearFilter, k.Toggle, k.FitsOnly, up, down, k.Search, k.Sort},
		{k.Facets, k.Refresh, k.Retry, k.Pick, k.Help, k.Quit, k.ForceQuit},
		{k.Submit, k.Cancel, k.Clear, k.Download, k.CancelDownload, k.Confirm},
		{k.FacetNext, k.FacetPrev, k.FacetValue, k.FacetValueBack, k.FacetClear, k.FacetDone},
	}
}

// fullHelpHeight is the most lines FullHelp can take, whatever is enabled,
// so that the layout does not move when the state does.
func (k KeyMap) fullHelpHeight() int {
	n := 0
	for _, g := range k.FullHelp() {
		n = max(n, len(g))
	}
	return n
}
