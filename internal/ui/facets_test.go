package ui

import (
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/rank"
)

// pressMsg sends keys the names of press do not cover (→, ←, shift+tab,
// ctrl+x), running what each asks for.
func pressMsg(t testing.TB, m Model, keys ...tea.KeyType) Model {
	t.Helper()
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = update(m, tea.KeyMsg{Type: k})
		m = run(t, m, cmd)
	}
	return m
}

// modelsOf are the loaded models with these ids.
func modelsOf(m Model, ids []string) []compat.Model {
	var out []compat.Model
	for _, id := range ids {
		out = append(out, m.list.byID[id].judged.Model)
	}
	return out
}

// Each facet narrows the loaded rows to the models it keeps, and the
// status line counts what it hid; the Hub is asked nothing more.
func TestEachFacetNarrowsTheLoadedResults(t *testing.T) {
	for name, tc := range map[string]struct {
		keys   func(t *testing.T, m Model) Model
		keeps  func(m compat.Model) bool
		status string
		header string
		want   []string // exactly these, in load order (nil: not checked)
	}{
		"format safetensors": {
			keys:   func(t *testing.T, m Model) Model { return pressMsg(t, m, tea.KeyLeft) }, // any ← safetensors
			keeps:  func(m compat.Model) bool { return m.Formats.Has(compat.FormatSafetensors) },
			status: "3 hidden by format", // the GGUF repos, and the AWQ one the Hub gives no format for
			header: "facets: safetensors",
		},
		"parameters 1-4B": {
			keys: func(t *testing.T, m Model) Model {
				return press(t, pressMsg(t, m, tea.KeyTab), " ", " ") // ≤ 1B, then 1-4B
			},
			keeps:  func(m compat.Model) bool { v := m.Parameters.Value; return v >= 1e9 && v <= 4e9 },
			status: "7 hidden by parameters",
			header: "facets: 1-4B",
			want:   []string{"microsoft/Phi-3-mini-4k-instruct", "mallory/\x1b]0;pwned\x07tiny-\x1b[2Jllama\u009b2J\u202e"},
		},
		"quant typed": {
			keys: func(t *testing.T, m Model) Model {
				return press(t, pressMsg(t, m, tea.KeyTab, tea.KeyTab), "q4_k_m") // case and the paste aside
			},
			keeps: func(m compat.Model) bool {
				return slices.ContainsFunc(m.Files, func(f string) bool { return strings.Contains(f, "Q4_K_M") })
			},
			status: "8 hidden by quant",
			header: "facets: q4_k_m",
			want:   []string{"bartowski/Qwen2.5-7B-Instruct-GGUF"},
		},
		"gated only": {
			keys:   func(t *testing.T, m Model) Model { return press(t, pressMsg(t, m, tea.KeyShiftTab), " ") },
			keeps:  func(m compat.Model) bool { return m.IsGated() },
			status: "7 hidden by gated",
			header: "facets: gated",
			want:   []string{"meta-llama/Llama-3.1-8B-Instruct", "google/gemma-3-4b-it"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(fixtureModels(), 50)
			m := press(t, started(t, f, 120, 30), "c", "F") // every model, then the bar
			require.True(t, m.bar.open)
			m = tc.keys(t, m)
			m = press(t, m, "enter")
			require.False(t, m.bar.open, "enter closes the bar, the facets stay")
			ids := visibleIDs(m)
			require.NotEmpty(t, ids)
			for _, mod := range modelsOf(m, ids) {
				assert.True(t, tc.keeps(mod), "%s is shown", mod.ID)
			}
			for _, it := range m.list.all {
				if !slices.Contains(ids, it.judged.Model.ID) {
					assert.False(t, tc.keeps(it.judged.Model), "%s is hidden", it.judged.Model.ID)
				}
			}
			if tc.want != nil {
				assert.Equal(t, tc.want, ids)
			}
			view := ansi.Strip(m.View())
			assert.Contains(t, statusLine(m), tc.status)
			assert.Contains(t, view, tc.header)
			searches, _ := f.calls()
			assert.Len(t, searches, 1, "a local facet asks the Hub nothing")
		})
	}
}

