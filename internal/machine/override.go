package machine

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/fit"
)

// Override applies --memory and --vram (nil: not given) to m, as FIT_POLICY.md
// section 4 defines them: --memory sets the cpu figure (available = N, total
// unknown, source "--memory"); --vram replaces the GPUs by one GPU of N bytes
// free named and sourced "--vram", with no vendor. m is not modified.
func Override(m fit.Machine, memory, vram *uint64) fit.Machine {
	if memory != nil {
		n := *memory
		m.CPU = fit.Memory{Available: &n, Total: nil, Source: "--memory"}
	}
	if vram != nil {
		m.GPUs = []fit.GPU{{Name: "--vram", Vendor: "", Free: *vram, Total: nil, Source: "--vram"}}
	}
	return m
}

// ParseSize reads a --memory or --vram value: a number (decimals allowed), then
// K, M, G or T, then optionally "B" or "iB"; all are powers of 1024 ("16GiB",
// "8G", "12000MiB", "7.5G"). A bare number is an error.
func ParseSize(s string) (uint64, error) {
	in := strings.TrimSpace(s)
	t := strings.TrimSuffix(strings.TrimSuffix(in, "iB"), "B")
	if t == "" {
		return 0, fmt.Errorf("size %q: want a number and a unit, such as 16GiB or 7.5G", s)
	}
	var shift uint
	switch t[len(t)-1] {
	case 'K', 'k':
		shift = 10
	case 'M', 'm':
		shift = 20
	case 'G', 'g':
		shift = 30
	case 'T', 't':
		shift = 40
	default:
		return 0, fmt.Errorf("size %q: want a unit K, M, G or T (powers of 1024), such as 16GiB or 7.5G", s)
	}
	num := t[:len(t)-1]
	if num == "" || strings.ContainsAny(num, "eE+-_ ") {
		return 0, fmt.Errorf("size %q: want a number before the unit", s)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("size %q: want a number before the unit", s)
	}
	v := math.Round(f * float64(uint64(1)<<shift))
	if v >= math.MaxUint64 {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return uint64(v), nil
}
