package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/query"
)

// Goldens of the settled screen, ANSI stripped (the profile is pinned to
// ASCII in TestMain anyway). Regenerate with `go test ./internal/ui -update`.

func requireGolden(t *testing.T, m Model) {
	t.Helper()
	golden.RequireEqual(t, []byte(ansi.Strip(m.View())))
}

func TestViewList(t *testing.T) {
	for name, size := range map[string][2]int{"80x24": {80, 24}, "120x40": {120, 40}, "30x8": {30, 8}, "40x10": {40, 10}} {
		t.Run(name, func(t *testing.T) {
			m := started(t, newFake(fixtureModels(), 50), size[0], size[1])
			m = press(t, m, "j")
			requireGolden(t, m)
		})
	}
}

func TestViewAllModels(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 80, 24)
	m = press(t, m, "c")
	requireGolden(t, m)
}

func TestViewDetail(t *testing.T) {
	t.Run("80x24", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 80, 24)
		m = press(t, m, "enter")
		requireGolden(t, m)
	})
	t.Run("80x24 scrolled", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 80, 24)
		m = press(t, m, "enter", "pgdown")
		requireGolden(t, m)
	})
	// The pane beside the list at its narrowest terminal, scrolled to the
	// Workers table, and the same full screen: every limit whole.
	t.Run("110x24 workers", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 110, 24)
		m = press(t, m, "enter", "pgdown", "pgdown")
		require.Contains(t, m.View(), "› llm-worker-rbee-cpu   ! high  safetensors     32k")
		requireGolden(t, m)
	})
	t.Run("80x24 workers", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 80, 24)
		m = press(t, m, "enter", "pgdown", "pgdown") // the fit section grew by its warnings: the table is a page further
		require.Contains(t, m.View(), "› llm-worker-rbee-cpu   ! high  safetensors     32k")
		requireGolden(t, m)
	})
	t.Run("120x40", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 120, 40)
		m = press(t, m, "j", "j", "enter")
		requireGolden(t, m)
	})
	// The fit table of a GGUF repo, its cursor one below the best, full
	// screen and beside the list at a smaller context.
	t.Run("80x24 fit table", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 80, 24)
		m = press(t, m, "j", "j", "enter", "j")
		require.Equal(t, "Q4_K_M", m.detail.highlighted().Name)
		require.Contains(t, m.View(), "› Q4_K_M", "the cursor's row is scrolled into view")
		requireGolden(t, m)
	})
	t.Run("120x40 fit table at 8k", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 120, 40)
		m = press(t, m, "j", "j", "enter", "-", "-")
		require.Equal(t, int64(8192), m.list.context)
		requireGolden(t, m)
	})
	t.Run("120x40 incompatible", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 120, 40)
		m = press(t, m, "c", "j", "j", "j", "enter")
		requireGolden(t, m)
	})
	t.Run("120x40 loading", func(t *testing.T) {
		// The first page is in; the list's context lookups are on their way.
		m, _ := firstPageIn(t, newFake(fixtureModels(), 50), 120, 40)
		m, _ = update(m, keyMsg("enter")) // the details are on their way
		requireGolden(t, m)
	})
}

func TestViewStates(t *testing.T) {
	t.Run("searching", func(t *testing.T) {
		m := newTestModel(newFake(fixtureModels(), 50), 80, 24)
		requireGolden(t, m)
	})
	t.Run("error screen", func(t *testing.T) {
		f := newFake(nil, 50)
		f.searchErr[""] = errors.New("Get \"https://huggingface.co/api/models\": dial tcp: lookup huggingface.co: no such host")
		m := started(t, f, 80, 24)
		requireGolden(t, m)
	})
	t.Run("nothing compatible", func(t *testing.T) {
		m := started(t, newFake(fixtureModels()[7:8], 50), 80, 24)
		requireGolden(t, m)
	})
	t.Run("no results", func(t *testing.T) {
		m := started(t, newFake(nil, 50), 80, 24)
		requireGolden(t, m)
	})
	t.Run("search prompt", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 80, 24)
		m = press(t, m, "s")
		requireGolden(t, m)
	})
	t.Run("filtering", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 80, 24)
		m = press(t, m, "/", "q", "w")
		requireGolden(t, m)
	})
	t.Run("filter applied", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 80, 24)
		m = press(t, m, "/", "q", "w", "enter")
		requireGolden(t, m)
	})
	t.Run("full help", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 100, 30)
		m = press(t, m, "?")
		requireGolden(t, m)
	})
	t.Run("rate limited", func(t *testing.T) {
		m := newTestModel(&limitedOnce{fakeSearcher: newFake(fixtureModels(), 50)}, 80, 24)
		m.tick = func(time.Duration, tea.Msg) tea.Cmd { return nil }
		m = run(t, m, m.Init())
		require.Contains(t, m.View(), "retrying in 37s")
		requireGolden(t, m)
	})
	t.Run("offline", func(t *testing.T) {
		f := newFake(fixtureModels(), 50)
		p := f.pages[""]
		p.Offline, p.Stale = true, true
		f.pages[""] = p
		m := started(t, f, 80, 24)
		requireGolden(t, m)
	})
}

