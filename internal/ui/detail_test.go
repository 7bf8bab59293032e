package ui

import (
	"errors"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

func TestDetailLoadsInBackgroundAndIsCached(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := startedPaneOnly(t, f, 80, 24)

	m, cmd := update(m, keyMsg("enter"))
	assert.True(t, m.detailVisible())
	assert.True(t, m.detail.loading)
	assert.Contains(t, m.View(), "loading details")
	details := messagesOfType[detailFetchedMsg](cmd)
	require.Len(t, details, 1)
	assert.Equal(t, "meta-llama/Llama-3.1-8B-Instruct", details[0].id)

	m, _ = update(m, details[0])
	assert.False(t, m.detail.loading)
	it := m.list.selected()
	require.True(t, it.detailed)
	assert.Equal(t, int64(131072), it.judged.Model.ContextLength.Value)
	assert.Equal(t, "128k", it.context, "the row is recomputed too")
	view := m.View()
	assert.Contains(t, view, "context length")

	// Close and open again: no second request.
	m = press(t, m, "esc", "enter")
	_, calls := f.calls()
	assert.Equal(t, []string{"meta-llama/Llama-3.1-8B-Instruct"}, calls)
}

func TestStaleDetailDropped(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := startedPaneOnly(t, f, 80, 24)
	m, cmd := update(m, keyMsg("enter"))
	late := messagesOfType[detailFetchedMsg](cmd)
	require.Len(t, late, 1)

	// A new search replaces the list before the answer arrives.
	m = press(t, m, "r")
	require.Len(t, m.list.all, 9)
	m, _ = update(m, late[0])
	assert.False(t, m.list.byID[late[0].id].detailed, "an answer to an older search is dropped")
	assert.False(t, m.detailOpen)

	// Opening it again asks again, under the new search.
	m, cmd = update(m, keyMsg("enter"))
	again := messagesOfType[detailFetchedMsg](cmd)
	require.Len(t, again, 1)
	assert.Equal(t, m.seq, again[0].seq)
}

func TestLateDetailForAnotherModelNotShown(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := startedPaneOnly(t, f, 140, 40) // wide: the detail follows the cursor
	m, cmd := update(m, keyMsg("enter"))
	first := messagesOfType[detailFetchedMsg](cmd)
	require.Len(t, first, 1)
	m, cmd = update(m, keyMsg("tab")) // back to the list, the detail stays beside it
	m, cmd = update(m, keyMsg("down"))
	second := messagesOfType[detailFetchedMsg](cmd)
	require.Len(t, second, 1)
	require.Equal(t, "Qwen/Qwen3-8B", m.detail.it.judged.Model.ID)

	m, _ = update(m, first[0])
	assert.Equal(t, "Qwen/Qwen3-8B", m.detail.it.judged.Model.ID, "the late answer does not take over the pane")
	assert.True(t, m.detail.loading, "the pane still waits for its own model")
	m, _ = update(m, second[0])
	assert.False(t, m.detail.loading)
}

func TestWCyclesWorkersRecommendedFirst(t *testing.T) {
	cat := compat.DefaultCatalog()
	cat.Machine = compat.Machine{OS: "linux", Arch: "amd64", CUDA: true}
	m := New(Options{Catalog: cat, Searcher: newFake(fixtureModels(), 50), Now: clock})
	m, _ = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = run(t, m, m.Init())
	m = press(t, m, "enter")
	require.Equal(t, "llm-worker-rbee-cuda", m.detail.worker, "the recommended worker first")

	var seen []string
	for range 6 {
		seen = append(seen, m.detail.worker+"/"+m.list.worker)
		m = press(t, m, "w")
	}
	assert.Equal(t, []string{"llm-worker-rbee-cuda/", "llm-worker-rbee-cpu/llm-worker-rbee-cpu", "llm-worker-rbee-cuda/llm-worker-rbee-cuda",
		"llm-worker-rbee-metal/llm-worker-rbee-metal", "llm-worker-rbee-rocm/llm-worker-rbee-rocm", "llm-worker-rbee-cuda/"}, seen,
		"each model's recommended worker, then the catalog's in order, and back")
	assert.Contains(t, m.View(), "Worker llm-worker-rbee-cpu")
	_, cmd := update(m, keyMsg("p"))
	require.True(t, quits(cmd))
	m2, _ := update(m, keyMsg("p"))
	assert.Equal(t, "llm-worker-rbee-cpu", m2.result.Worker, "the pick carries the worker shown")
}

func TestDetailErrorInFooter(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	f.detailErr["meta-llama/Llama-3.1-8B-Instruct"] = errors.New("403 gated repo")
	m := started(t, f, 80, 24)
	m = press(t, m, "enter")
	assert.Equal(t, "could not load details of meta-llama/Llama-3.1-8B-Instruct: 403 gated repo", m.footerErr)
	assert.Contains(t, m.View(), "error: could not load details of meta-llama/Llama-3.1-8B-Instruct: 403")
	assert.True(t, m.detailOpen, "the pane stays, with what the search gave")
	m = press(t, m, "j")
	assert.Empty(t, m.footerErr)
}

func TestTabMovesFocus(t *testing.T) {
	t.Run("wide: the detail stays beside the list", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 140, 30)
		m = press(t, m, "tab")
		require.True(t, m.detailVisible())
		require.Equal(t, focusDetail, m.focus)
		// Up and down move over the fit table's variants there; page keys scroll.
		m = press(t, m, "pgdown")
		assert.Positive(t, m.detail.vp.YOffset, "keys scroll the focused detail")
		assert.Equal(t, 0, m.list.list.Index(), "not the list")

		m = press(t, m, "tab", "j")
		assert.Equal(t, focusList, m.focus)
		assert.True(t, m.detailVisible())
		assert.Equal(t, 1, m.list.list.Index())
		assert.Equal(t, "Qwen/Qwen3-8B", m.detail.it.judged.Model.ID, "the detail follows the cursor")
		assert.Equal(t, 0, m.detail.vp.YOffset, "from the top for a new model")
	})
	t.Run("narrow: one pane at a time", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 80, 24)
		m = press(t, m, "tab")
		assert.True(t, m.detailVisible())
		m = press(t, m, "tab")
		assert.False(t, m.detailOpen)
		assert.Contains(t, m.View(), "MODEL")
	})
}

