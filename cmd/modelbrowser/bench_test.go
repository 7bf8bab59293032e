package main

import (
	"context"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

// searchBench runs `search "" --all --limit 500 --json --no-context` in
// process against a fake Hub on loopback (pages of 100, full expand
// fields): budgets A and B of BENCHMARKS.md without the process start.
// bench/compare.sh measures the same thing as whole processes.
func searchBench(b *testing.B, warm bool) {
	hub := hubtesting.New(b, hubtest.Options{PageSize: 100, Synthetic: 500, NoFixtures: true})
	home := b.TempDir()
	vars := map[string]string{
		"HF_ENDPOINT":            hub.URL,
		"HOME":                   home,
		"XDG_CONFIG_HOME":        filepath.Join(home, "config"),
		"MODELBROWSER_CACHE_DIR": filepath.Join(home, "cache"),
	}
	e := env{
		args:   []string{"search", "", "--all", "--limit", "500", "--json", "--no-context"},
		getenv: func(k string) string { return vars[k] },
		stdin:  strings.NewReader(""),
		stdout: io.Discard,
		stderr: io.Discard,
	}
	n := 0
	if warm {
		if code := run(context.Background(), e); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportAllocs()
	cpu0, cpuOK := processCPU()
	for b.Loop() {
		if !warm {
			n++
			vars["MODELBROWSER_CACHE_DIR"] = filepath.Join(home, "cache", strconv.Itoa(n)) // empty: cold
		}
		if code := run(context.Background(), e); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
	// CPU time (the process's, the collector's included) moves less than
	// wall time when other work shares the machine (BENCHMARKS.md).
	if cpu1, ok := processCPU(); ok && cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/1e6/float64(b.N), "cpu-ms/op")
	}
}

func BenchmarkSearchCold(b *testing.B) { searchBench(b, false) }
func BenchmarkSearchWarm(b *testing.B) { searchBench(b, true) }
