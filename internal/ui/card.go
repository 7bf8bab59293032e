package ui

import (
	"fmt"
	"io"
	"maps"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/modelbrowser/modelbrowser/internal/card"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// The model card in the detail pane: `i` switches the pane between the
// verdict and files and the card. The card is fetched once per model and
// commit (Searcher.Card, in a tea.Cmd), kept by the root in m.cards, and
// rendered by the pane for its width, once per width.

// cardEntry is one model's card: on its way, in, or failed.
type cardEntry struct {
	loading bool
	card    card.Card
	err     string // sanitized; "" when none
}

// cardKey names a card: the model at the commit the list gave.
func cardKey(it *item) string { return it.judged.Model.ID + "@" + it.judged.Model.SHA }

// hubURL is the model's page on the Hub.
func hubURL(id string) string { return "https://huggingface.co/" + id }

// toggleCard switches the detail between the verdict and the card,
// opening the pane when it is closed, and fetches the card when it is
// not in.
func (m Model) toggleCard() (Model, tea.Cmd) {
	if m.list.selected() == nil {
		return m, nil
	}
	if !m.detailVisible() {
		m.detailOpen, m.focus = true, focusDetail
		m.detail.cardMode = true
	} else {
		m.detail.cardMode = !m.detail.cardMode
	}
	m.layout()
	next := m.followSelection()
	return m, next
}

// cardFor shows it's card in the pane when the pane shows cards, and
// asks for it when nobody has yet.
func (m *Model) cardFor(it *item) tea.Cmd {
	if it == nil || !m.detail.cardMode || !m.detailVisible() {
		return nil
	}
	k := cardKey(it)
	if e, ok := m.cards[k]; ok {
		m.detail.setCard(e)
		return nil
	}
	m.cards = maps.Clone(m.cards)
	if m.cards == nil {
		m.cards = map[string]*cardEntry{}
	}
	e := &cardEntry{loading: true}
	m.cards[k] = e
	m.detail.setCard(e)
	return tea.Batch(fetchCard(m.ctx, m.searcher, it.judged.Model), m.spinner.Tick)
}

// cardFetched keeps the card with its key, and shows it when the pane is
// on it.
func (m Model) cardFetched(msg cardFetchedMsg) (Model, tea.Cmd) {
	e := &cardEntry{card: msg.card}
	if msg.err != nil {
		e.err = text.Sanitize(msg.err.Error())
	}
	m.cards = maps.Clone(m.cards)
	if m.cards == nil {
		m.cards = map[string]*cardEntry{}
	}
	m.cards[msg.key] = e
	if it := m.list.selected(); it != nil && cardKey(it) == msg.key {
		m.detail.setCard(e)
	}
	return m, nil
}

// cardRender is a rendered card and what it was rendered for.
type cardRender struct {
	entry *cardEntry
	width int
	out   string
}

// setCard gives the pane the card of the model it shows.
func (d *detailModel) setCard(e *cardEntry) {
	if d.card != e {
		d.card = e
		if d.cardMode {
			d.render()
		}
	}
}

// cardContent is the card as the pane shows it: where it comes from, the
// front matter's fields, the body, and the note when it was cut; or what
// keeps it from showing.
func (d *detailModel) cardContent(width int) string {
	e := d.card
	id := d.it.id
	head := d.styles.Section.Render("Model card") + d.styles.Subtle.Render(" · README.md"+atCommit(d.it.judged.Model.SHA)+" · i: verdict and files")
	var b strings.Builder
	b.WriteString(ansi.Truncate(head, width, "…") + "\n\n")
	say := func(s string) { b.WriteString(ansi.Wrap(s, width, "") + "\n") }
	switch {
	case e == nil || e.loading:
		say("Loading the model card…")
		return b.String()
	case e.err != "":
		say(d.styles.Incompatible.Render("Could not load the model card: ") + e.err)
		return b.String()
	case e.card.Status == card.Missing:
		say("This repository has no model card (no README.md at this commit).")
		say(d.styles.Subtle.Render("Its page: " + hubURL(id)))
		return b.String()
	case e.card.Status == card.Gated:
		say(d.styles.Warning.Render("The model card is gated: ") + "the Hub shows it once the licence is accepted at " + hubURL(id) +
			" and HF_TOKEN holds a token with access.")
		if r := text.OneLine(e.card.Reason, 300); r != "" {
			say(d.styles.Subtle.Render("The Hub said: " + r))
		}
		return b.String()
	}
	if d.rendered.entry != e || d.rendered.width != width {
		d.rendered = cardRender{entry: e, width: width, out: d.renderCard(e.card.Text, width)}
	}
	b.WriteString(d.rendered.out)
	return b.String()
}

// renderCard renders a card's text: the fields, the body, the note.
func (d *detailModel) renderCard(raw string, width int) string {
	r := card.Render(raw, card.Options{Width: width, Style: d.styles.Card, Profile: d.styles.CardProfile})
	var b strings.Builder
	fields := r.Front.Fields()
	lw := 0
	for _, f := range fields {
		lw = max(lw, len(f[0]))
	}
	for _, f := range fields {
		line := d.styles.Label.Render(fmt.Sprintf("%-*s", lw+2, f[0])) + f[1]
		b.WriteString(ansi.Wrap(line, width, "") + "\n")
	}
	if r.Body == "" {
		b.WriteString("\n" + d.styles.Subtle.Render("The card has no text beyond its fields.") + "\n")
	} else {
		if len(fields) > 0 {
			b.WriteString("\n")
		}
		b.WriteString(r.Body + "\n")
	}
	if r.Note != "" {
		b.WriteString("\n" + d.styles.Warning.Render(ansi.Wrap(r.Note, width, "")) + "\n")
	}
	return b.String()
}

// atCommit names the commit a card was read at, shortened.
func atCommit(sha string) string {
	if len(sha) < 7 {
		return ""
	}
	return " at " + text.Sanitize(sha[:7])
}

// cardLoading reports whether the pane waits for the card it shows.
func (d detailModel) cardLoading() bool { return d.cardMode && d.card != nil && d.card.loading }

// showHubURL puts the highlighted model's Hub page on the status line
// (until the next key), as a link where the terminal shows OSC 8 links,
// and copies it with OSC 52 where the terminal takes it.
func (m Model) showHubURL() (Model, tea.Cmd) {
	it := m.list.selected()
	if it == nil {
		return m, nil
	}
	m.hubLink = hubURL(it.id)
	if m.clipboard == nil {
		return m, nil
	}
	return m, copyToClipboard(m.clipboard, m.hubLink)
}

// hubLinkView is the status line that u shows.
func (m Model) hubLinkView() string {
	shown := m.hubLink
	if m.links {
		shown = ansi.SetHyperlink(m.hubLink) + m.hubLink + ansi.ResetHyperlink()
	}
	after := ""
	if m.clipboard != nil {
		after = " (copied)"
	}
	return m.styles.StatusBar.Render("Hub page: ") + shown + m.styles.StatusBar.Render(after)
}

// copyToClipboard writes an OSC 52 sequence that sets the system
// clipboard to s, in one write, between two frames of the renderer.
func copyToClipboard(w io.Writer, s string) tea.Cmd {
	seq := ansi.SetSystemClipboard(s)
	return func() tea.Msg {
		_, _ = io.WriteString(w, seq)
		return nil
	}
}
