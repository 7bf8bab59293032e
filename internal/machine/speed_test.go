package machine

import (
	"runtime"
	"testing"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/fit"
)

func TestGPUBandwidthLongestMatch(t *testing.T) {
	for _, c := range []struct {
		name string
		bw   float64
		key  string
	}{
		{"NVIDIA GeForce RTX 4090", 1008, "RTX 4090"},
		{"NVIDIA H100 80GB HBM3", 3350, "H100 80GB HBM3"}, // SXM: not the PCIe card's 2039
		{"NVIDIA H100 PCIe", 2039, "H100 PCIe"},
		{"NVIDIA GeForce RTX 4070 Ti SUPER", 672, "RTX 4070 Ti SUPER"},
		{"NVIDIA GeForce RTX 4070 Ti", 504, "RTX 4070 Ti"},
		{"NVIDIA GeForce RTX 3060 Ti", 448, "RTX 3060 Ti"},
		{"NVIDIA GeForce RTX 3060", 360, "RTX 3060"},
		{"NVIDIA A100-SXM4-80GB", 2039, "A100-SXM4-80GB"},
		{"Tesla T4", 320, "Tesla T4"},
		{"Tesla V100-SXM2-16GB", 900, "Tesla V100"},
		{"NVIDIA L40S", 864, "L40S"},
		{"NVIDIA L4", 300, "L4"},
		{"AMD Radeon RX 7900 XTX", 960, "RX 7900 XTX"},
		{"AMD Radeon RX 7900 XT", 800, "RX 7900 XT"},
		{"AMD Instinct MI300X", 5300, "MI300X"},
		{"Apple M2 Max", 400, "Apple M2 Max"},
		{"Apple M2", 100, "Apple M2"},
		{"apple m4 pro", 273, "Apple M4 Pro"},
		// Not in the table: older than its oldest generation, or unknown.
		{"NVIDIA GeForce GTX 1050 Ti", 0, ""},
		{"--vram", 0, ""},
		{"NVIDIA GeForce RTX 40900", 0, ""}, // whole words only
		{"NVIDIA L40", 0, ""},               // not L4, not L40S
	} {
		bw, key := GPUBandwidth(c.name)
		if bw != c.bw || key != c.key {
			t.Errorf("%q: %v GB/s by %q, want %v by %q", c.name, bw, key, c.bw, c.key)
		}
	}
}

func TestOverrideGPU(t *testing.T) {
	v := uint64(24 << 30)
	m := OverrideGPU(fit.Machine{}, nil, &v, "NVIDIA GeForce RTX 4090")
	if len(m.GPUs) != 1 || m.GPUs[0].Name != "NVIDIA GeForce RTX 4090" || m.GPUs[0].Bandwidth != 1008 || m.GPUs[0].Source != "--vram" {
		t.Errorf("--vram --gpu: %+v", m.GPUs)
	}
	m = Override(fit.Machine{}, nil, &v)
	if m.GPUs[0].Name != "--vram" || m.GPUs[0].Bandwidth != 0 {
		t.Errorf("--vram alone: %+v", m.GPUs)
	}
}

// The probe stays within its bounds: about its array in memory, and a
// few passes in well under a second (here on a 64 MiB array).
func TestBandwidthBounds(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	bw := Bandwidth(64<<20, 2)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if bw < 1e8 || bw > 1e13 {
		t.Errorf("bandwidth %.3g B/s is not a memory bandwidth", bw)
	}
	if took > 2*time.Second && !raceEnabled {
		t.Errorf("took %v", took)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20+1<<20 {
		t.Errorf("allocated %d bytes for a 64 MiB probe", alloc)
	}
}

// The real probe: 256 MiB, one goroutine per core, about 0.2 s, once per run.
func TestCPUSpeedOnce(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocates 256 MiB; its time is not bounded under the race detector")
	}
	start := time.Now()
	a := CPUSpeed(DefaultDeps())
	first := time.Since(start)
	start = time.Now()
	b := CPUSpeed(DefaultDeps())
	if a != b || time.Since(start) > 10*time.Millisecond {
		t.Errorf("second call %v, %+v vs %+v", time.Since(start), a, b)
	}
	// About 0.2 s on an idle machine; 2.5 s measured at a load average of 15 on 2 cores.
	if first > 6*time.Second || a.Threads < 1 || a.Bandwidth <= 0 {
		t.Errorf("probe took %v: %+v", first, a)
	}
	t.Logf("%+v in %v", a, first)
}

func TestParseCores(t *testing.T) {
	// Two sockets of two cores with two threads each: 4 physical cores.
	var data []byte
	for _, pc := range [][2]string{{"0", "0"}, {"0", "1"}, {"0", "0"}, {"0", "1"}, {"1", "0"}, {"1", "1"}, {"1", "0"}, {"1", "1"}} {
		data = append(data, []byte("processor\t: x\nphysical id\t: "+pc[0]+"\ncore id\t\t: "+pc[1]+"\n\n")...)
	}
	if n := ParseCores(data); n != 4 {
		t.Errorf("%d cores, want 4", n)
	}
	if n := ParseCores([]byte("processor\t: 0\nBogoMIPS\t: 50\n")); n != 0 {
		t.Errorf("no core ids: %d", n)
	}
}
