package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
)

// header is the first line of the screen, without styles.
func header(m Model) string { return strings.SplitN(ansi.Strip(m.View()), "\n", 2)[0] }

// TestWorkerIsTheListsChoice: w works from the list without a detail, the
// header names the worker shown, every FIT cell follows it, and a worker
// that cannot run here reads "not on this machine" where the model loads
// on it, never "-", which stays "incompatible".
func TestWorkerIsTheListsChoice(t *testing.T) {
	m := fitModel(t, newFake(fixtureModels(), 50), compat.DefaultCatalog(), testMachine(), 120, 30)
	require.False(t, m.detailOpen)
	require.True(t, m.keys.Worker.Enabled(), "w works from the list")
	assert.Contains(t, header(m), "worker cpu (recommended)")
	assert.Equal(t, "✓ Q8_0         7.5G", fitCellOf(t, m, ggufRepo))

	m = press(t, m, "w")
	assert.Equal(t, "llm-worker-rbee-cpu", m.list.worker)
	assert.Contains(t, header(m), "worker cpu ·", "chosen: no longer 'recommended'")
	assert.Equal(t, "✓ Q8_0         7.5G", fitCellOf(t, m, ggufRepo), "the same worker, the same cell")

	m = press(t, m, "w")
	require.Equal(t, "llm-worker-rbee-cuda", m.list.worker)
	assert.Contains(t, header(m), "worker cuda (not on this machine)")
	for _, id := range []string{ggufRepo, phi3, "meta-llama/Llama-3.1-8B-Instruct"} {
		assert.Equal(t, notHereCell, fitCellOf(t, m, id), "%s loads on cuda, which is not here", id)
	}
	m = press(t, m, "c") // show all: the incompatible ones too
	assert.Equal(t, "-", fitCellOf(t, m, "openai-community/gpt2"), "- stays incompatible")

	m = press(t, m, "w", "w", "w")
	assert.Empty(t, m.list.worker, "and back to each model's recommended worker")
	assert.Contains(t, header(m), "worker cpu (recommended)")
	assert.Equal(t, "✓ Q8_0         7.5G", fitCellOf(t, m, ggufRepo))
}

// TestWorkerNotHereDetailAndPick: the detail's files table follows the
// list's worker and names the flag that plans for it; p on a GGUF repo
// says why there is no pick instead of printing the bare repo; m hides
// what cannot run here, counted as not fitting.
func TestWorkerNotHereDetailAndPick(t *testing.T) {
	m := fitModel(t, newFake(fixtureModels(), 50), compat.DefaultCatalog(), testMachine(), 80, 40)
	m = press(t, m, "j", "j", "w", "w")
	require.Equal(t, ggufRepo, selectedID(m))
	require.Equal(t, "llm-worker-rbee-cuda", m.list.worker)

	m, cmd := update(m, keyMsg("p"))
	assert.False(t, quits(cmd), "no bare repo for a GGUF repo")
	assert.Contains(t, m.footerErr, "cuda is not on this machine; w picks another worker, or --vram SIZE plans for it")

	m = press(t, m, "enter")
	assert.Equal(t, "llm-worker-rbee-cuda", m.detail.worker, "the detail follows the list's worker")
	flat := strings.Join(strings.Fields(ansi.Strip(m.View())), " ")
	assert.Contains(t, flat, "llm-worker-rbee-cuda: not on this machine (it needs an NVIDIA GPU). --vram SIZE plans for one (e.g. --vram 24G)")

	m = press(t, m, "esc", "m")
	assert.Zero(t, m.list.visibleCount(), "nothing runs on cuda here")
	assert.Contains(t, lastStatus(m), "3 hidden as incompatible · 6 hidden as not fitting")
}

// TestWorkerPlannedWithFigures: with --memory, metal (not on this Linux
// machine) is judged for planning: real cells, the header says so, and a
// pick names the variant with its fit.
func TestWorkerPlannedWithFigures(t *testing.T) {
	m := fitModel(t, newFake(fixtureModels(), 50), compat.DefaultCatalog(), memory(16*fit.GiB), 80, 40)
	m = press(t, m, "j", "j", "w", "w", "w")
	require.Equal(t, "llm-worker-rbee-metal", m.list.worker)
	assert.Contains(t, header(m), "worker metal (planning)")
	cell := fitCellOf(t, m, ggufRepo)
	assert.NotEqual(t, notHereCell, cell)
	assert.Regexp(t, `^[✓~↓✗] \S+ +\d`, cell, "a level, a label and a size")

	m = press(t, m, "enter")
	flat := strings.Join(strings.Fields(ansi.Strip(m.View())), " ")
	assert.Contains(t, flat, "planning: llm-worker-rbee-metal cannot run on this machine")
	assert.Contains(t, flat, "metal offers", "what the planned machine offers")

	m, cmd := update(m, keyMsg("p"))
	require.True(t, quits(cmd))
	assert.True(t, strings.HasPrefix(m.result.Pick, ggufRepo+":"), m.result.Pick)
	assert.Equal(t, "llm-worker-rbee-metal", m.result.Worker)
	require.NotNil(t, m.result.Level)
	require.NotNil(t, m.result.Low)
	assert.NotNil(t, m.result.High)
}

