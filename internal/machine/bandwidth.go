package machine

import (
	"bufio"
	"bytes"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/cpu"

	"github.com/modelbrowser/modelbrowser/internal/fit"
)

// Bounds of the bandwidth probe (FIT_POLICY.md section 7).
const (
	// ProbeBytes is the array the probe sums: larger than any CPU's
	// caches, small enough to allocate anywhere a model runs.
	ProbeBytes = 256 << 20
	// ProbePasses is the most passes over it; the best one counts.
	ProbePasses = 5
	// ProbeBudget stops the passes early (after at least 3) once spent.
	ProbeBudget = 300 * time.Millisecond
)

// Bandwidth sums an array of size bytes (rounded down to 8-byte words)
// with one goroutine per thread, ProbePasses times at most (at least 3,
// until ProbeBudget is spent), and returns the best pass's bytes per
// second. The array is filled first, so that its pages are real.
//
// Filling is most of the probe's time: a fresh 256 MiB is 65,536 page
// faults, 0.75 s on one core of a virtual machine whose faults are slow.
// The goroutines that sum the array therefore fill it too, each its own
// part: a warm check went from 0.88 to 0.56 s there, the figure the
// same (BENCHMARKS.md). Memory made present in one call
// (MADV_POPULATE_WRITE) was faster still (0.40 s) but read 7 % faster
// than the Go heap, so the figure the speed model was calibrated with
// would have moved.
func Bandwidth(size, threads int) float64 {
	threads = max(threads, 1)
	words := make([]uint64, size/8)
	chunk := (len(words) + threads - 1) / threads
	var fill sync.WaitGroup
	for g := 0; g < threads; g++ {
		lo := min(g*chunk, len(words))
		hi := min(lo+chunk, len(words))
		fill.Add(1)
		go func(part []uint64, base int) {
			defer fill.Done()
			for i := range part {
				part[i] = uint64(base + i)
			}
		}(words[lo:hi], lo)
	}
	fill.Wait()
	var sink uint64
	var mu sync.Mutex
	best := time.Duration(0)
	start := time.Now()
	for pass := 0; pass < ProbePasses; pass++ {
		if pass >= 3 && time.Since(start) > ProbeBudget {
			break
		}
		var wg sync.WaitGroup
		t0 := time.Now()
		for g := 0; g < threads; g++ {
			lo := min(g*chunk, len(words))
			hi := min(lo+chunk, len(words))
			wg.Add(1)
			go func(part []uint64) {
				defer wg.Done()
				var a, b, c, d uint64
				i := 0
				for ; i+4 <= len(part); i += 4 {
					a += part[i]
					b += part[i+1]
					c += part[i+2]
					d += part[i+3]
				}
				for ; i < len(part); i++ {
					a += part[i]
				}
				mu.Lock()
				sink += a + b + c + d
				mu.Unlock()
			}(words[lo:hi])
		}
		wg.Wait()
		if d := time.Since(t0); best == 0 || d < best {
			best = d
		}
	}
	runtime.KeepAlive(sink)
	if best <= 0 {
		return 0
	}
	return float64(len(words)*8) / best.Seconds()
}

var (
	speedOnce sync.Once
	speedRes  fit.CPUSpeed
)

// CPUSpeed probes this CPU once per run (later calls return the first
// answer): its class, physical cores and memory bandwidth (Bandwidth
// over ProbeBytes, one goroutine per physical core, about 0.2 s). Only
// commands that judge speed call it.
func CPUSpeed(d Deps) fit.CPUSpeed {
	speedOnce.Do(func() {
		cores := PhysicalCores(d)
		speedRes = fit.CPUSpeed{Class: CPUClass(d.GOARCH), Threads: cores, Bandwidth: Bandwidth(ProbeBytes, cores)}
	})
	return speedRes
}

// CPUClass is the CPU's class for the speed calibration: avx512 (x86-64
// with AVX-512 F), avx2, neon (arm64: ASIMD is architectural), or "".
func CPUClass(goarch string) string {
	switch goarch {
	case "amd64":
		switch {
		case cpu.X86.HasAVX512F:
			return fit.CPUAVX512
		case cpu.X86.HasAVX2:
			return fit.CPUAVX2
		}
	case "arm64":
		return fit.CPUNEON
	}
	return ""
}

// PhysicalCores counts the physical cores (llama.cpp's default threads):
// on Linux the distinct (physical id, core id) pairs of /proc/cpuinfo,
// else, or when it gives none, the logical CPUs.
func PhysicalCores(d Deps) int {
	if d.GOOS == "linux" && d.ReadFile != nil {
		if data, err := d.ReadFile("/proc/cpuinfo"); err == nil {
			if n := ParseCores(data); n > 0 {
				return n
			}
		}
	}
	return runtime.NumCPU()
}

// ParseCores counts distinct (physical id, core id) pairs in
// /proc/cpuinfo; 0 when it has no core ids (some Arm kernels).
func ParseCores(data []byte) int {
	seen := map[[2]string]bool{}
	var phys string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "physical id":
			phys = strings.TrimSpace(v)
		case "core id":
			seen[[2]string{phys, strings.TrimSpace(v)}] = true
		}
	}
	return len(seen)
}
