package machine

import (
	"strings"
	"testing"
)

// FuzzParsers feeds any output to every parser: an error or a result, never a
// panic, and every GPU a parser returns has a name without control characters.
func FuzzParsers(f *testing.F) {
	for _, name := range []string{"meminfo-linux-6.8.txt", "nvidia-smi-two.txt", "nvidia-smi-na.txt",
		"rocm-smi-two.json", "vm_stat-m2.txt", "empty.txt"} {
		data, err := readFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if a, tot, err := ParseMeminfo(data); err == nil && tot == nil {
			t.Fatalf("no error and no total (available %v)", a)
		}
		gpus, _, err := ParseNvidiaSMI(data)
		if err == nil {
			for _, g := range gpus {
				if g.Name == "" || strings.ContainsFunc(g.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
					t.Fatalf("bad name %q", g.Name)
				}
			}
		}
		if gpus, err := ParseRocmSMI(data); err == nil {
			for _, g := range gpus {
				if g.Total == nil || g.Free > *g.Total {
					t.Fatalf("free %d over total %v", g.Free, g.Total)
				}
			}
		}
		ParseVMStat(data)
	})
}
