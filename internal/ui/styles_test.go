package ui

import (
	"bytes"
	"regexp"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"

	"github.com/modelbrowser/modelbrowser/internal/query"
)

// colourSGR matches an SGR sequence that sets a colour (30–37, 38;…,
// 40–47, 48;…, 90–97, 100–107).
var colourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]`)

func TestNoColorDrawsNoColour(t *testing.T) {
	for _, noColor := range []bool{false, true} {
		r := lipgloss.NewRenderer(&bytes.Buffer{})
		r.SetColorProfile(termenv.TrueColor)
		r.SetHasDarkBackground(true)
		st := defaultStyles(r, noColor)
		out := st.Compatible.Render("✓") + st.Incompatible.Render("✗") + st.ErrorBar.Render("error") +
			st.SelectedRow.Render("row") + st.Help.ShortKey.Render("q") + st.Subtle.Render("x")
		if noColor {
			assert.NotRegexp(t, colourSGR, out, "NO_COLOR: no colour at all")
			assert.Contains(t, out, "\x1b[1m", "bold still marks what matters")
		} else {
			assert.Regexp(t, colourSGR, out)
		}
	}
}

func TestNoColorWholeScreen(t *testing.T) {
	r := lipgloss.NewRenderer(&bytes.Buffer{})
	r.SetColorProfile(termenv.TrueColor)
	prev := lipgloss.DefaultRenderer()
	lipgloss.SetDefaultRenderer(r)
	t.Cleanup(func() { lipgloss.SetDefaultRenderer(prev) })

	screens := func(noColor bool) []string {
		f := newFake(fixtureModels(), 50)
		m := New(Options{Query: query.Query{Text: "llm"}, Catalog: compatCatalog(), Searcher: f, Now: clock, NoColor: noColor})
		m, _ = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		m = run(t, m, m.Init())
		m = press(t, m, "enter")
		detail := m.View()
		m = press(t, m, "esc", "/", "q")
		filtering := m.View()
		m = press(t, m, "esc", "s")
		return []string{detail, filtering, m.View()}
	}
	for _, s := range screens(false) {
		assert.Regexp(t, colourSGR, s, "the screens do use colour normally")
	}
	for _, s := range screens(true) {
		assert.NotRegexp(t, colourSGR, s)
	}
}