// Facets combine with compatible-only and fits-only: each hides its own,
// the counts add up to what is loaded, and c and m work under facets.
func TestFacetsCombineWithCompatibleAndFitsOnly(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 120, 30)
	m = press(t, m, "F", "tab", " ", " ", " ", "enter") // parameters 4-9B
	require.Equal(t, rank.Range{Min: 4e9, Max: 9e9}, m.list.facets.Params)
	compatIn := visibleIDs(m)
	for _, mod := range modelsOf(m, compatIn) {
		assert.True(t, mod.Parameters.Value >= 4e9 && mod.Parameters.Value <= 9e9, mod.ID)
		assert.True(t, m.list.byID[mod.ID].compatible(), mod.ID)
	}
	// Compatible, 4-9B: Llama 8B, Qwen3-8B, Qwen2.5-7B GGUF, gemma 4B.
	assert.Len(t, compatIn, 4)
	assert.Contains(t, statusLine(m), "4 shown · 3 hidden as incompatible · 2 hidden by parameters")

	m = press(t, m, "c") // every model, still 4-9B
	all := visibleIDs(m)
	assert.Subset(t, all, compatIn)
	assert.Contains(t, all, "Qwen/Qwen2-VL-7B-Instruct", "incompatible, 8.3B")
	assert.Contains(t, statusLine(m), "5 shown · 6 compatible · 4 hidden by parameters")

	m = press(t, m, "c", "m") // compatible only, fits only, still 4-9B
	require.True(t, m.list.fitsOnly)
	fits := visibleIDs(m)
	assert.Subset(t, compatIn, fits)
	assert.Less(t, len(fits), len(compatIn), "16 GiB: the 8B safetensors are too big")
	for _, id := range fits {
		assert.False(t, m.list.unfit[m.list.byID[id]], id)
	}
	// fits-only counts only what the facets left: the parameters' count
	// does not change, and the sum is what is loaded.
	status := statusLine(m)
	assert.Contains(t, status, "3 hidden as incompatible · 2 hidden by parameters")
	var shown, tooBig int
	_, err := fmtSscan(status, &shown, &tooBig)
	require.NoError(t, err, status)
	assert.Equal(t, len(m.list.all), shown+3+2+tooBig, status)

	m = press(t, m, "F")
	m = pressMsg(t, m, tea.KeyCtrlX)
	m = press(t, m, "esc")
	assert.True(t, m.list.facets.Any(), "ctrl+x clears every facet")
	assert.NotContains(t, statusLine(m), "hidden by")
	assert.NotContains(t, ansi.Strip(m.View()), "facets:")
}

// fmtSscan reads "N shown" and "M hidden as too big" from a status line.
func fmtSscan(status string, shown, tooBig *int) (int, error) {
	n := 0
	for _, part := range strings.Split(status, " · ") {
		var v int
		var rest string
		if _, err := sscan(part, &v, &rest); err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(rest, "shown"):
			*shown, n = v, n+1
		case strings.HasPrefix(rest, "hidden as not fitting"):
			*tooBig, n = v, n+1
		}
	}
	if n != 2 {
		return n, assert.AnError
	}
	return n, nil
}

// sscan is "N rest…" split at the first space.
func sscan(part string, v *int, rest *string) (int, error) {
	num, r, ok := strings.Cut(strings.TrimSpace(part), " ")
	if !ok {
		return 0, assert.AnError
	}
	x := 0
	for _, c := range num {
		if c < '0' || c > '9' {
			return 0, assert.AnError
		}
		x = x*10 + int(c-'0')
	}
	*v, *rest = x, r
	return 2, nil
}

// A facet keeps the cursor on its model while it stays shown, and on the
// nearest one after it when it is hidden.
func TestFacetKeepsTheCursorOnItsModel(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 120, 30)
	m = press(t, m, "c", "j", "j") // bartowski/Qwen2.5-7B-Instruct-GGUF
	require.Equal(t, "bartowski/Qwen2.5-7B-Instruct-GGUF", selectedID(m))
	m = press(t, m, "F", "tab", "tab", "Q", "4", "_", "K", "enter")
	assert.Equal(t, "bartowski/Qwen2.5-7B-Instruct-GGUF", selectedID(m), "it stays shown: the cursor stays on it")

	m = press(t, m, "F", "tab", "tab", "backspace", "backspace", "backspace", "backspace", "enter")
	assert.Equal(t, "", m.list.facets.Quant)
	assert.Equal(t, "bartowski/Qwen2.5-7B-Instruct-GGUF", selectedID(m), "the facet gone, still on it")

	m = press(t, m, "F")
	m = pressMsg(t, m, tea.KeyShiftTab) // gated
	m = press(t, m, " ", "enter")       // gated only: Llama and gemma
	assert.Equal(t, "google/gemma-3-4b-it", selectedID(m), "hidden: the next shown after it in load order")
}

// A GGUF facet asks the Hub again with filter=gguf; leaving it drops the
// filter the facet added, never one the user asked for.
func TestGGUFFacetNarrowsTheHubQuery(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := started(t, f, 120, 30)
	m = press(t, m, "F", " ") // format: gguf
	searches, _ := f.calls()
	require.Len(t, searches, 2, "a new search")
	assert.Equal(t, []string{"gguf"}, searches[1].q.Filters)
	assert.Equal(t, "llm", searches[1].q.Text, "the same search otherwise")
	assert.True(t, m.bar.open, "the bar stays open over the new search")
	m = press(t, m, "enter")
	for _, mod := range modelsOf(m, visibleIDs(m)) {
		assert.True(t, mod.Formats.Has(compat.FormatGGUF), mod.ID)
	}
	view := ansi.Strip(m.View())
	assert.Contains(t, view, "[gguf]", "the query names its filter")
	assert.Contains(t, view, "facets: gguf")

	m = press(t, m, "s", "enter") // a new search keeps the facet's filter
	searches, _ = f.calls()
	assert.Equal(t, []string{"gguf"}, searches[len(searches)-1].q.Filters)

	m = press(t, m, "F", " ") // safetensors: the Hub cannot narrow by it
	searches, _ = f.calls()
	assert.Empty(t, searches[len(searches)-1].q.Filters, "the facet's filter went with it")
	n := len(searches)
	m = press(t, m, " ") // any: nothing to ask the Hub
	searches, _ = f.calls()
	assert.Len(t, searches, n)

	// The user's own filter=gguf: the facet adds nothing, and takes nothing.
	f = newFake(fixtureModels(), 50)
	m = newTestModelWith(f, 120, 30, func(o *Options) { o.Query.Filters = []string{"gguf"} })
	m = run(t, m, m.Init())
	m = press(t, m, "F", " ")
	require.Equal(t, rank.FormatGGUF, m.list.facets.Format)
	m = press(t, m, " ")
	searches, _ = f.calls()
	assert.Len(t, searches, 1, "the query had filter=gguf already")
	assert.Equal(t, []string{"gguf"}, m.query.Filters)
}