func TestViewResizeReflows(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 120, 40)
	m = press(t, m, "enter")
	m, _ = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	narrow := m.View()
	m, _ = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m, _ = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	require.Equal(t, narrow, m.View(), "a size round trip draws the same screen")
}

// TestHeaderNamesQueryAndFilter: the header says what was searched ("top
// models" without text) and what the list shows, each once.
func TestHeaderNamesQueryAndFilter(t *testing.T) {
	tests := map[string]struct {
		q    query.Query
		keys []string
		want string
	}{
		"no text, all shown":  {query.Query{}, []string{"c"}, "modelbrowser  top models · by downloads · showing all · cached 3 min ago"},
		"no text, compatible": {query.Query{Sort: query.SortLikes}, nil, "modelbrowser  top models · by likes · compatible only · cached 3 min ago"},
		"text and author":     {query.Query{Text: "qwen", Author: "Qwen"}, []string{"c"}, "modelbrowser  “qwen” from Qwen · by downloads · showing all · cached 3 min ago"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			m := New(Options{Query: tt.q, Catalog: compatCatalog(), Searcher: newFake(fixtureModels(), 50), Now: clock})
			m, _ = update(m, tea.WindowSizeMsg{Width: 160, Height: 30})
			m = run(t, m, m.Init())
			m = press(t, m, tt.keys...)
			head := strings.TrimRight(strings.SplitN(ansi.Strip(m.View()), "\n", 2)[0], " ")
			left, right, _ := strings.Cut(head, "   ")
			assert.Equal(t, tt.want, left)
			assert.Equal(t, "RAM unknown · no GPU · worker cpu (recommended) · ctx model (≤32k)", strings.TrimSpace(right),
				"the machine, the list's worker and its context, on the right")
			m, _ = update(m, tea.WindowSizeMsg{Width: 100, Height: 30})
			head = strings.TrimRight(strings.SplitN(ansi.Strip(m.View()), "\n", 2)[0], " ")
			assert.True(t, strings.HasSuffix(head, " worker cpu (recommended) · ctx model (≤32k)"), "narrower, the choices stay whole: %q", head)
			assert.LessOrEqual(t, strings.Count(head, "models"), 1, "never \"all models\" twice")
		})
	}
}

// TestLastColumnFollowsTheSort: the list's last column is the figure the
// Hub sorted by, so that the order can be seen; trending has none of its
// own and shows downloads.
func TestLastColumnFollowsTheSort(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 80, 24)
	rows := func(m Model) (string, string) {
		lines := strings.Split(ansi.Strip(m.View()), "\n")
		return strings.TrimRight(lines[1], " "), strings.TrimRight(lines[2], " ")
	}
	for _, want := range []struct{ sort, title, llama string }{
		{query.SortDownloads, "DOWNLOADS", "5.2M"},
		{query.SortLikes, "LIKES", "4.1k"},
		{query.SortTrending, "DOWNLOADS", "5.2M"},
		{query.SortUpdated, "UPDATED", "2025-06-12"},
	} {
		require.Equal(t, want.sort, m.query.Sort)
		head, llama := rows(m)
		assert.True(t, strings.HasSuffix(head, " "+want.title), "%s: %q", want.sort, head)
		assert.True(t, strings.HasSuffix(llama, " "+want.llama), "%s: %q", want.sort, llama)
		assert.Contains(t, llama, "128k", "%s: CTX stays", want.sort)
		if want.sort == query.SortUpdated {
			requireGolden(t, m)
		}
		m = press(t, m, "o")
	}
}

// TestFooterCountsModelsLeftOut: models the searcher left out (an invalid
// id, a form that does not decode) are counted in the footer, across pages.
func TestFooterCountsModelsLeftOut(t *testing.T) {
	f := newFake(fixtureModels(), 3)
	p := f.pages[""]
	p.Dropped = 2
	f.pages[""] = p
	p = f.pages["2"]
	p.Dropped = 1
	f.pages["2"] = p
	m := started(t, f, 120, 40)
	assert.Contains(t, ansi.Strip(m.View()), "3 unreadable left out")
}
