package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/list"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/rank"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// The facet bar (F): format, parameter range, a quant label present, and
// gated or not narrow the loaded results (rank.Facets), on top of
// compatible-only and before fits-only. They apply as they change; the
// list keeps loading pages while the screen is not full, as it does for
// compatible-only. A GGUF facet also asks the Hub for GGUF repos only
// (filter=gguf): a new search.

// facetField is one field of the bar.
type facetField int

const (
	fieldFormat facetField = iota
	fieldParams
	fieldQuant
	fieldGated
	facetFields // how many
)

// The values the fields cycle through; "" is any.
var (
	formatValues = []string{"", rank.FormatGGUF, rank.FormatSafetensors}
	gatedValues  = []string{"", rank.GatedOnly, rank.OpenOnly}
)

// facetBar is the bar's own state: open or not, the field with focus,
// the quant label being typed, and the Hub filter the GGUF facet added to
// the query (so that dropping the facet drops it, and never a filter the
// user asked for).
type facetBar struct {
	open      bool
	field     facetField
	quant     textinput.Model
	hubFilter string
}

func newFacetBar(st *Styles) facetBar {
	in := textinput.New()
	in.Prompt, in.Placeholder, in.CharLimit = "", "any, e.g. Q4_K_M", 40
	in.Cursor.Style, in.PlaceholderStyle = st.Prompt, st.Subtle
	in.Cursor.SetMode(cursor.CursorStatic)
	return facetBar{quant: in}
}

// typing reports whether keys are text: the quant field has focus.
func (b facetBar) typing() bool { return b.open && b.field == fieldQuant }

// focus moves the bar to field f, the quant input focused only there.
func (b *facetBar) focus(f facetField) tea.Cmd {
	b.field = (f + facetFields) % facetFields
	if b.field == fieldQuant {
		b.quant.CursorEnd()
		return b.quant.Focus()
	}
	b.quant.Blur()
	return nil
}

// setFacetState enables the bar's keys while it is open; the value keys
// not while the quant field takes text.
func (k *KeyMap) setFacetState(s keyState) {
	for _, b := range []*key.Binding{&k.FacetNext, &k.FacetPrev, &k.FacetClear, &k.FacetDone} {
		b.SetEnabled(s.facetBar)
	}
	k.FacetValue.SetEnabled(s.facetBar && !s.facetText)
	k.FacetValueBack.SetEnabled(s.facetBar && !s.facetText)
}

// openFacets opens the bar on its first field.
func (m Model) openFacets() (Model, tea.Cmd) {
	m.bar.open = true
	m.bar.quant.SetValue(m.list.facets.Quant)
	next := m.bar.focus(fieldFormat)
	return m, next
}

// facetKey handles a key while the bar is open.
func (m Model) facetKey(k tea.KeyMsg) (Model, tea.Cmd) {
	f := m.list.facets
	switch {
	case key.Matches(k, m.keys.FacetDone):
		m.bar.open = false
		m.bar.quant.Blur()
		return m, nil
	case key.Matches(k, m.keys.FacetNext):
		next := m.bar.focus(m.bar.field + 1)
		return m, next
	case key.Matches(k, m.keys.FacetPrev):
		next := m.bar.focus(m.bar.field - 1)
		return m, next
	case key.Matches(k, m.keys.FacetClear):
		m.bar.quant.SetValue("")
		return m.applyFacets(rank.Facets{})
	case m.bar.field == fieldQuant:
		var cmd tea.Cmd
		m.bar.quant, cmd = m.bar.quant.Update(k)
		f.Quant = strings.TrimSpace(m.bar.quant.Value())
		m, apply := m.applyFacets(f)
		return m, tea.Batch(cmd, apply)
	case key.Matches(k, m.keys.FacetValue):
		return m.applyFacets(stepFacet(f, m.bar.field, +1))
	case key.Matches(k, m.keys.FacetValueBack):
		return m.applyFacets(stepFacet(f, m.bar.field, -1))
	}
	return m, nil
}

// stepFacet is f with field's value moved dir steps round its values.
func stepFacet(f rank.Facets, field facetField, dir int) rank.Facets {
	switch field {
	case fieldFormat:
		f.Format = cycleValue(formatValues, f.Format, dir)
	case fieldParams:
		f.Params = cycleValue(rank.Buckets, f.Params, dir)
	case fieldGated:
		f.Gated = cycleValue(gatedValues, f.Gated, dir)
	}
	return f
}

// cycleValue is the value dir steps from cur in vals, round; the first when cur
// is not among them.
func cycleValue[T comparable](vals []T, cur T, dir int) T {
	i := slices.Index(vals, cur)
	if i < 0 {
		return vals[0]
	}
	return vals[((i+dir)%len(vals)+len(vals))%len(vals)]
}

