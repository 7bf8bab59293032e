package main

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/ui"
)

// TestOneModelEverySurface renders each model's verdict and fit through
// every surface with the same flags (--memory 8GiB) and compares the
// words: search's mark, search --fit's mark and FIT cell, check's verdict
// words and level, the JSON's mark (search and check) and level, and the
// browser's list row (mark and FIT cell). One model, one mark, one FIT
// cell.
func TestOneModelEverySurface(t *testing.T) {
	// One author's models keep the GGUF headers the fake Hub renders in
	// this process few (see freeHeadersAfter).
	models := map[string]struct{ mark, fitGlyph string }{
		"Qwen/Qwen2.5-7B-Instruct":        {"✓", "✗"}, // compatible; too big (its MEM_TOO_BIG is the fit's, not the verdict's)
		"Qwen/Qwen3-0.6B":                 {"!", "✓"}, // CTX_EXCEEDS_WORKER
		"Qwen/Qwen2.5-0.5B-Instruct-GGUF": {"✓", "✓"},
		"Qwen/Qwen3-8B-GGUF":              {"!", "✗"},
		"Qwen/Qwen2-VL-7B-Instruct":       {"✗", "-"}, // no worker runs qwen2_vl
	}
	// The commands run as the binary, so that what they read lives in
	// their own processes, not in this one (see freeHeadersAfter).
	b := newBin(t)
	freeHeadersAfter(t, b.hub)
	const mem = "8GiB"
	run := func(args ...string) string {
		t.Helper()
		r := b.run(args...)
		require.Equal(t, exitOK, r.code, "%s", r)
		return r.stdout
	}
	plain := run("search", "--all", "--author", "Qwen")
	withFit := run("search", "--all", "--author", "Qwen", "--fit", "--memory", mem)
	js := run("search", "--all", "--author", "Qwen", "--fit", "--memory", mem, "--json")
	var doc []struct {
		ID   string       `json:"id"`
		Mark string       `json:"mark"`
		Fit  *fit.Summary `json:"fit"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &doc))
	levels, jsonMarks := map[string]*fit.Summary{}, map[string]string{}
	for _, d := range doc {
		levels[d.ID], jsonMarks[d.ID] = d.Fit, d.Mark
	}
	word := map[string]string{"✓": "compatible", "!": "warnings", "✗": "incompatible"}
	browser := browserRows(t, b.vars, mem)

	for id, want := range models {
		t.Run(id, func(t *testing.T) {
			mark, _ := tableRow(t, plain, id)
			assert.Equal(t, want.mark, mark, "search")
			markFit, cell := tableRow(t, withFit, id)
			assert.Equal(t, want.mark, markFit, "search --fit: the same mark")
			assert.True(t, strings.HasPrefix(cell, want.fitGlyph), "search --fit's FIT %q", cell)

			r := b.run("check", id, "--memory", mem)
			require.Contains(t, []int{exitOK, exitNegative}, r.code, "%s", r)
			out := r.stdout
			lines := strings.SplitN(out, "\n", 4)
			require.Len(t, lines, 4, "%s", out)
			assert.Equal(t, "  https://huggingface.co/"+id, lines[1], "check: the Hub page under the id")
			words := strings.Fields(lines[2])[0]
			assert.Equal(t, want.mark, words, "check: %s", out)
			assert.Equal(t, word[want.mark], jsonMarks[id], "search --json's mark")
			r = b.run("check", id, "--memory", mem, "--json")
			require.Contains(t, []int{exitOK, exitNegative}, r.code, "%s", r)
			var chk struct {
				Mark string `json:"mark"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &chk))
			assert.Equal(t, word[want.mark], chk.Mark, "check --json's mark")

			row, ok := browser[id]
			require.True(t, ok, "%s in the browser", id)
			assert.Equal(t, want.mark, row.mark, "the browser's list")
			assert.Equal(t, cell, row.fit, "the browser's FIT cell is search --fit's")

			sum := levels[id]
			if want.fitGlyph == "-" {
				assert.Nil(t, sum, "JSON: no fit for an incompatible model")
				return
			}
			require.NotNil(t, sum)
			require.NotNil(t, sum.Level)
			assert.Equal(t, want.fitGlyph, sum.Level.Glyph(), "JSON's level is the FIT cell's")
			assert.Contains(t, out, sum.Level.Words(), "check names the level in the same words")
		})
	}
}

