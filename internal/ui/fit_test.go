package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

const (
	ggufRepo = "bartowski/Qwen2.5-7B-Instruct-GGUF"
	phi3     = "microsoft/Phi-3-mini-4k-instruct"
)

// fitModel is the root model over s judging against machine mach in
// catalog cat, sized w×h, with its first page and everything it asks for
// in.
func fitModel(t *testing.T, s Searcher, cat compat.Catalog, mach fit.Machine, w, h int) Model {
	t.Helper()
	m := New(Options{Query: query.Query{Text: "llm"}, Catalog: cat, Searcher: s, Now: clock, PickFormat: "id", Machine: mach})
	m, _ = update(m, tea.WindowSizeMsg{Width: w, Height: h})
	return run(t, m, m.Init())
}

// memory is a machine with --memory n and no GPU.
func memory(n uint64) fit.Machine {
	return fit.Machine{OS: "linux", Arch: "amd64", CPU: fit.Memory{Available: &n, Source: "--memory"}}
}

// fitCellOf is the FIT cell of id's row on screen, spaces trimmed.
func fitCellOf(t *testing.T, m Model, id string) string {
	t.Helper()
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	at := strings.Index(lines[1], "FIT")
	require.GreaterOrEqual(t, at, 0, "no FIT column: %q", lines[1])
	col := ansi.StringWidth(lines[1][:at])
	short := id[:min(len(id), 20)]
	for _, l := range lines[2:] {
		if strings.Contains(l, short) {
			return strings.TrimSpace(ansi.Cut(l, col, col+fitWidth))
		}
	}
	t.Fatalf("%s is not on screen", id)
	return ""
}

// only keeps the named GGUF file of the fake's facts for the GGUF repo.
func only(files ...string) fit.Facts {
	var fs []fit.File
	for _, f := range files {
		size := ggufSizes[fit.Label(f)]
		fs = append(fs, fit.File{Path: f, Size: &size})
	}
	s := qwen25Shape
	return fit.Facts{SHA: "0123456789abcdef0123456789abcdef01234567", Listing: fit.Variants(fit.Repo{Files: fs}), Shape: &s}
}

func TestFitColumnStates(t *testing.T) {
	gpu := testMachine()
	gpu.GPUs = []fit.GPU{{Name: "NVIDIA GeForce RTX 3050", Vendor: fit.VendorNVIDIA, Free: 4 * fit.GiB, Source: "nvidia-smi"}}
	cudaCatalog := compat.DefaultCatalog()
	cudaCatalog.Machine = compat.Machine{OS: "linux", Arch: "amd64", CUDA: true}

	tests := map[string]struct {
		machine fit.Machine
		catalog compat.Catalog
		facts   *fit.Facts // for the GGUF repo, nil: the fake's
		err     error
		want    string
	}{
		// 16 GiB: Q8_0 (7.5 GiB, 9.6 GiB with a 32k cache) is the largest that fits.
		"fits": {machine: testMachine(), want: "✓ Q8_0         7.5G"},
		// 9600 MiB holds Q8_0's weights and cache (9515 MiB) but not its
		// compute buffer as well (9826 MiB).
		"tight":   {machine: memory(9_600 * fit.MiB), facts: ptrTo(only("Qwen2.5-7B-Instruct-Q8_0.gguf")), want: "~ Q8_0         7.5G"},
		"offload": {machine: gpu, catalog: cudaCatalog, want: "↓ BF16        14.2G"},
		// Nothing holds in 2 GiB: the smallest file, too big.
		"too big":                   {machine: memory(2 * fit.GiB), want: "✗ IQ3_XS       3.1G"},
		"unknown: the facts failed": {machine: testMachine(), err: errors.New("could not list the files"), want: "?"},
		"unknown: no sizes": {machine: testMachine(), facts: &fit.Facts{Listing: fit.Variants(fit.Repo{Files: []fit.File{{Path: "Qwen2.5-7B-Instruct-Q8_0.gguf"}}})},
			want: "? Q8_0"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(fixtureModels(), 50)
			if tt.facts != nil {
				f.facts[ggufRepo] = *tt.facts
			}
			if tt.err != nil {
				f.factsErr[ggufRepo] = tt.err
			}
			cat := tt.catalog
			if cat.Workers == nil {
				cat = compat.DefaultCatalog()
			}
			m := fitModel(t, f, cat, tt.machine, 100, 24)
			assert.Equal(t, tt.want, fitCellOf(t, m, ggufRepo))
		})
	}
	t.Run("loading", func(t *testing.T) {
		m, _ := firstPageIn(t, newFake(fixtureModels(), 50), 100, 24)
		assert.Equal(t, "…", fitCellOf(t, m, ggufRepo), "asked, not answered")
		assert.Equal(t, factsLoading, m.list.byID[ggufRepo].factsState)
	})
	t.Run("incompatible", func(t *testing.T) {
		m := started(t, newFake(fixtureModels(), 50), 100, 24)
		m = press(t, m, "c")
		assert.Equal(t, "-", fitCellOf(t, m, "Qwen/Qwen2-VL-7B-Instruct"), "no worker loads it: no fit")
	})
}

