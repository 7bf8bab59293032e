package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// The CPU's speed is measured in the background from the start
// (Options.ProbeSpeed): the list and the detail do not wait for it, and
// when it arrives the fits in view are judged again with their tok/s.
func TestSpeedArrivesAfterTheStart(t *testing.T) {
	probed := 0
	m := New(Options{Query: query.Query{Text: "llm"}, Catalog: compat.DefaultCatalog(), Searcher: newFake(fixtureModels(), 50), Now: clock,
		Machine: testMachine(), ProbeSpeed: func() fit.CPUSpeed {
			probed++
			return fit.CPUSpeed{Class: fit.CPUAVX512, Threads: 2, Bandwidth: 20e9}
		}})
	m, _ = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})

	var speed tea.Msg
	var rest []tea.Cmd
	for _, msg := range messages(m.Init()) {
		if _, ok := msg.(speedProbedMsg); ok {
			speed = msg
			continue
		}
		rest = append(rest, func() tea.Msg { return msg })
	}
	require.NotNil(t, speed, "Init starts the probe")
	assert.Equal(t, 1, probed)
	m = run(t, m, tea.Batch(rest...))
	m = onGGUFDetail(t, m)
	before := ansi.Strip(m.View())
	assert.Regexp(t, `› Q8_0 +7\.5 GiB .*✓ fits`, before, "the fit is there before the speed")
	assert.NotContains(t, before, "tok/s")

	m = run(t, m, func() tea.Msg { return speed })
	assert.Equal(t, 1, probed, "measured once")
	after := ansi.Strip(m.View())
	assert.Regexp(t, `› Q8_0 +7\.5 GiB .*✓ fits +best · ~[0-9.]+ tok`, after, "the detail's table shows the speed")
	assert.Contains(t, after, "decode ~", "and the highlighted variant's speed line")
}

// Without a probe (a fixed bandwidth, or a command that does not judge
// speed) Init asks for nothing more.
func TestNoSpeedProbeWithoutOne(t *testing.T) {
	m := newTestModel(newFake(fixtureModels(), 50), 120, 40)
	for _, msg := range messages(m.Init()) {
		_, isSpeed := msg.(speedProbedMsg)
		assert.False(t, isSpeed)
	}
}
