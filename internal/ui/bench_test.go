package ui

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/require"
)

const (
	benchModels   = 10_000
	benchPageSize = 100
)

// loaded10k is the root model at 120×40 with 10,000 generated models loaded
// the way the Hub sends them: pages of 100, each judged once on arrival.
func loaded10k(tb testing.TB) Model {
	tb.Helper()
	f := newFake(genModels(0, benchModels), benchPageSize)
	m := newTestModel(f, 120, 40)
	msgs := messagesOfType[pageFetchedMsg](m.Init())
	for n := 2; len(msgs) == 1; n++ {
		m, _ = update(m, msgs[0])
		if msgs[0].page.Next == "" {
			break
		}
		// What the cursor would have asked for, without moving it.
		msgs = messagesOfType[pageFetchedMsg](fetchPage(m.ctx, f, m.catalog, m.query, m.seq, strconv.Itoa(n), false))
		m.pageLoading = true
	}
	require.Len(tb, m.list.all, benchModels)
	require.Empty(tb, m.next)
	return m
}

// step is one frame: a key through Update, the commands it returns run and
// their messages fed back (the filter's matches), then View.
func step(m Model, k tea.KeyMsg) (Model, string) {
	m, cmd := update(m, k)
	for _, msg := range messages(cmd) {
		if _, ok := msg.(list.FilterMatchesMsg); ok {
			m, _ = update(m, msg)
		}
	}
	return m, m.View()
}

// BenchmarkUpdateView10k is one key through Update then View with 10,000
// models loaded. Budget: 16.7 ms a frame (60 Hz).
func BenchmarkUpdateView10k(b *testing.B) {
	base := loaded10k(b)
	down, home, toggle := keyMsg("down"), keyMsg("home"), keyMsg("c")

	b.Run("cursor down", func(b *testing.B) {
		m := base
		m, _ = step(m, toggle) // all 10,000 shown
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			k := down
			if m.list.list.Index() == m.list.visibleCount()-1 {
				k = home
			}
			m, _ = step(m, k)
		}
	})

	// The list looks up the contexts of the rows it scrolls into view; here
	// the lookups run and answer within the frame (in the program they run
	// off the loop), so this bounds what they cost.
	b.Run("cursor down, looking up contexts", func(b *testing.B) {
		m := base
		m.list.req.lookups, m.list.req.inflight, m.list.req.facts = 0, nil, 0 // loaded10k dropped the lookups its pages started
		m, _ = step(m, toggle)
		m.list.req.lookups, m.list.req.inflight = 0, nil
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			k := down
			if m.list.list.Index() == m.list.visibleCount()-1 {
				k = home
			}
			var cmd tea.Cmd
			m, cmd = update(m, k)
			m = run(b, m, cmd)
			_ = m.View()
		}
	})

	b.Run("filter keystroke", func(b *testing.B) {
		m := base
		m, _ = step(m, toggle)
		m, _ = step(m, keyMsg("/"))
		keys := []tea.KeyMsg{keyMsg("q"), keyMsg("w"), keyMsg("e"), keyMsg("n"),
			keyMsg("backspace"), keyMsg("backspace"), keyMsg("backspace"), keyMsg("backspace")}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			m, _ = step(m, keys[i%len(keys)])
		}
	})

	b.Run("toggle compatible-only", func(b *testing.B) {
		m := base
		m, _ = step(m, keyMsg("end")) // the cursor deep in the list
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			m, _ = step(m, toggle)
		}
	})
}

// TestTenThousandModelsFitInMemory keeps 10,000 loaded models, judged and
// with their rows prepared, under 100 MB of heap.
func TestTenThousandModelsFitInMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 10,000 models")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := loaded10k(t)
	runtime.GC()
	runtime.ReadMemStats(&after)
	heapMB := float64(after.HeapAlloc-before.HeapAlloc) / 1e6
	t.Logf("heap for %d models: %.1f MB", benchModels, heapMB)
	require.Less(t, heapMB, 100.0)
	runtime.KeepAlive(m)
}

// BenchmarkFilter10k compares the bubbles default filter with fastFilter on
// the ids of 10,000 models: the reason the list uses fastFilter.
func BenchmarkFilter10k(b *testing.B) {
	models := genModels(0, benchModels)
	targets := make([]string, len(models))
	for i, m := range models {
		targets[i] = newItem(m, compatCatalog()).filter
	}
	for name, f := range map[string]list.FilterFunc{"default": list.DefaultFilter, "fast": fastFilter} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := range b.N {
				f([]string{"q", "qw", "qwe", "qwen"}[i%4], targets)
			}
		})
	}
}

// TestTenThousandModelsLookUpOnlyRowsOnScreen: with 10,000 models loaded,
// a key asks for the contexts of rows on screen only, a few at a time,
// never one per loaded model.
func TestTenThousandModelsLookUpOnlyRowsOnScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 10,000 models")
	}
	m := loaded10k(t)
	f := m.searcher.(*fakeSearcher)
	m.list.req.lookups, m.list.req.inflight = 0, nil // loaded10k dropped the lookups its pages started
	m, _ = update(m, keyMsg("c"))                    // all shown; the lookups it starts are dropped too
	m.list.req.lookups, m.list.req.inflight = 0, nil

	seen := map[string]bool{}
	for range 20 {
		var cmd tea.Cmd
		m, cmd = update(m, keyMsg("pgdown"))
		msgs := messages(cmd)
		require.LessOrEqual(t, len(ofType[detailFetchedMsg](msgs)), defaultLookups, "a few at a time")
		for _, li := range m.list.onScreen() {
			seen[li.(*item).judged.Model.ID] = true
		}
		m = feed(t, m, msgs...)
		require.Zero(t, m.list.req.lookups)
	}
	_, calls := f.calls()
	t.Logf("%d lookups for the %d rows seen", len(calls), len(seen))
	require.NotEmpty(t, calls)
	require.Less(t, len(calls), 21*m.list.list.Paginator.PerPage)
	for _, id := range calls {
		require.True(t, seen[id], "%s was never on screen", id)
	}
}