func ptrTo[T any](v T) *T { return &v }

// TestFactsLoadForRowsOnScreenOnce: Facts is asked for the rows in view,
// never twice for a model, at most maxFacts at a time, and an answer for
// an older search is dropped.
func TestFactsLoadForRowsOnScreenOnce(t *testing.T) {
	f := newFake(genModels(0, 200), 200)
	m, cmd := firstPageIn(t, f, 80, 24)
	assert.Equal(t, defaultFactLookups, m.list.req.facts, "four out at once")
	m = run(t, m, cmd)
	asked := f.factsAsked()
	assert.Equal(t, dedupe(asked), asked, "each model once")
	assert.LessOrEqual(t, len(asked), m.list.list.Paginator.PerPage, "rows on screen only")
	assert.Zero(t, m.list.req.facts)

	stale := factsFetchedMsg{seq: m.seq - 1, id: selectedID(m), err: errors.New("late")}
	before := m.list.selected().factsState
	m, _ = update(m, stale)
	assert.Equal(t, before, m.list.selected().factsState, "a late answer changes nothing")
}

func TestFitsOnlyToggleKeepsTheCursor(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := New(Options{Query: query.Query{Text: "llm"}, Catalog: compat.DefaultCatalog(), Searcher: f, Now: clock, Machine: memory(8 * fit.GiB)})
	m, _ = update(m, tea.WindowSizeMsg{Width: 100, Height: 24})
	pages := messagesOfType[pageFetchedMsg](m.Init())
	m, facts := update(m, pages[0]) // the facts are on their way
	m = press(t, m, "j", "j")
	require.Equal(t, ggufRepo, selectedID(m))

	m, _ = update(m, keyMsg("m"))
	assert.True(t, m.list.fitsOnly)
	assert.Equal(t, 6, m.list.visibleCount(), "loading models stay")
	assert.Contains(t, lastStatus(m), "3 hidden as incompatible · 0 hidden as not fitting")

	m = run(t, m, facts)
	var want []string
	for _, it := range m.list.all {
		if it.compatible() && it.fit != nil && it.fit.res.Best[it.judged.Verdict.RecommendedWorker] != nil {
			want = append(want, it.judged.Model.ID)
		}
	}
	require.NotEmpty(t, want)
	assert.Equal(t, want, visibleIDs(m), "only those with a best variant for their recommended worker")
	assert.NotContains(t, visibleIDs(m), "meta-llama/Llama-3.1-8B-Instruct", "15 GiB of weights in 8 GiB")
	assert.Equal(t, ggufRepo, selectedID(m), "the cursor stays on its model")
	hidden := m.list.hiddenUnfit()
	assert.Equal(t, 6-len(want), hidden)
	assert.Contains(t, lastStatus(m), fmt.Sprintf("3 hidden as incompatible · %d hidden as not fitting", hidden))

	m = press(t, m, "c")
	assert.Equal(t, want, visibleIDs(m), "showing all: the incompatible ones fit nowhere")
	assert.Equal(t, 6-len(want), m.list.hiddenUnfit(), "the incompatible ones are counted apart")
	assert.Contains(t, lastStatus(m), fmt.Sprintf("3 hidden as incompatible · %d hidden as not fitting", hidden), "counted apart, as such")

	m = press(t, m, "c", "m")
	assert.Equal(t, 6, m.list.visibleCount())
	assert.Equal(t, ggufRepo, selectedID(m), "and back")
}