// applyFacets puts f in force: a new search when the Hub's filter changes
// with it (a GGUF facet on or off), else the loaded rows narrowed again,
// the cursor on its model.
func (m Model) applyFacets(f rank.Facets) (Model, tea.Cmd) {
	if f == m.list.facets {
		return m, nil
	}
	if q, changed := m.facetQuery(f); changed {
		m.list.facets = f
		return m.search(q, false)
	}
	cmd := m.list.setFacets(f)
	cmd = tea.Batch(cmd, m.followSelection())
	return m.asking(cmd, false)
}

// facetQuery is the query with the Hub filter f asks for: filter=gguf
// added for a GGUF facet (unless the query has it already), and taken
// away with the facet when the facet added it.
func (m *Model) facetQuery(f rank.Facets) (query.Query, bool) {
	q := m.query
	want := f.HubFilter()
	switch {
	case want == m.bar.hubFilter:
		return q, false
	case m.bar.hubFilter != "":
		drop := m.bar.hubFilter
		q.Filters = slices.DeleteFunc(slices.Clone(q.Filters), func(s string) bool { return s == drop })
		m.bar.hubFilter = ""
	}
	if want != "" && !slices.Contains(q.Filters, want) {
		q.Filters = append(slices.Clone(q.Filters), want)
		m.bar.hubFilter = want
	}
	return q, !q.Equal(m.query)
}

// setFacets narrows the rows by f; the cursor stays on its model when it
// stays visible, else on the nearest one after it.
func (l *listModel) setFacets(f rank.Facets) tea.Cmd {
	if f == l.facets {
		return nil
	}
	sel := l.selected()
	l.facets = f
	return l.reload(sel)
}

// narrow is items less those the facets hide; it notes which facet hides
// each, for the status line.
func (l *listModel) narrow(items []list.Item) []list.Item {
	l.facetOut = nil
	if l.facets.Any() {
		return items
	}
	kept := make([]list.Item, 0, len(items))
	for _, x := range items {
		it := x.(*item)
		if f := l.facets.Hides(rank.Entry{Judged: it.judged}); f != "" {
			if l.facetOut == nil {
				l.facetOut = map[*item]string{}
			}
			l.facetOut[it] = f
			continue
		}
		kept = append(kept, x)
	}
	return kept
}

// facetOrder is the order the status line counts the facets in.
var facetOrder = []string{rank.FacetFormat, rank.FacetParams, rank.FacetQuant, rank.FacetGated}

// facetStatus counts what each facet in force hides of the rows
// compatible-only shows (a row two facets hide counts for the first):
// "12 hidden by format, 0 by quant"; "" with no facet.
func (l listModel) facetStatus() string {
	f := l.facets
	if f.Any() {
		return ""
	}
	on := map[string]bool{rank.FacetFormat: f.Format != "", rank.FacetParams: !f.Params.Any(), rank.FacetQuant: f.Quant != "", rank.FacetGated: f.Gated != ""}
	n := map[string]int{}
	for _, name := range l.facetOut {
		n[name]++
	}
	var parts []string
	for _, name := range facetOrder {
		if !on[name] {
			continue
		}
		if len(parts) == 0 {
			parts = append(parts, fmt.Sprintf("%d hidden by %s", n[name], name))
		} else {
			parts = append(parts, fmt.Sprintf("%d by %s", n[name], name))
		}
	}
	return strings.Join(parts, ", ")
}

// facetBarView is the bar, in the header's line: each field with its
// value, the one with focus in brackets.
func (m Model) facetBarView() string {
	f := m.list.facets
	field := func(ff facetField, label, value string) string {
		if ff == m.bar.field {
			return m.styles.SelectedRow.Render("[" + label + ": " + value + "]")
		}
		return m.styles.Subtle.Render(label+":") + " " + value
	}
	format := f.Format
	if format == "" {
		format = "any"
	}
	quant := text.Sanitize(f.Quant)
	switch {
	case m.bar.field == fieldQuant:
		quant = m.bar.quant.View()
	case quant == "":
		quant = "any"
	}
	gated := map[string]string{"": "any", rank.GatedOnly: "gated only", rank.OpenOnly: "not gated"}[f.Gated]
	return strings.Join([]string{
		m.styles.Prompt.Render("facets:"),
		field(fieldFormat, "format", format),
		field(fieldParams, "parameters", rank.BucketName(f.Params)),
		field(fieldQuant, "quant", quant),
		field(fieldGated, "gated", gated),
	}, "  ")
}
