package app

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/machine"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Overrides replace what the machine says of itself, to plan for another
// machine (--memory, --vram) or a context (--ctx).
type Overrides struct {
	// Memory is the cpu's memory (--memory), nil to probe.
	Memory *uint64
	// VRAM stands for one GPU with this much free memory (--vram), nil
	// to probe.
	VRAM *uint64
	// Context is the context to judge fit at (--ctx), 0 for each model's
	// default.
	Context int64
	// GPU names the --vram GPU (--gpu), for its bandwidth.
	GPU string
	// Speed is set by commands that judge speed: the CPU's bandwidth is
	// probed (once a run) and GGUF tensor infos are read.
	Speed bool
	// SpeedLater leaves the probe (a fraction of a second) to the caller:
	// Machine.ProbeSpeed instead of Machine.Fit.CPUSpeed, for the browser,
	// which shows its first page meanwhile.
	SpeedLater bool
}

// ParseOverrides reads --memory, --vram and --ctx as given ("" for one
// not given): sizes like 16GiB or 7.5G, contexts like 8192 or 32k.
func ParseOverrides(memory, vram, context string) (Overrides, error) {
	var o Overrides
	for _, s := range []struct {
		name, val string
		dst       **uint64
	}{{"--memory", memory, &o.Memory}, {"--vram", vram, &o.VRAM}} {
		if s.val == "" {
			continue
		}
		n, err := fit.ParseSize(s.val)
		if err != nil {
			return o, fmt.Errorf("%s: %v", s.name, err)
		}
		*s.dst = &n
	}
	if context != "" {
		n, err := fit.ParseContext(context)
		if err != nil {
			return o, fmt.Errorf("--ctx: %v", err)
		}
		o.Context = n
	}
	return o, nil
}

// Machine is this computer as the verdict and the fit see it.
type Machine struct {
	// Fit is what the computer offers (memory, GPUs), overrides applied.
	Fit fit.Machine
	// Compat is the platform and the accelerators, for the recommended
	// worker. A --vram override makes cuda and rocm count as present, as
	// FIT_POLICY section 4 says.
	Compat compat.Machine
	// ProbeSpeed, with Overrides.SpeedLater, probes the CPU's speed (once a
	// run) for Fit.CPUSpeed, which is nil until then; nil when the speed is
	// not judged or is already in Fit.
	ProbeSpeed func() fit.CPUSpeed
}

// FitSoon starts the CPU's speed probe, when it is still to be run
// (ProbeSpeed), in the background, and returns the function that gives
// the machine's fit figures with it, waiting for the probe the first time
// (at once when there is none).
func (m Machine) FitSoon() func() fit.Machine {
	f := m.Fit
	if m.ProbeSpeed == nil {
		return func() fit.Machine { return f }
	}
	done := make(chan fit.CPUSpeed, 1)
	go func() { done <- m.ProbeSpeed() }()
	return sync.OnceValue(func() fit.Machine {
		cs := <-done
		f.CPUSpeed = &cs
		return f
	})
}

// DetectMachine probes this computer: memory from the system, GPUs from
// nvidia-smi and rocm-smi (each at most 2 s; a missing tool is no GPU),
// then applies the overrides. What a person should know (a tool that
// failed) goes to Env.Note.
func DetectMachine(ctx context.Context, env Env, o Overrides) Machine {
	return detectMachine(ctx, env, o, machine.DefaultDeps())
}

func detectMachine(ctx context.Context, env Env, o Overrides, deps machine.Deps) Machine {
	res := machine.Probe(ctx, deps)
	for _, n := range res.Notes {
		env.note(n)
	}
	m := Machine{Fit: machine.OverrideGPU(machine.WithBandwidths(res.Machine), o.Memory, o.VRAM, o.GPU), Compat: res.Compat()}
	switch {
	case o.Speed && o.SpeedLater && env.getenv(BandwidthEnv) == "":
		m.ProbeSpeed = func() fit.CPUSpeed { return machine.CPUSpeed(deps) }
	case o.Speed:
		cs, err := cpuSpeed(env, deps)
		if err != nil {
			env.note(err.Error())
		}
		m.Fit.CPUSpeed = &cs
	}
	if o.VRAM != nil && m.Compat.OS != "macos" {
		m.Compat.CUDA = true
		m.Compat.ROCm = m.Compat.OS == "linux"
	}
	return m
}

// BandwidthEnv names the variable that sets the CPU's memory bandwidth in
// GB/s instead of probing it: for planning another machine, and for tests
// whose output must not depend on the moment's load.
const BandwidthEnv = "MODELBROWSER_CPU_BANDWIDTH"

// cpuSpeed is the CPU's class and cores with its bandwidth: probed once a
// run, or as BandwidthEnv says (a bad value is said and probed instead).
func cpuSpeed(env Env, deps machine.Deps) (fit.CPUSpeed, error) {
	if v := env.getenv(BandwidthEnv); v != "" {
		gb, err := strconv.ParseFloat(v, 64)
		if err == nil && gb > 0 && gb < 1e6 {
			return fit.CPUSpeed{Class: machine.CPUClass(deps.GOARCH), Threads: machine.PhysicalCores(deps), Bandwidth: gb * 1e9}, nil
		}
		return machine.CPUSpeed(deps), fmt.Errorf("%s=%q is not a bandwidth in GB/s; probed instead", BandwidthEnv, text.OneLine(v, 40))
	}
	return machine.CPUSpeed(deps), nil
}