func TestContextSteppingRecomputes(t *testing.T) {
	m := fitModel(t, newFake(fixtureModels(), 50), compat.DefaultCatalog(), testMachine(), 120, 40)
	m = press(t, m, "j", "j", "enter")
	require.Equal(t, ggufRepo, selectedID(m))
	it := m.list.selected()
	high := func(m Model, name string) uint64 {
		t.Helper()
		for _, v := range it.fit.res.Variants {
			if v.Name == name {
				return *v.Memory.High
			}
		}
		t.Fatalf("no %s", name)
		return 0
	}
	at32k := high(m, "Q8_0")
	assert.Regexp(t, `Q4_K_M +4\.4 GiB +6\.1–6\.4 GiB +✓ fits +downloaded`, ansi.Strip(m.View()), "a file in the local cache is marked")
	assert.Equal(t, "✓ Q8_0         7.5G", fitCellOf(t, m, ggufRepo))
	assert.Contains(t, m.View(), "ctx model (≤32k)")

	m = press(t, m, "-")
	assert.Equal(t, int64(16384), m.list.context)
	assert.Equal(t, int64(16384), it.fit.res.Context)
	assert.Less(t, high(m, "Q8_0"), at32k, "half the KV cache")
	assert.Equal(t, at32k-high(m, "Q8_0"), uint64(28*16384*4*256*2), "exactly the 16k tokens of cache given back")
	assert.Equal(t, "✓ BF16        14.2G", fitCellOf(t, m, ggufRepo), "the FIT column follows: BF16 fits at 16k")
	assert.Contains(t, m.View(), "ctx 16k")
	assert.Contains(t, m.View(), "16k (16384) tokens")

	m = press(t, m, "-", "-", "-", "-", "-")
	assert.Equal(t, int64(2048), m.list.context, "clamped at 2048")
	assert.False(t, m.keys.CtxDown.Enabled(), "- does nothing more: the help says so")
	assert.True(t, m.keys.CtxUp.Enabled())
	m = press(t, m, "+", "+", "+", "+")
	assert.Equal(t, int64(0), m.list.context, "32k is the model's default: back to it")
	m = press(t, m, "+")
	assert.Equal(t, int64(0), m.list.context, "the worker's limit (32k) is the top")
	assert.False(t, m.keys.CtxUp.Enabled())
	assert.Equal(t, at32k, high(m, "Q8_0"))

	m = press(t, m, "-", "s", "q", "w", "e", "n", "enter")
	assert.Equal(t, int64(16384), m.list.context, "a new search keeps the context")
	assert.Equal(t, "qwen", m.query.Text, "typing replaced the last search, selected in the prompt")
}

func TestStepContextStops(t *testing.T) {
	tests := map[string]struct {
		cur, def, limit int64
		dir             int
		want            int64
	}{
		"up from a small default":     {0, 4096, 32768, +1, 8192},
		"down from a small default":   {0, 4096, 32768, -1, 2048},
		"odd default is a stop":       {8192, 10000, 32768, +1, 0},
		"up from the odd default":     {0, 10000, 32768, +1, 16384},
		"down to the odd default":     {16384, 10000, 32768, -1, 0},
		"the limit is the top":        {16384, 4096, 20000, +1, 20000},
		"at the limit":                {20000, 4096, 20000, +1, 20000},
		"2048 is the bottom":          {2048, 4096, 32768, -1, 2048},
		"no limit known":              {65536, 4096, 0, +1, 131072},
		"a capped default is the top": {0, 32768, 32768, +1, 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, stepContext(tt.cur, tt.def, tt.limit, tt.dir))
		})
	}
}

