package machine

import (
	"sort"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/fit"
)

// gpuBandwidth is memory bandwidth in GB/s by a name the probes report
// (nvidia-smi's name, rocm-smi's card series, Apple's chip name), matched
// as whole words anywhere in the name, longest key first (FIT_POLICY.md
// section 7): "H100 80GB HBM3" (SXM) before "H100". Each figure is the
// vendor's published specification; the comment names where.
var gpuBandwidth = map[string]float64{
	// NVIDIA GeForce RTX 20 series: nvidia.com/en-us/geforce/20-series/ specs
	// (and the TITAN RTX page).
	"RTX 2060":       336,
	"RTX 2060 SUPER": 448,
	"RTX 2070":       448,
	"RTX 2070 SUPER": 448,
	"RTX 2080":       448,
	"RTX 2080 SUPER": 496,
	"RTX 2080 Ti":    616,
	"TITAN RTX":      672,
	// RTX 30 series: nvidia.com/en-us/geforce/graphics-cards/30-series/ specs.
	"RTX 3050":    224,
	"RTX 3060":    360,
	"RTX 3060 Ti": 448,
	"RTX 3070":    448,
	"RTX 3070 Ti": 608,
	"RTX 3080":    760, // 10 GB card; the 12 GB one has 912
	"RTX 3080 Ti": 912,
	"RTX 3090":    936,
	"RTX 3090 Ti": 1008,
	// RTX 40 series: nvidia.com/en-us/geforce/graphics-cards/40-series/ specs.
	"RTX 4060":          272,
	"RTX 4060 Ti":       288,
	"RTX 4070":          504,
	"RTX 4070 SUPER":    504,
	"RTX 4070 Ti":       504,
	"RTX 4070 Ti SUPER": 672,
	"RTX 4080":          717,
	"RTX 4080 SUPER":    736,
	"RTX 4090":          1008,
	// RTX 50 series: nvidia.com/en-us/geforce/graphics-cards/50-series/ specs.
	"RTX 5060":    448,
	"RTX 5060 Ti": 448,
	"RTX 5070":    672,
	"RTX 5070 Ti": 896,
	"RTX 5080":    960,
	"RTX 5090":    1792,
	// Data centre: the A100, H100, L4, L40S, T4 and V100 datasheets on nvidia.com.
	"A100-PCIE-40GB": 1555,
	"A100-SXM4-40GB": 1555,
	"A100 80GB PCIe": 1935,
	"A100-SXM4-80GB": 2039,
	"H100 PCIe":      2039,
	"H100 80GB HBM3": 3350, // SXM5
	"H100 NVL":       3938,
	"L4":             300,
	"L40S":           864,
	"Tesla T4":       320,
	"Tesla V100":     900,
	"V100":           900,
	// AMD: amd.com product pages (Radeon RX 7900 XT/XTX, Instinct MI250/MI250X, MI300X).
	"RX 7900 XTX": 960,
	"RX 7900 XT":  800,
	"MI250":       3277,
	"MI250X":      3277,
	"MI300X":      5300,
	// Apple: apple.com newsroom announcements and tech specs of each chip.
	"Apple M1":       68,
	"Apple M1 Pro":   200,
	"Apple M1 Max":   400,
	"Apple M1 Ultra": 800,
	"Apple M2":       100,
	"Apple M2 Pro":   200,
	"Apple M2 Max":   400,
	"Apple M2 Ultra": 800,
	"Apple M3":       100,
	"Apple M3 Pro":   150,
	"Apple M3 Max":   400, // the 16-core CPU part; the 14-core one has 300
	"Apple M3 Ultra": 819,
	"Apple M4":       120,
	"Apple M4 Pro":   273,
	"Apple M4 Max":   546, // the 16-core CPU part; the 14-core one has 410
	// There is no M4 Ultra (Apple's Ultra of that generation is the M3 Ultra).
}

// gpuKeys are the table's keys, longest first (ties in order).
var gpuKeys = func() []string {
	keys := make([]string, 0, len(gpuBandwidth))
	for k := range gpuBandwidth {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) > len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return keys
}()

// GPUBandwidth is the memory bandwidth (GB/s) of a GPU by the name a
// probe reports, and the table's key that matched: the longest key found
// in the name as whole words, ignoring case; 0 and "" when none matches.
func GPUBandwidth(name string) (float64, string) {
	n := strings.ToUpper(name)
	for _, k := range gpuKeys {
		if containsWord(n, strings.ToUpper(k)) {
			return gpuBandwidth[k], k
		}
	}
	return 0, ""
}

// containsWord reports whether k occurs in s with no letter or digit
// just before or after it.
func containsWord(s, k string) bool {
	for from := 0; from <= len(s)-len(k); {
		i := strings.Index(s[from:], k)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(k)
		if (i == 0 || !alnum(s[i-1])) && (end == len(s) || !alnum(s[end])) {
			return true
		}
		from = i + 1
	}
	return false
}

func alnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// WithBandwidths sets each GPU's bandwidth from the table.
func WithBandwidths(m fit.Machine) fit.Machine {
	gpus := make([]fit.GPU, len(m.GPUs))
	for i, g := range m.GPUs {
		g.Bandwidth, _ = GPUBandwidth(g.Name)
		gpus[i] = g
	}
	m.GPUs = gpus
	return m
}
