package compat

import "strings"

// Machine describes the computer the recommended worker must suit.
type Machine struct {
	// OS is a platform name as workers list them: "linux", "macos" or
	// "windows".
	OS string
	// Arch is Go's GOARCH ("amd64", "arm64", ...).
	Arch string
	// CUDA is true where nvidia-smi answers; ROCm where rocm-smi answers.
	CUDA bool
	ROCm bool
	// HubToken is true when a Hub token is set: the advice for a gated
	// model then never says "set HF_TOKEN".
	HubToken bool
}

// Prober answers whether a command-line tool runs successfully on this
// machine. The real one executes it; tests fake it.
type Prober interface {
	Answers(tool string) bool
}

// DetectMachine describes the machine from Go's GOOS/GOARCH and a prober
// for nvidia-smi and rocm-smi.
func DetectMachine(goos, goarch string, p Prober) Machine {
	m := Machine{OS: PlatformOf(goos), Arch: goarch}
	if p != nil && m.OS != "macos" {
		m.CUDA = p.Answers("nvidia-smi")
		if m.OS == "linux" {
			m.ROCm = p.Answers("rocm-smi")
		}
	}
	return m
}

// PlatformOf maps a GOOS to a worker platform name.
func PlatformOf(goos string) string {
	if goos == "darwin" {
		return "macos"
	}
	return goos
}

// Device returns the accelerator the machine offers, in the policy's order
// (metal on macOS/arm64, cuda, rocm), or "cpu".
func (m Machine) Device() string {
	switch {
	case m.OS == "macos" && m.Arch == "arm64":
		return "metal"
	case m.CUDA:
		return "cuda"
	case m.ROCm:
		return "rocm"
	}
	return "cpu"
}

// suits ranks how well a worker suits the machine: 0 for the machine's
// accelerator, 1 for cpu, -1 when it cannot run here at all.
func (m Machine) suits(w Worker) int {
	if !w.RunsOn(m.OS) {
		return -1
	}
	dev := strings.ToLower(w.Device)
	switch {
	case dev == "cpu":
		return 1
	case dev == m.Device():
		return 0
	}
	return -1
}