func TestPicks(t *testing.T) {
	t.Run("the highlighted variant", func(t *testing.T) {
		m := fitModel(t, newFake(fixtureModels(), 50), compat.DefaultCatalog(), testMachine(), 120, 40)
		m = press(t, m, "j", "j", "enter")
		require.Equal(t, "Q8_0", m.detail.highlighted().Name, "the cursor starts on the best")
		m = press(t, m, "j")
		m, cmd := update(m, keyMsg("p"))
		require.True(t, quits(cmd))
		r := m.result
		assert.Equal(t, ggufRepo+":Q4_K_M", r.Pick)
		require.NotNil(t, r.Variant)
		assert.Equal(t, "Q4_K_M", r.Variant.Name)
		require.Len(t, r.Variant.Files, 1)
		assert.Equal(t, "Qwen2.5-7B-Instruct-Q4_K_M.gguf", r.Variant.Files[0].Path)
		assert.Equal(t, ggufSizes["Q4_K_M"], *r.Variant.Files[0].Size)
		assert.Equal(t, "0123456789abcdef0123456789abcdef01234567", r.SHA)
		assert.Equal(t, int64(32768), r.Context)
		assert.Equal(t, "llm-worker-rbee-cpu", r.Worker)
	})
	t.Run("a GGUF repo from the list: its best variant", func(t *testing.T) {
		m := fitModel(t, newFake(fixtureModels(), 50), compat.DefaultCatalog(), testMachine(), 80, 24)
		m = press(t, m, "j", "j", "-", "p")
		assert.Equal(t, ggufRepo+":BF16", m.result.Pick, "at 16k BF16 fits")
		assert.Equal(t, int64(16384), m.result.Context)
	})
	t.Run("a GGUF repo nothing fits: never the bare repo, but why", func(t *testing.T) {
		m := fitModel(t, newFake(fixtureModels(), 50), compat.DefaultCatalog(), memory(2*fit.GiB), 80, 24)
		m = press(t, m, "j", "j")
		m, cmd := update(m, keyMsg("p"))
		assert.False(t, quits(cmd), "nothing to print: the browser stays")
		assert.False(t, m.result.Picked)
		assert.Contains(t, m.footerErr, "no file of "+ggufRepo+" fits cpu at ctx model (≤32k)")
		assert.Contains(t, m.footerErr, "highlight one in the detail (enter) and p picks it")
		m = press(t, m, "enter", "p")
		assert.Equal(t, ggufRepo+":BF16", m.result.Pick, "the variant highlighted in the detail (the first, with no best) is picked even when too big")
	})
	t.Run("a safetensors repo: the bare repo", func(t *testing.T) {
		m := fitModel(t, newFake(fixtureModels(), 50), compat.DefaultCatalog(), testMachine(), 80, 24)
		m = press(t, m, "j", "j", "j", "j", "enter", "p")
		assert.Equal(t, phi3, m.result.Judged.Model.ID)
		assert.Equal(t, phi3, m.result.Pick)
		require.NotNil(t, m.result.Variant)
		assert.Equal(t, "safetensors", m.result.Variant.Format)
	})
	t.Run("inert", func(t *testing.T) {
		f := newFake(fixtureModels(), 50)
		size := uint64(1 << 30)
		// A path with control characters is never a variant (GET_POLICY
		// section 1); bidi controls are allowed in paths but never reach
		// the pick.
		shape := qwen25Shape
		f.facts[ggufRepo] = fit.Facts{Shape: &shape, Listing: fit.Variants(fit.Repo{Files: []fit.File{
			{Path: "x\x1b]0;pwned\x07.gguf", Size: &size}, {Path: "y\u202e\u2066.gguf", Size: &size}}})}
		require.Len(t, f.facts[ggufRepo].Listing.Variants, 1)
		m := fitModel(t, f, compat.DefaultCatalog(), testMachine(), 80, 24)
		m = press(t, m, "j", "j", "p")
		require.True(t, strings.HasPrefix(m.result.Pick, ggufRepo+":"), m.result.Pick)
		for _, r := range m.result.Pick {
			assert.False(t, r < 0x20 || r == 0x7f || r == '\u202e' || r == '\u2066', "%q in %q", r, m.result.Pick)
		}
	})
}

// rateLimited is the Hub client's 429.
type rateLimited struct{ wait time.Duration }

func (e rateLimited) Error() string          { return "429 Too Many Requests" }
func (e rateLimited) RetryIn() time.Duration { return e.wait }

// limitedOnce refuses the first search with a 429.
type limitedOnce struct {
	*fakeSearcher
	mu   sync.Mutex
	done bool
}

func (l *limitedOnce) Search(ctx context.Context, q query.Query, next string, refresh bool) (query.Page, error) {
	l.mu.Lock()
	first := !l.done
	l.done = true
	l.mu.Unlock()
	if first {
		return query.Page{}, rateLimited{37 * time.Second}
	}
	return l.fakeSearcher.Search(ctx, q, next, refresh)
}