// TestWorkerPlansCUDAWithVRAM: --vram stands for a GPU on any platform:
// cuda is judged on it, never "not on this machine".
func TestWorkerPlansCUDAWithVRAM(t *testing.T) {
	mach := memory(16 * fit.GiB)
	mach.OS = "macos"
	mach.GPUs = []fit.GPU{{Name: "--vram", Free: 24 * fit.GiB, Source: "--vram"}}
	m := fitModel(t, newFake(fixtureModels(), 50), compat.DefaultCatalog(), mach, 120, 30)
	m = press(t, m, "w", "w")
	require.Equal(t, "llm-worker-rbee-cuda", m.list.worker)
	assert.Contains(t, header(m), "worker cuda (planning)", "cuda does not run on macOS: planned")
	assert.Regexp(t, `^✓ \S+ +\d`, fitCellOf(t, m, ggufRepo))
}

// TestContextKeysFollowTheirSign: + never lowers the context and - never
// raises it, whatever the model's own context and the worker's limit.
func TestContextKeysFollowTheirSign(t *testing.T) {
	vals := []int64{0, 1024, 2048, 3000, 4096, 8192, 16384, 32768, 40960, 131072}
	for _, cur := range vals {
		for _, def := range vals {
			for _, limit := range []int64{0, 2048, 32768} {
				if limit > 0 && def > limit {
					continue // the default is capped at the limit
				}
				for _, dir := range []int{+1, -1} {
					n := stepContext(cur, def, limit, dir)
					at, eff := cur, n
					if at == 0 {
						at = def
					}
					if n == 0 {
						eff = def
					}
					if at == 0 || eff == 0 {
						continue
					}
					if dir > 0 {
						assert.GreaterOrEqual(t, eff, at, "+ from %d (model %d, limit %d)", cur, def, limit)
					} else {
						assert.LessOrEqual(t, eff, at, "- from %d (model %d, limit %d)", cur, def, limit)
					}
				}
			}
		}
	}
	// The case: a 2k model, 16k chosen: + goes to 32k.
	assert.Equal(t, int64(32768), stepContext(16384, 2048, 32768, +1))
}

// TestHelpExplainsTheContext: ? says what the header's "ctx model (≤32k)"
// means.
func TestHelpExplainsTheContext(t *testing.T) {
	m := fitModel(t, newFake(fixtureModels(), 50), compat.DefaultCatalog(), testMachine(), 120, 30)
	assert.Contains(t, header(m), "ctx model (≤32k)")
	assert.NotContains(t, ansi.Strip(m.View()), "each model's own context")
	m = press(t, m, "?")
	assert.Contains(t, ansi.Strip(m.View()), "ctx model (≤32k): each model's own context, up to the worker's limit")
	m = press(t, m, "?", "-")
	assert.Contains(t, header(m), "ctx 16k", "a number once chosen")
}

// TestTicksAskForNothing: loading follows the messages that change what
// is on screen; a spinner's tick, however many, asks the Hub for nothing,
// while a new size does.
func TestTicksAskForNothing(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := newTestModel(f, 120, 30)
	m.list.req.maxFacts, m.list.req.maxLookups = 0, 0 // nothing asked while the page comes in
	pages := messagesOfType[pageFetchedMsg](m.Init())
	require.Len(t, pages, 1)
	m, _ = update(m, pages[0])
	m.list.req.maxFacts, m.list.req.maxLookups = defaultFactLookups, defaultLookups

	m, cmd := update(m, spinner.TickMsg{})
	assert.Empty(t, messagesOfType[factsFetchedMsg](cmd), "a tick asks for no facts")
	assert.Empty(t, messagesOfType[detailFetchedMsg](cmd), "nor details")
	assert.Zero(t, m.list.req.facts)

	m, cmd = update(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	assert.NotEmpty(t, messagesOfType[factsFetchedMsg](cmd), "the rows in view are asked for")
	assert.Positive(t, m.list.req.facts)
}

// TestShortWorker: the header names a worker without the prefix every
// catalog worker shares, whole when that would leave two alike or nothing.
func TestShortWorker(t *testing.T) {
	cat := func(names ...string) fitConfig {
		var c compat.Catalog
		for _, n := range names {
			c.Workers = append(c.Workers, compat.Worker{Name: n, Device: "cpu"})
		}
		return fitConfig{catalog: c}
	}
	tests := []struct {
		cfg        fitConfig
		name, want string
	}{
		{fitConfig{catalog: compat.DefaultCatalog()}, "llm-worker-rbee-cuda", "cuda"},
		{cat("llm-cpu", "llm-cuda"), "llm-cuda", "cuda"}, // whole words: not "uda"
		{cat("alone"), "alone", "alone"},
		{cat("a", "b"), "b", "b"},
		{cat("w-", "w-x"), "w-", "w-"}, // nothing would be left of one
		{cat("x-1", "x-1-big"), "x-1-big", "1-big"},
		{cat("k-\x1b[2Jz", "k-y"), "k-\x1b[2Jz", "z"}, // sanitized
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.cfg.shortWorker(tt.name), "%q", tt.name)
	}
}
