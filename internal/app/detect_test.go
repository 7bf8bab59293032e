package app

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