func TestRateLimitCountsDown(t *testing.T) {
	now := testNow
	f := newFake(fixtureModels(), 50)
	s := &limitedOnce{fakeSearcher: f}
	m := New(Options{Query: query.Query{Text: "llm"}, Catalog: compat.DefaultCatalog(), Searcher: s, Now: func() time.Time { return now }, Machine: testMachine()})
	var ticks []tea.Msg
	m.tick = func(d time.Duration, msg tea.Msg) tea.Cmd {
		assert.Equal(t, time.Second, d)
		ticks = append(ticks, msg)
		return nil // the test steps the clock itself
	}
	m, _ = update(m, tea.WindowSizeMsg{Width: 100, Height: 24})
	m = run(t, m, m.Init())
	require.Len(t, ticks, 1)
	assert.Empty(t, m.fatal, "a rate limit is no error screen")
	assert.Equal(t, "rate-limited by the Hub · retrying in 37s", strings.TrimSpace(lastStatus(m)))

	now = now.Add(time.Second)
	m, cmd := update(m, ticks[0])
	assert.Nil(t, messages(cmd), "no request during the wait")
	require.Len(t, ticks, 2)
	assert.Equal(t, "rate-limited by the Hub · retrying in 36s", strings.TrimSpace(lastStatus(m)))

	now = now.Add(36 * time.Second)
	m, cmd = update(m, ticks[1])
	assert.Len(t, ticks, 2, "the wait is over: no more ticks")
	m = run(t, m, cmd)
	assert.Len(t, m.list.all, 9, "the page was asked again")
	assert.NotContains(t, lastStatus(m), "rate-limited")
	searches, _ := f.calls()
	assert.Len(t, searches, 1, "the fake saw one search: the refused one never reached it")

	t.Run("facts wait and are asked again", func(t *testing.T) {
		f := newFake(fixtureModels(), 50)
		f.factsErr[ggufRepo] = rateLimited{5 * time.Second}
		now := testNow
		m := New(Options{Query: query.Query{Text: "llm"}, Catalog: compat.DefaultCatalog(), Searcher: f, Now: func() time.Time { return now }, Machine: testMachine()})
		var ticks []tea.Msg
		m.tick = func(_ time.Duration, msg tea.Msg) tea.Cmd { ticks = append(ticks, msg); return nil }
		m, _ = update(m, tea.WindowSizeMsg{Width: 100, Height: 24})
		m = run(t, m, m.Init())
		require.NotEmpty(t, ticks)
		it := m.list.byID[ggufRepo]
		assert.Equal(t, factsNone, it.factsState, "not a failure: asked again later")
		assert.Contains(t, lastStatus(m), "retrying in 5s")
		asked := len(f.factsAsked())

		delete(f.factsErr, ggufRepo)
		now = now.Add(5 * time.Second)
		m, cmd := update(m, ticks[len(ticks)-1])
		m = run(t, m, cmd)
		assert.Greater(t, len(f.factsAsked()), asked)
		assert.Equal(t, factsIn, it.factsState)
		assert.Equal(t, "✓ Q8_0         7.5G", fitCellOf(t, m, ggufRepo))
	})
}

// TestShortHelpShowsFitKeysWhenTheyWork: + and - with the detail on
// screen, the cursor keys named for variants when the focused detail has
// a fit table; m always while browsing.
func TestShortHelpShowsFitKeysWhenTheyWork(t *testing.T) {
	m := fitModel(t, newFake(fixtureModels(), 50), compat.DefaultCatalog(), testMachine(), 200, 24)
	help := lastLine(ansi.Strip(m.View()))
	assert.NotContains(t, help, "+ more context", "the list alone shows no figure + changes")
	assert.Contains(t, help, "m fits this machine only")

	m = press(t, m, "j", "j", "enter")
	help = lastLine(ansi.Strip(m.View()))
	assert.Contains(t, help, "- less context")
	assert.NotContains(t, help, "+ more context", "32k is this worker's limit already")
	assert.Contains(t, help, "p pick variant")
	m = press(t, m, "-")
	assert.Contains(t, lastLine(ansi.Strip(m.View())), "+ more context")
	m = press(t, m, "?")
	full := ansi.Strip(m.View())
	for _, k := range []string{"+ more context", "- less context", "m fits this machine only", "↑/k    variant up", "pgdn/f scroll down", "tab focus list"} {
		assert.Contains(t, full, k, "? documents it")
	}
	m = press(t, m, "?", "+")
	assert.True(t, m.keys.Up.Enabled())
	assert.Equal(t, "variant up", m.keys.Up.Help().Desc)

	m = press(t, m, "c", "tab", "j") // Qwen2-VL: no worker loads it
	require.Equal(t, "Qwen/Qwen2-VL-7B-Instruct", selectedID(m))
	assert.False(t, m.keys.CtxUp.Enabled(), "no context to step")
}