// freeHeadersAfter hands the GGUF headers h's fake Hub rendered in this
// process (tens of MiB) back to the OS when the test ends, so that
// TestBinaryEndlessBody's RSS bound reads its child (os/exec's vfork
// counts the parent's pages): the testing package may keep the test's
// cleanups, and the Server with them, so its header cache is dropped
// (AddRepos of nothing empties it) before the memory is freed.
func freeHeadersAfter(t *testing.T, hub *hubtest.Server) {
	t.Cleanup(func() {
		hub.AddRepos()
		debug.FreeOSMemory()
	})
}

// tableRow is a search table's row for id: its mark and, with --fit, its
// FIT cell (the last column, from its glyph on).
func tableRow(t *testing.T, table, id string) (mark, fitCell string) {
	t.Helper()
	withFit := strings.HasSuffix(strings.SplitN(table, "\n", 2)[0], "FIT")
	for _, l := range strings.Split(table, "\n") {
		f := strings.Fields(l)
		if len(f) < 3 || f[2] != id {
			continue
		}
		if withFit {
			cut := -1
			for _, g := range []string{"✓", "✗", "?", "~", "↓", "-"} {
				cut = max(cut, strings.LastIndex(l, "  "+g))
			}
			require.GreaterOrEqual(t, cut, 0, "no FIT cell: %q", l)
			fitCell = strings.TrimSpace(l[cut:])
		}
		return f[0], fitCell
	}
	t.Fatalf("%s is not in the table:\n%s", id, table)
	return "", ""
}

type browserRow struct{ mark, fit string }

// browserRows are the browser's rows (all models shown) once every FIT
// cell is in: mark and FIT cell with its spaces collapsed, by id.
func browserRows(t *testing.T, vars map[string]string, mem string) map[string]browserRow {
	t.Helper()
	over, err := app.ParseOverrides(mem, "", "")
	require.NoError(t, err)
	e := env{getenv: func(k string) string { return vars[k] }, stderr: &bytes.Buffer{}}
	sess, err := app.Open(context.Background(), e.app(), app.Options{}, over, true, false)
	require.NoError(t, err)
	defer sess.Hub.Close()
	m := ui.New(ui.Options{Query: query.Query{Author: "Qwen", Sort: query.SortDownloads}, Catalog: sess.Catalog,
		Searcher: sess.Hub.Browser(), PickFormat: "id", Machine: sess.Machine.Fit})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(200, 50))
	waitForText(t, tm, "Qwen/Qwen2.5-7B-Instruct-GGUF")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("c")}) // show all
	var view string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		tm.Send(tea.WindowSizeMsg{Width: 200, Height: 50}) // a message: Update runs, the model settles
		if view = lastFrame(tm); strings.Contains(view, "Qwen/Qwen2-VL-7B-Instruct") && !strings.Contains(view, "…  ") && !strings.Contains(view, " … ") {
			break
		}
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(ui.Model)
	view = ansi.Strip(fm.View())
	lines := strings.Split(view, "\n")
	at := strings.Index(lines[1], "FIT")
	require.GreaterOrEqual(t, at, 0, "%s", view)
	col := ansi.StringWidth(lines[1][:at])
	rows := map[string]browserRow{}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		if len(f) < 3 {
			continue
		}
		mark, id := f[0], f[1]
		if mark == "›" {
			mark, id = f[1], f[2]
		}
		rows[id] = browserRow{mark: mark, fit: strings.Join(strings.Fields(ansi.Cut(l, col, col+19)), " ")}
	}
	return rows
}

// lastFrame is what the program has drawn so far.
func lastFrame(tm *teatest.TestModel) string {
	b := make([]byte, 1<<20)
	n, _ := tm.Output().Read(b)
	return ansi.Strip(string(b[:n]))
}
