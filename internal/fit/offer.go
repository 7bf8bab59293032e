package fit

import (
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// Memory is one figure of memory with where it came from. Nil pointers are unknown.
type Memory struct {
	Available *uint64 `json:"available"`
	Total     *uint64 `json:"total"`  // nil for an override (--memory)
	Source    string  `json:"source"` // "/proc/meminfo", "sysctl", "GlobalMemoryStatusEx", "--memory"
}

// GPU is one accelerator.
type GPU struct {
	Name   string  `json:"name"`
	Vendor string  `json:"-"` // "nvidia", "amd", "apple", or "" for a --vram override (stands for cuda and rocm)
	Total  *uint64 `json:"total"`
	Free   uint64  `json:"free"`
	Source string  `json:"source"` // "nvidia-smi", "rocm-smi", "--vram", "unified memory"
	// Bandwidth is the memory bandwidth in GB/s from the table keyed by
	// Name (policy section 7), 0 when the GPU is not in it.
	Bandwidth float64 `json:"-"`
}

// Machine is what this computer offers.
type Machine struct {
	OS   string `json:"-"` // linux, macos, windows (worker platform names)
	Arch string `json:"-"` // GOARCH
	CPU  Memory `json:"cpu"`
	GPUs []GPU  `json:"gpus"`
	// CPUSpeed is the CPU's class, cores and measured bandwidth, nil in
	// commands that do not judge speed.
	CPUSpeed *CPUSpeed `json:"-"`
}

// Vendors of GPUs.
const (
	VendorNVIDIA = "nvidia"
	VendorAMD    = "amd"
	VendorApple  = "apple"
)

// vendorOf is the GPU vendor a device needs.
func vendorOf(device string) string {
	switch device {
	case DeviceCUDA:
		return VendorNVIDIA
	case DeviceROCm:
		return VendorAMD
	}
	return ""
}

// gpusFor are the GPUs a cuda or rocm worker can use: those of its vendor
// and --vram overrides.
func (m Machine) gpusFor(device string) []GPU {
	want := vendorOf(device)
	if want == "" {
		return nil
	}
	var out []GPU
	for _, g := range m.GPUs {
		v := strings.ToLower(g.Vendor)
		if v == want || v == "" {
			out = append(out, g)
		}
	}
	return out
}

// HasDevice reports whether the machine has the device: cpu always; cuda
// and rocm with a GPU of their vendor or a --vram override; metal on
// macOS with an Apple GPU or on arm64.
func (m Machine) HasDevice(device string) bool {
	switch d := strings.ToLower(device); d {
	case DeviceCPU:
		return true
	case DeviceCUDA, DeviceROCm:
		return len(m.gpusFor(d)) > 0
	case DeviceMetal:
		if m.OS != "macos" {
			return false
		}
		if m.Arch == "arm64" {
			return true
		}
		for _, g := range m.GPUs {
			if strings.EqualFold(g.Vendor, VendorApple) {
				return true
			}
		}
	}
	return false
}

// RunsHere reports whether a worker can run on the machine: the machine's
// platform is one of the worker's (when both are known) and the worker's
// device is present.
func RunsHere(w compat.Worker, m Machine) bool {
	return w.RunsOn(m.OS) && m.HasDevice(w.Device)
}

// Offer is the memory a device offers, ok false when unknown (policy
// section 4): cpu the memory available; cuda and rocm the free memory of
// their GPUs less one reserve per GPU beyond the first; metal at most 75%
// of the unified memory (66% when it is 36 GiB or less) and no more than
// is available.
func (m Machine) Offer(device string) (uint64, bool) {
	switch d := strings.ToLower(device); d {
	case DeviceCPU:
		if m.CPU.Available == nil {
			return 0, false
		}
		return *m.CPU.Available, true
	case DeviceCUDA, DeviceROCm:
		gpus := m.gpusFor(d)
		if len(gpus) == 0 {
			return 0, false
		}
		var free uint64
		for _, g := range gpus {
			free = addSat(free, g.Free)
		}
		cut := mulSat(ReserveGPU, uint64(len(gpus)-1))
		if cut >= free {
			return 0, true
		}
		return free - cut, true
	case DeviceMetal:
		if !m.HasDevice(DeviceMetal) || m.CPU.Available == nil {
			return 0, false
		}
		avail := *m.CPU.Available
		total := avail // an override has no total: take the share of what it gives
		if m.CPU.Total != nil {
			total = *m.CPU.Total
		}
		for _, g := range m.GPUs {
			if strings.EqualFold(g.Vendor, VendorApple) && g.Total != nil {
				total = *g.Total
				break
			}
		}
		share := fraction(total, 3, 4)
		if total <= 36*GiB {
			share = fraction(total, 66, 100)
		}
		return min(share, avail), true
	}
	return 0, false
}