func TestMachineInAFewWords(t *testing.T) {
	avail, total := uint64(21_582_000_000), 24*fit.GiB
	eight := 8 * fit.GiB
	tests := map[string]struct {
		m    fit.Machine
		want string
	}{
		"meminfo, no GPU": {fit.Machine{CPU: fit.Memory{Available: &avail, Total: &total, Source: "/proc/meminfo"}}, "20.1 GiB free RAM · no GPU"},
		"--memory":        {memory(eight), "--memory 8.0 GiB · no GPU"},
		"unknown":         {fit.Machine{}, "RAM unknown · no GPU"},
		"nvidia-smi": {fit.Machine{CPU: fit.Memory{Available: &avail, Source: "/proc/meminfo"},
			GPUs: []fit.GPU{{Name: "NVIDIA GeForce RTX 4090", Vendor: fit.VendorNVIDIA, Free: 23_944_000_000, Source: "nvidia-smi"}}},
			"20.1 GiB free RAM · RTX 4090 22.3 GiB free"},
		"two GPUs": {fit.Machine{CPU: fit.Memory{Available: &avail, Source: "/proc/meminfo"},
			GPUs: []fit.GPU{{Name: "NVIDIA RTX A6000", Free: 40 * fit.GiB, Source: "nvidia-smi"}, {Name: "NVIDIA RTX A6000", Free: 40 * fit.GiB, Source: "nvidia-smi"}}},
			"20.1 GiB free RAM · RTX A6000 40.0 GiB free +1 GPU"},
		"--vram": {fit.Machine{CPU: fit.Memory{Available: &eight, Source: "--memory"}, GPUs: []fit.GPU{{Name: "--vram", Free: 12 * fit.GiB, Source: "--vram"}}},
			"--memory 8.0 GiB · --vram 12.0 GiB"},
		"a hostile GPU name": {fit.Machine{CPU: fit.Memory{Available: &eight, Source: "--memory"}, GPUs: []fit.GPU{{Name: "x\x1b[2J", Free: fit.GiB, Source: "nvidia-smi"}}},
			"--memory 8.0 GiB · x 1.0 GiB free"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, machineText(tt.m))
		})
	}
}

func TestRangeBytes(t *testing.T) {
	b := func(n uint64) *uint64 { return &n }
	assert.Equal(t, "8.1–9.0 GiB", rangeBytes(b(8_697_308_774), b(9_663_676_416)))
	assert.Equal(t, "942 MiB–1.2 GiB", rangeBytes(b(942*fit.MiB), b(1_288_490_188)))
	assert.Equal(t, "4.4 GiB–?", rangeBytes(b(4_724_464_025), nil))
	assert.Equal(t, "?", rangeBytes(nil, nil))
}

// TestFitSectionFitsEveryWidth: every line of the "Files and fit" section,
// the bar and its legend included, stays within the pane, and the
// figures of each variant stay whole down to the full-screen minimum.
func TestFitSectionFitsEveryWidth(t *testing.T) {
	m := fitModel(t, newFake(fixtureModels(), 50), compat.DefaultCatalog(), testMachine(), 80, 24)
	it := m.list.byID[ggufRepo]
	w := it.shownWorker("")
	m.fitCfg.judgeFit(it, 0, w)
	require.NotNil(t, it.fit)
	for width := 16; width <= 140; width++ {
		text, line := explainWithFit(defaultStylesForTest(), it, w, testNow, width, false, fitPane{cfg: m.fitCfg, cursor: 2})
		text = ansi.Strip(text)
		lines := strings.Split(text, "\n")
		start := slices.Index(lines, "Files and fit")
		require.Positive(t, start, "width %d", width)
		end := start + slices.Index(lines[start:], "Evidence")
		require.Greater(t, end, start, "width %d", width)
		for _, l := range lines[start:end] {
			require.LessOrEqual(t, ansi.StringWidth(l), width, "width %d: %q", width, l)
		}
		require.Less(t, line, len(lines))
		require.True(t, strings.HasPrefix(lines[line], "› Q8_0"), "width %d: the cursor's line is its row: %q", width, lines[line])
		if width >= minWidth-2 {
			assert.Contains(t, lines[line], "7.5 GiB 9.3–9.6 GiB", "width %d", width)
		}
	}
}

