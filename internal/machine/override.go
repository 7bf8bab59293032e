package machine

import (
	"github.com/modelbrowser/modelbrowser/internal/fit"
)

// Override applies --memory and --vram (nil: not given) to m, as FIT_POLICY.md
// section 4 defines them: --memory sets the cpu figure (available = N, total
// unknown, source "--memory"); --vram replaces the GPUs by one GPU of N bytes
// free named and sourced "--vram", with no vendor. m is not modified.
func Override(m fit.Machine, memory, vram *uint64) fit.Machine {
	return OverrideGPU(m, memory, vram, "")
}

// OverrideGPU is Override with --gpu: with --vram, the GPU is named gpu
// (when not "") and takes that name's bandwidth from the table, for the
// speed estimate (FIT_POLICY.md section 7).
func OverrideGPU(m fit.Machine, memory, vram *uint64, gpu string) fit.Machine {
	if memory != nil {
		n := *memory
		m.CPU = fit.Memory{Available: &n, Total: nil, Source: "--memory"}
	}
	if vram != nil {
		name := "--vram"
		if gpu != "" {
			name = gpu
		}
		bw, _ := GPUBandwidth(gpu)
		m.GPUs = []fit.GPU{{Name: name, Vendor: "", Free: *vram, Total: nil, Source: "--vram", Bandwidth: bw}}
	}
	return m
}
