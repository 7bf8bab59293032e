//go:build unix

package machine

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeTools puts executable shell scripts, name -> body, first on PATH,
// so that Probe with ExecRunner runs them as it would run the real tools.
func fakeTools(t *testing.T, scripts map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return dir
}

func linuxDeps(t *testing.T, timeout time.Duration) Deps {
	return Deps{GOOS: "linux", GOARCH: "amd64", ReadFile: meminfoReader(t, "meminfo-linux-6.8.txt"),
		Run: ExecRunner, Timeout: timeout}
}

// An nvidia-smi that streams /dev/zero is read up to MaxOutput and no
// further: the probe's memory stays bounded, the answer is a note, not a GPU,
// and the tool is stopped at once rather than at the timeout.
func TestProbeToolFloodingOutput(t *testing.T) {
	fakeTools(t, map[string]string{"nvidia-smi": "exec cat /dev/zero"})
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	r := Probe(context.Background(), linuxDeps(t, 2*time.Second))
	el := time.Since(start)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("flooding nvidia-smi: %v, %d bytes allocated, notes %q", el, alloc, r.Notes)
	if alloc > 4*MaxOutput+1<<20 {
		t.Errorf("probe allocated %d bytes reading a flooding tool, want at most about %d", alloc, MaxOutput)
	}
	if r.CUDA || len(r.Machine.GPUs) != 0 {
		t.Errorf("a flooding nvidia-smi gave an answer: %+v", r)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "nvidia-smi") || !strings.Contains(r.Notes[0], "64 KiB") {
		t.Errorf("notes = %q, want one saying nvidia-smi's output is over 64 KiB", r.Notes)
	}
	if el > time.Second {
		t.Errorf("flooding tool took %v: it should be stopped as soon as its output is over the cap", el)
	}
}

// Output of exactly MaxOutput bytes is still read; one byte more is not.
func TestExecRunnerCap(t *testing.T) {
	fakeTools(t, map[string]string{"tool": `head -c "$1" /dev/zero`})
	out, err := ExecRunner(context.Background(), "tool", strconv.Itoa(MaxOutput))
	if err != nil || len(out) != MaxOutput {
		t.Errorf("%d bytes: read %d, err %v", MaxOutput, len(out), err)
	}
	out, err = ExecRunner(context.Background(), "tool", strconv.Itoa(MaxOutput+1))
	if err == nil || out != nil {
		t.Errorf("%d bytes: read %d, err %v; want an error and nothing", MaxOutput+1, len(out), err)
	}
}

// An nvidia-smi that answers, exits, and leaves a child holding its
// standard output keeps its answer, and the probe returns soon after
// WaitDelay, not when the child ends.
func TestProbeToolChildHoldsOutput(t *testing.T) {
	dir := fakeTools(t, nil)
	pidFile := filepath.Join(dir, "child.pid")
	script := "echo 'NVIDIA GeForce RTX 4090, 24564, 23000'\nsleep 30 &\necho $! > " + pidFile + "\n"
	if err := os.WriteFile(filepath.Join(dir, "nvidia-smi"), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The child is this test's own: end it by its id.
		if b, err := os.ReadFile(pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				_ = syscall.Kill(pid, syscall.SIGTERM)
			}
		}
	})
	start := time.Now()
	r := Probe(context.Background(), linuxDeps(t, 2*time.Second))
	el := time.Since(start)
	t.Logf("nvidia-smi with a child holding stdout: %v, notes %q", el, r.Notes)
	if !r.CUDA || len(r.Machine.GPUs) != 1 || r.Machine.GPUs[0].Name != "NVIDIA GeForce RTX 4090" {
		t.Errorf("answer lost: CUDA %v, GPUs %+v, notes %q", r.CUDA, r.Machine.GPUs, r.Notes)
	}
	if len(r.Notes) != 0 {
		t.Errorf("notes = %q, want none", r.Notes)
	}
	if el > 3*time.Second {
		t.Errorf("probe took %v, want about WaitDelay", el)
	}
}