// TestRateLimitedDetailIsNoFailure: a 429 on a model's details is a wait,
// not an error: no footer error, the countdown instead, and the context
// is looked up again once it is over.
func TestRateLimitedDetailIsNoFailure(t *testing.T) {
	const id = "Qwen/Qwen3-8B"
	f := newFake(fixtureModels(), 50)
	f.detailErr[id] = rateLimited{3 * time.Second}
	now := testNow
	m := New(Options{Query: query.Query{Text: "llm"}, Catalog: compat.DefaultCatalog(), Searcher: f, Now: func() time.Time { return now }, Machine: testMachine()})
	var ticks []tea.Msg
	m.tick = func(_ time.Duration, msg tea.Msg) tea.Cmd { ticks = append(ticks, msg); return nil }
	m, _ = update(m, tea.WindowSizeMsg{Width: 100, Height: 24})
	m = run(t, m, m.Init())
	m = press(t, m, "j", "enter")
	require.Equal(t, id, selectedID(m))
	it := m.list.byID[id]
	assert.False(t, it.detailFailed)
	assert.Empty(t, m.footerErr)
	assert.Contains(t, lastStatus(m), "retrying in 3s")

	delete(f.detailErr, id)
	now = now.Add(3 * time.Second)
	m, cmd := update(m, ticks[len(ticks)-1])
	m = run(t, m, cmd)
	assert.True(t, it.detailed, "asked again after the wait")
	assert.Equal(t, "40k", it.context)
}

type waitErr time.Duration

func (w waitErr) Error() string          { return "wait" }
func (w waitErr) RetryIn() time.Duration { return time.Duration(w) }

// TestRetryAfterOnlyForRateLimits: the Hub client's errors can all say
// RetryIn; only one with a wait is a rate limit to count down.
func TestRetryAfterOnlyForRateLimits(t *testing.T) {
	assert.Zero(t, retryAfter(errors.New("plain")))
	assert.Zero(t, retryAfter(waitErr(0)), "an error without a wait is no rate limit")
	assert.Equal(t, 37*time.Second, retryAfter(fmt.Errorf("page: %w", waitErr(37*time.Second))))
	assert.Equal(t, time.Second, retryAfter(waitErr(time.Millisecond)), "at least a second")
}

// An unknown shape says so in the browser (issue 16): the FIT cell is "?"
// with the smallest file, never "~ tight", and the detail says why and
// what fixes it, with the largest context "unknown", not "no context
// fits".
func TestUnknownFitInTheBrowser(t *testing.T) {
	for name, why := range map[string]*fit.ShapeUnknown{
		"gated":         fit.UnknownGated(),
		"token refused": fit.UnknownTokenRefused(),
		"header":        fit.UnknownHeader("magic \"\\x00\\x00\\x00\\x00\""),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(fixtureModels(), 50)
			var facts fit.Facts
			for _, m := range fixtureModels() {
				if m.ID == ggufRepo {
					facts = factsOf(m)
				}
			}
			require.NotEmpty(t, facts.Listing.Variants)
			facts.Shape, facts.ShapeUnknown = nil, why
			f.facts[ggufRepo] = facts
			m := fitModel(t, f, compat.DefaultCatalog(), testMachine(), 120, 40)
			cell := fitCellOf(t, m, ggufRepo)
			assert.True(t, strings.HasPrefix(cell, "? "), "FIT cell %q", cell)
			// The detail full screen (below 110 columns), so that its
			// sentences wrap alone.
			m = fitModel(t, f, compat.DefaultCatalog(), testMachine(), 80, 60)
			m = press(t, m, "j", "j", "enter")
			view := ansi.Strip(m.View())
			flat := strings.Join(strings.Fields(view), " ")
			assert.Contains(t, flat, "? The KV cache is unknown: "+why.Message)
			assert.Contains(t, flat, "largest context that fits: unknown")
			assert.NotContains(t, flat, "no variant fits at any context")
			assert.NotContains(t, flat, "~ tight")
			assert.Contains(t, flat, "? unknown")
		})
	}
}
