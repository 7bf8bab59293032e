package ui

import (
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// The worker is one choice for the whole list (FIT_POLICY section 6): ""
// shows each model's recommended worker, a name shows that worker for
// every model. w cycles it from the list and from the detail alike; the
// FIT column, m, the detail's files table and p all follow it.

// notHereCell is the FIT cell of a worker that cannot run on this machine
// when no --vram or --memory figure stands in for its device; notHereMark
// is the same in a column one cell wide. "-" stays "incompatible".
const (
	notHereCell = "not on this machine"
	notHereMark = "·"
)

// workerCycle is the order w cycles the list's worker in: each model's
// recommended worker first, then the catalog's workers in order.
func (c fitConfig) workerCycle() []string {
	out := []string{""}
	for _, w := range c.catalog.Workers {
		out = append(out, w.Name)
	}
	return out
}

// nextWorker is the list's worker after one press of w.
func (c fitConfig) nextWorker(cur string) string {
	cycle := c.workerCycle()
	for i, w := range cycle {
		if w == cur {
			return cycle[(i+1)%len(cycle)]
		}
	}
	return ""
}

// shortWorker is a worker's name without the prefix every catalog worker
// shares ("llm-worker-rbee-cuda" reads "cuda"), the whole name when that
// would leave two alike or nothing.
func (c fitConfig) shortWorker(name string) string {
	ws := c.catalog.Workers
	if len(ws) < 2 {
		return text.Sanitize(name)
	}
	prefix := ws[0].Name
	for _, w := range ws[1:] {
		for !strings.HasPrefix(w.Name, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	prefix = prefix[:strings.LastIndexByte(prefix, '-')+1] // whole words only
	seen := map[string]bool{}
	for _, w := range ws {
		s := strings.TrimPrefix(w.Name, prefix)
		if s == "" || seen[s] {
			return text.Sanitize(name)
		}
		seen[s] = true
	}
	if !strings.HasPrefix(name, prefix) || name == prefix {
		return text.Sanitize(name)
	}
	return text.Sanitize(strings.TrimPrefix(name, prefix))
}

// planMachine is the machine a worker is judged against: this one when
// the worker runs here; when it does not, this one given the worker's
// platform and device with the figures --vram (cuda, rocm) or --memory
// (cpu, metal) gave, to plan for another machine. ok is false when the
// worker cannot run here and no figure stands in for its device.
func (c fitConfig) planMachine(name string) (fit.Machine, bool) {
	w, known := c.catalog.Worker(name)
	if !known {
		return c.machine, false
	}
	if fit.RunsHere(w, c.machine) {
		return c.machine, true
	}
	m := c.machine
	device := strings.ToLower(w.Device)
	switch device {
	case fit.DeviceCUDA, fit.DeviceROCm:
		if len(m.GPUs) == 0 || m.GPUs[0].Source != "--vram" {
			return c.machine, false
		}
	case fit.DeviceCPU, fit.DeviceMetal:
		if m.CPU.Source != "--memory" || m.CPU.Available == nil {
			return c.machine, false
		}
	default:
		return c.machine, false
	}
	if device == fit.DeviceMetal {
		m.OS, m.Arch = "macos", "arm64" // planning for an Apple silicon Mac
	} else if !w.RunsOn(m.OS) && len(w.Platforms) > 0 {
		m.OS = strings.ToLower(w.Platforms[0])
	}
	if !fit.RunsHere(w, m) {
		return c.machine, false
	}
	return m, true
}

// notHere reports whether the worker cannot run on this machine and no
// figure lets the browser plan for it: its cells say notHereCell.
func (c fitConfig) notHere(name string) bool {
	if _, known := c.catalog.Worker(name); !known {
		return false
	}
	_, ok := c.planMachine(name)
	return !ok
}

// planning reports whether the worker is judged against figures given for
// another machine (it cannot run on this one).
func (c fitConfig) planning(name string) bool {
	w, known := c.catalog.Worker(name)
	if !known || fit.RunsHere(w, c.machine) {
		return false
	}
	_, ok := c.planMachine(name)
	return ok
}

// notHereSet is notHere for every catalog worker, for the list's rows.
func (c fitConfig) notHereSet() map[string]bool {
	out := map[string]bool{}
	for _, w := range c.catalog.Workers {
		if c.notHere(w.Name) {
			out[w.Name] = true
		}
	}
	return out
}

// needs is what a worker lacks on this machine and the flag that plans
// for it: ("an NVIDIA GPU", "--vram SIZE").
func (c fitConfig) needs(name string) (what, flag string) {
	w, _ := c.catalog.Worker(name)
	device := strings.ToLower(w.Device)
	switch device {
	case fit.DeviceCUDA:
		what, flag = "an NVIDIA GPU", "--vram SIZE"
	case fit.DeviceROCm:
		what, flag = "an AMD GPU", "--vram SIZE"
	case fit.DeviceMetal:
		what, flag = "a Mac with Apple silicon", "--memory SIZE"
	default:
		flag = "--memory SIZE"
	}
	if device != fit.DeviceMetal && !w.RunsOn(c.machine.OS) {
		platforms := text.Sanitize(strings.Join(w.Platforms, " or "))
		if what == "" {
			what = platforms
		} else {
			what = platforms + " with " + what
		}
	}
	return what, flag
}

// workerText is the list's worker for the header: "worker cpu
// (recommended)" for the highlighted model's recommended worker, "worker
// cuda (not on this machine)", "worker metal (planning)".
func (m Model) workerText(c choices) string {
	name := c.worker
	it := m.list.selected()
	if name == "" {
		if it == nil || it.judged.Verdict.RecommendedWorker == "" {
			return "worker recommended"
		}
		name = it.judged.Verdict.RecommendedWorker
	}
	s := "worker " + m.fitCfg.shortWorker(name)
	switch {
	case c.worker == "":
		s += " (recommended)"
	case m.fitCfg.notHere(name):
		s += " (not on this machine)"
	case m.fitCfg.planning(name):
		s += " (planning)"
	}
	return s
}