// TestBadgeIgnoresUnknownContext: a context nobody looked up yet is no
// warning in the list ("!" on every safetensors row said nothing); other
// warnings are, and a context the list looks up by itself updates the
// badge and the CTX column, without opening the model.
func TestBadgeIgnoresUnknownContext(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m, lookups := firstPageIn(t, f, 80, 24)
	badges := func(m Model) map[string]string {
		out := map[string]string{}
		for _, it := range m.list.all {
			out[it.judged.Model.ID] = string(it.mark()) + " " + it.context
		}
		return out
	}
	before := badges(m)
	assert.Equal(t, "✓ ?", before["Qwen/Qwen3-8B"], "only CTX_UNKNOWN: no warning in the list")
	assert.Equal(t, "✓ ?", before["microsoft/Phi-3-mini-4k-instruct"])
	assert.Equal(t, "! ?", before["meta-llama/Llama-3.1-8B-Instruct"], "GATED still warns")
	assert.Equal(t, "! ?", before["google/gemma-3-4b-it"], "GATED still warns")
	assert.Equal(t, "✓ 32k", before["bartowski/Qwen2.5-7B-Instruct-GGUF"])
	assert.Contains(t, m.View(), "✓ Qwen/Qwen3-8B")

	// The lookups answer: 40960 is over the workers' 32768.
	m = run(t, m, lookups)
	after := badges(m)
	assert.Equal(t, "! 40k", after["Qwen/Qwen3-8B"], "CTX_EXCEEDS_WORKER warns")
	assert.Equal(t, "✓ 4k", after["microsoft/Phi-3-mini-4k-instruct"])
	assert.Equal(t, "! 128k", after["meta-llama/Llama-3.1-8B-Instruct"])
	assert.False(t, m.detailOpen, "no model was opened")
	view := m.View()
	assert.Contains(t, view, "! Qwen/Qwen3-8B")
	assert.Contains(t, view, "40k")
}

// TestDetailListsUnknownContextOnceLookedUp: the detail pane does not
// list CTX_UNKNOWN while the context is being read, and does once the
// lookup is over and it is still unknown (config.json gated or missing, or
// the request failed).
func TestDetailListsUnknownContextOnceLookedUp(t *testing.T) {
	const qwen, phi = "Qwen/Qwen3-8B", "microsoft/Phi-3-mini-4k-instruct"
	f := newFake(fixtureModels(), 50)
	f.noConfig[qwen] = true
	f.detailErr[phi] = errors.New("502 Bad Gateway")
	m, lookups := firstPageIn(t, f, 80, 40)

	m, _ = update(m, keyMsg("j"))
	m, cmd := update(m, keyMsg("enter"))
	require.True(t, m.detail.loading, "the list's lookup of Qwen3-8B is on its way")
	assert.Empty(t, messagesOfType[detailFetchedMsg](cmd), "and is not asked twice")
	loading := m.View()
	assert.NotContains(t, loading, "CTX_UNKNOWN", "not a warning while the lookup runs")
	assert.Contains(t, loading, "✓ compatible · confidence")
	assert.Contains(t, loading, "not read yet (needs config.json)")

	m = run(t, m, lookups)
	assert.False(t, m.detail.loading)
	assert.Empty(t, m.footerErr, "a lookup the list made by itself fails quietly")
	done := m.View()
	assert.Contains(t, done, "CTX_UNKNOWN", "config.json could not be read: a real warning")
	assert.Contains(t, done, "! compatible, with warnings")
	assert.Contains(t, done, "could not be read")
	assert.Equal(t, compat.MarkWarnings, m.list.selected().mark(), "looked up, the list counts it as the detail and check do")

	m = press(t, m, "esc", "j", "j", "j", "enter") // Phi-3: its lookup failed; opening asks again
	require.Equal(t, phi, m.detail.it.judged.Model.ID)
	assert.Contains(t, m.footerErr, "502 Bad Gateway")
	assert.Contains(t, m.View(), "CTX_UNKNOWN")
	_, calls := f.calls()
	assert.Equal(t, 2, count(calls, phi), "once by the list, once by the pane")
}

func count(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}
