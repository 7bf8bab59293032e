package app

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/machine"
)

// SpeedLater hands the bandwidth probe to the caller (the browser runs it
// in the background) instead of running it before the session opens; a
// bandwidth given in the environment needs no probe, later or now.
func TestDetectMachineSpeedLater(t *testing.T) {
	env := func(bw string) Env {
		return Env{Getenv: func(k string) string {
			if k == BandwidthEnv {
				return bw
			}
			return ""
		}}
	}
	deps := machine.DefaultDeps()
	ctx := context.Background()

	later := detectMachine(ctx, env(""), Overrides{Speed: true, SpeedLater: true}, deps)
	assert.Nil(t, later.Fit.CPUSpeed, "not probed before the session opens")
	require.NotNil(t, later.ProbeSpeed)

	given := detectMachine(ctx, env("20"), Overrides{Speed: true, SpeedLater: true}, deps)
	require.NotNil(t, given.Fit.CPUSpeed)
	assert.InDelta(t, 20e9, given.Fit.CPUSpeed.Bandwidth, 1)
	assert.Nil(t, given.ProbeSpeed)

	none := detectMachine(ctx, env(""), Overrides{}, deps)
	assert.Nil(t, none.Fit.CPUSpeed)
	assert.Nil(t, none.ProbeSpeed, "a command that does not judge speed probes nothing")

	if testing.Short() {
		return
	}
	cs := later.ProbeSpeed()
	assert.Positive(t, cs.Bandwidth, "the probe, run")
	assert.Positive(t, cs.Threads)
}

// FitSoon runs a pending probe once, in the background from the call,
// and gives the fit figures with its speed; without one, the figures as
// they are.
func TestMachineFitSoon(t *testing.T) {
	avail := uint64(8 << 30)
	base := Machine{}
	base.Fit.CPU.Available = &avail

	plain := base.FitSoon()()
	assert.Nil(t, plain.CPUSpeed)
	assert.Equal(t, &avail, plain.CPU.Available)

	calls := make(chan struct{}, 10)
	later := base
	later.ProbeSpeed = func() fit.CPUSpeed {
		calls <- struct{}{}
		return fit.CPUSpeed{Class: fit.CPUAVX2, Threads: 4, Bandwidth: 3e10}
	}
	soon := later.FitSoon()
	select {
	case <-calls: // started before anyone asks
	case <-time.After(5 * time.Second):
		t.Fatal("the probe did not start in the background")
	}
	got := soon()
	require.NotNil(t, got.CPUSpeed)
	assert.InDelta(t, 3e10, got.CPUSpeed.Bandwidth, 1)
	assert.Equal(t, got, soon(), "the same figures the second time")
	assert.Empty(t, calls, "probed once")
	assert.Nil(t, base.Fit.CPUSpeed, "the session's machine is left as it was")
}