// While facets hide most of what is loaded, the list keeps loading pages
// until the screen is full, a few pages in a row at most, as it does for
// compatible-only.
func TestFacetsLoadPagesUntilTheScreenIsFull(t *testing.T) {
	f := newFake(genModels(0, 3000), 20)
	m := started(t, f, 120, 30)
	// Two models in ten are GGUF repos with a Q4_K_M file, and 6 in 70
	// are 4-9B: together they keep fewer than two in a hundred.
	m = press(t, m, "F", "tab", " ", " ", " ", "tab", "Q4_K_")
	before, _ := f.calls()
	m = press(t, m, "M")
	after, _ := f.calls()
	assert.Greater(t, len(after), len(before), "more pages were asked for")
	assert.LessOrEqual(t, len(after)-len(before), maxAutoPages+1, "a few in a row at most")
	assert.Less(t, len(visibleIDs(m)), m.list.list.Paginator.PerPage, "the screen is not full: the pages stopped at the limit")
	assert.NotEmpty(t, visibleIDs(m))
	for _, mod := range modelsOf(m, visibleIDs(m)) {
		assert.True(t, mod.Parameters.Value >= 4e9 && mod.Parameters.Value <= 9e9, mod.ID)
	}
}

// While the quant field has focus, keys are text: q types, it does not
// quit; the bar's keys are in the help line, the browsing ones are not.
func TestFacetBarKeys(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 120, 30)
	m = press(t, m, "F")
	help := lastLine(ansi.Strip(m.View()))
	for _, want := range []string{"tab next facet", "→/space next value", "ctrl+x clear facets", "enter close facets"} {
		assert.Contains(t, help, want)
	}
	assert.NotContains(t, help, "q quit")
	m = press(t, m, "tab", "tab")
	var cmd tea.Cmd
	m, cmd = update(m, keyMsg("q"))
	assert.False(t, quits(cmd), "q is text in the quant field")
	assert.Equal(t, "q", m.list.facets.Quant)
	assert.NotContains(t, lastLine(ansi.Strip(m.View())), "→/space next value", "no values to cycle in a text field")
	m = press(t, m, "esc")
	assert.False(t, m.bar.open)
	assert.Equal(t, "q", m.list.facets.Quant, "esc closes the bar, the facets stay")
	m = press(t, m, "?")
	assert.Contains(t, ansi.Strip(m.View()), "F      facets", "the full help documents F")
}

// The bar in the header line: the quant field being typed at 80 columns,
// the gated field at 120, with the rows the facets leave.
func TestViewFacetBar(t *testing.T) {
	for name, tc := range map[string]struct {
		w, h int
		keys []string
	}{
		"80x24_quant":  {80, 24, []string{"c", "F", "tab", " ", " ", " ", "tab", "Q8"}},
		"120x30_gated": {120, 30, []string{"c", "F", "tab", " ", " ", " ", "tab", "tab", " ", " "}},
	} {
		t.Run(name, func(t *testing.T) {
			m := started(t, newFake(fixtureModels(), 50), tc.w, tc.h)
			m = press(t, m, tc.keys...)
			requireGolden(t, m)
		})
	}
}

// A quant label is text: typed control characters do not reach it, and
// one that holds escapes anyway is drawn sanitized, in the header and in
// the bar.
func TestFacetQuantIsSanitized(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 120, 30)
	m = press(t, m, "F", "tab", "tab")
	m, _ = update(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Q4\x1b[2J"), Paste: true})
	assert.Equal(t, "Q4[2J", m.list.facets.Quant)

	m = press(t, m, "esc")
	m, _ = m.applyFacets(rank.Facets{Quant: "Q4\x1b]0;pwned\x07\u009b2J"})
	for name, view := range map[string]string{"header": m.View(), "bar": press(t, m, "F").View()} {
		assert.NotContains(t, view, "\x1b]0;", name)
		assert.NotContains(t, view, "\u009b", name)
		assert.Contains(t, view, "Q4", name)
	}
}
