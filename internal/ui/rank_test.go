package ui

import (
	"slices"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// Each local order sorts the loaded rows, says so in the header, and
// leaves the cursor on its model.
func TestLocalOrdersInTheBrowser(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := started(t, f, 120, 30)
	m = press(t, m, "c")                // every model
	m = press(t, m, "o", "o", "o", "o") // likes, trending, updated, then fit
	require.Equal(t, query.SortFit, m.list.rank)
	m = press(t, m, "j", "j")
	sel := selectedID(m)
	assert.Contains(t, ansi.Strip(m.View()), "by fit (loaded results)")

	for _, want := range []struct {
		rank  string
		first string
	}{
		{query.SortSize, "mallory/"},                // 608M
		{query.SortParams, "openai-community/gpt2"}, // 137M parameters
		{query.SortContext, "meta-llama/Llama-3.1-8B-Instruct"},
	} {
		m = press(t, m, "o")
		require.Equal(t, want.rank, m.list.rank)
		assert.Equal(t, sel, selectedID(m), "%s: the cursor stays on its model", want.rank)
		assert.Contains(t, visibleIDs(m)[0], want.first, want.rank)
		assert.Contains(t, ansi.Strip(m.View()), "by "+want.rank+" (loaded results)")
	}
}

// The fit order: fits first, larger file first among them; too big last.
func TestFitOrderInTheBrowser(t *testing.T) {
	m := started(t, newFake(fixtureModels(), 50), 120, 30)
	m = press(t, m, "o", "o", "o", "o")
	require.Equal(t, query.SortFit, m.list.rank)
	ids := visibleIDs(m)
	levels := []int{}
	for _, id := range ids {
		it := m.list.byID[id]
		e := it.rankEntry(m.list.worker)
		require.NotNil(t, e.Fit, id)
		_, l, _ := e.Fit.Shown(e.Worker)
		levels = append(levels, map[string]int{"fits": 0, "tight": 1, "offload": 2, "unknown": 3, "too_big": 4}[string(l)])
	}
	for i := 1; i < len(levels); i++ {
		assert.LessOrEqual(t, levels[i-1], levels[i], "%v", ids)
	}
	assert.Equal(t, 0, levels[0])
	assert.Equal(t, 4, levels[len(levels)-1])
}

// New pages are merged in the local order.
func TestLocalOrderMergesNewPages(t *testing.T) {
	f := newFake(genModels(0, 120), 40)
	m := started(t, f, 120, 30)
	m = press(t, m, "o", "o", "o", "o", "o", "o") // params
	require.Equal(t, query.SortParams, m.list.rank)
	m = press(t, m, "G", "G", "G")
	require.Greater(t, len(m.list.all), 40, "more pages came")
	var prev int64
	for _, id := range visibleIDs(m) {
		p := m.list.byID[id].judged.Model.Parameters.Value
		if p == 0 {
			continue
		}
		assert.GreaterOrEqual(t, p, prev, id)
		prev = p
	}
}

// The speed order: the best file's decode speed here, fastest first;
// those without one (too big, not weighed, not calibrated) last. The
// cursor stays on its model.
func TestSpeedOrderInTheBrowser(t *testing.T) {
	m := newTestModelWith(newFake(fixtureModels(), 50), 120, 30, func(o *Options) {
		o.Machine.CPUSpeed = &fit.CPUSpeed{Class: fit.CPUAVX512, Threads: 4, Bandwidth: 40e9}
	})
	m = run(t, m, m.Init())
	m = press(t, m, "c", "o", "o", "o", "o") // likes, trending, updated, fit
	m = press(t, m, "j", "j")
	sel := selectedID(m)
	m = press(t, m, "o", "o", "o", "o") // size, params, context, speed
	require.Equal(t, query.SortSpeed, m.list.rank)
	assert.Equal(t, sel, selectedID(m), "the cursor stays on its model")
	assert.Contains(t, ansi.Strip(m.View()), "by speed (loaded results)")
	var speeds []float64
	unknown := false
	for _, id := range visibleIDs(m) {
		e := m.list.byID[id].rankEntry(m.list.worker)
		var d *float64
		if e.Fit != nil {
			d = e.Fit.Decode(e.Worker)
		}
		if d == nil {
			unknown = true
			continue
		}
		require.False(t, unknown, "%s: a known speed after an unknown one", id)
		speeds = append(speeds, -*d)
	}
	assert.True(t, slices.IsSorted(speeds), "fastest first: %v", speeds)
	assert.GreaterOrEqual(t, len(speeds), 2, "some speeds are known")
	assert.True(t, unknown, "some are not (too big, incompatible)")
}

// o with a detail open: the new order's first page holds the model, so
// it stays highlighted and its detail stays open (it used to close, the
// cursor back on the first row).
func TestNewOrderKeepsTheModelAndItsDetail(t *testing.T) {
	m := run(t, newTestModel(newFake(fixtureModels(), 50), 120, 40), nil)
	m = run(t, m, m.Init())
	m = press(t, m, "j", "j", "enter")
	id := selectedID(m)
	require.NotEmpty(t, id)
	require.True(t, m.detailOpen)
	focus := m.focus

	m = press(t, m, "o")
	assert.Equal(t, "likes", m.query.SortName(), "o asked the Hub for another order")
	assert.Equal(t, id, selectedID(m), "the same model is highlighted")
	assert.True(t, m.detailOpen, "its detail is still open")
	assert.Equal(t, focus, m.focus)
	assert.True(t, m.detail.showing(id))
	assert.Contains(t, ansi.Strip(m.View()), "by likes")
}

// A model the new order's first page does not hold is not followed: the
// list starts on its first row, the detail closed, as for any new search.
func TestNewOrderWithoutTheModel(t *testing.T) {
	f := newFake(fixtureModels(), 2)
	m := run(t, newTestModel(f, 120, 40), nil)
	m = run(t, m, m.Init())
	m = press(t, m, "end")
	m = press(t, m, "enter")
	id := selectedID(m)
	require.True(t, m.detailOpen)
	first := f.pages[""].Models
	for _, x := range first {
		require.NotEqual(t, id, x.ID, "the test wants a model beyond the first page")
	}

	m = press(t, m, "o")
	assert.NotEqual(t, id, selectedID(m))
	assert.False(t, m.detailOpen)
	assert.Zero(t, m.carry, "forgotten once the first page came")
}
