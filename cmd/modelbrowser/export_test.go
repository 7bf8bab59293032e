package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

// exportBin is the binary against a fake Hub of 10,000 generated models
// served 100 a page.
func exportBin(t *testing.T) *binHarness {
	t.Helper()
	b := newBin(t, hubtest.Options{PageSize: 100, NoFixtures: true, Synthetic: 10000})
	delete(b.vars, "HF_TOKEN")
	return b
}

// started is a run of the binary that the test ends.
type started struct {
	cmd      *exec.Cmd
	out, err bytes.Buffer
	done     chan struct{}
	code     int
}

func (b *binHarness) start(args ...string) *started {
	b.t.Helper()
	s := &started{done: make(chan struct{})}
	s.cmd = exec.Command(binPath, args...)
	s.cmd.Env = b.env()
	s.cmd.Dir = b.home
	s.cmd.Stdout, s.cmd.Stderr = &s.out, &s.err
	require.NoError(b.t, s.cmd.Start())
	go func() {
		err := s.cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			s.code = ee.ExitCode()
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				s.code = 128 + int(ws.Signal())
			}
		}
		close(s.done)
	}()
	b.t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.done
	})
	return s
}

// waitFor waits until cond holds, or fails the test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(binTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *started) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(binTimeout):
		t.Fatalf("hang: %s", s.err.String())
	}
	return s.code
}

// listQueries are the list requests the Hub received, by query string.
func listQueries(h *hubtest.Server) map[string]int {
	out := map[string]int{}
	for _, r := range h.Requests() {
		if r.Route == hubtest.RouteList {
			out[r.RawQuery]++
		}
	}
	return out
}

func readLines(t *testing.T, path string) []report.SearchElement {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []report.SearchElement
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var el report.SearchElement
		require.NoError(t, json.Unmarshal([]byte(l), &el), l)
		out = append(out, el)
	}
	return out
}

func readState(t *testing.T, path string) app.ExportState {
	t.Helper()
	b, err := os.ReadFile(path + ".state")
	require.NoError(t, err)
	var st app.ExportState
	require.NoError(t, json.Unmarshal(b, &st))
	return st
}

// vmHWM is the peak resident set of a running process, in KiB.
func vmHWM(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err == nil {
				return kb, true
			}
		}
	}
	return 0, false
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// export --all lists each model once, in the Hub's order, with list
// requests only; the compatible export is exactly the compatible lines of
// --all; a finished export run again changes nothing; another query on
// its state is refused with the file untouched.
func TestBinaryExportWholeListing(t *testing.T) {
	t.Parallel()
	b := exportBin(t)
	dir := t.TempDir()
	all := filepath.Join(dir, "all.jsonl")
	s := b.start("export", "--all", "--out", all)
	// The child's rusage counts the test process it was forked from: its
	// own high-water mark is read while it runs.
	hwm := int64(0)
	for {
		if kb, ok := vmHWM(s.cmd.Process.Pid); ok {
			hwm = max(hwm, kb)
		}
		select {
		case <-s.done:
		case <-time.After(20 * time.Millisecond):
			continue
		}
		break
	}
	require.Equal(t, exitOK, s.wait(t), "%s", s.err.String())
	assert.Positive(t, hwm)
	assert.Less(t, hwm, int64(64<<10), "peak resident set under 64 MB")
	r := binResult{code: s.code, stderr: s.err.String()}
	els := readLines(t, all)
	require.Len(t, els, 10000)
	for i, el := range els {
		require.Equal(t, fmt.Sprintf("synthetic-org-%d/model-%d-", i%17, i), el.ID[:len(fmt.Sprintf("synthetic-org-%d/model-%d-", i%17, i))], "line %d: the Hub's order (downloads)", i+1)
	}
	for q, n := range listQueries(b.hub) {
		assert.Equal(t, 1, n, "page %s asked %d times", q, n)
	}
	assert.Equal(t, b.hub.Count(hubtest.RouteList), b.hub.Count(hubtest.RouteAny), "list requests only")
	assert.Equal(t, 100, b.hub.Count(hubtest.RouteList))
	assert.Contains(t, lastLine(r.stderr), "export: 10,000 scanned, 10,000 kept (100.0%), 100 pages, 100 requests, ")
	st := readState(t, all)
	assert.True(t, st.Complete)
	assert.EqualValues(t, 10000, st.Scanned)

	comp := filepath.Join(dir, "compatible.jsonl")
	r = b.run("export", "--out", comp)
	require.Equal(t, exitOK, r.code, "%s", r)
	allBytes, _ := os.ReadFile(all)
	var want strings.Builder
	for _, l := range strings.SplitAfter(string(allBytes), "\n") {
		if strings.Contains(l, `,"compatible":true,`) {
			want.WriteString(l)
		}
	}
	got, _ := os.ReadFile(comp)
	assert.Equal(t, want.String(), string(got))
	assert.Greater(t, want.Len(), 0)
	assert.Less(t, len(got), len(allBytes))

	before := b.hub.Count(hubtest.RouteAny)
	r = b.run("export", "--out", comp)
	require.Equal(t, exitOK, r.code, "%s", r)
	assert.Contains(t, r.stderr, "is complete already")
	assert.Equal(t, before, b.hub.Count(hubtest.RouteAny), "nothing asked")
	again, _ := os.ReadFile(comp)
	assert.Equal(t, string(got), string(again))

	stateBefore, _ := os.ReadFile(all + ".state")
	r = b.run("export", "--filter", "gguf", "--out", all)
	requireOneLineError(t, r)
	assert.Contains(t, r.stderr, "--restart")
	after, _ := os.ReadFile(all)
	assert.Equal(t, string(allBytes), string(after), "FILE untouched")
	stateAfter, _ := os.ReadFile(all + ".state")
	assert.Equal(t, string(stateBefore), string(stateAfter))

	mine := filepath.Join(dir, "mine.txt")
	require.NoError(t, os.WriteFile(mine, []byte("not an export\n"), 0o644))
	r = b.run("export", "--out", mine)
	requireOneLineError(t, r)
	assert.Contains(t, r.stderr, "--restart")
	kept, _ := os.ReadFile(mine)
	assert.Equal(t, "not an export\n", string(kept))
}

// SIGKILL in the middle of a page, then the same command: the file is
// byte for byte what an uninterrupted run writes, and only the page under
// way was asked twice. SIGINT: exit 130, the file and its state
// consistent, and the next run goes on. A 429 mid-way is waited out.
func TestBinaryExportInterrupted(t *testing.T) {
	t.Parallel()
	b := exportBin(t)
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.jsonl")
	require.Equal(t, exitOK, b.run("export", "--all", "--out", ref).code)
	want, err := os.ReadFile(ref)
	require.NoError(t, err)

	t.Run("SIGKILL", func(t *testing.T) {
		b.hub.ResetRequests()
		out := filepath.Join(dir, "killed.jsonl")
		b.hub.Fail(hubtest.Fault{Route: hubtest.RouteList, Page: 37, Times: 1, Stall: time.Minute})
		s := b.start("export", "--all", "--out", out)
		waitFor(t, "page 37", func() bool { return b.hub.Count(hubtest.RouteList) >= 37 })
		time.Sleep(50 * time.Millisecond) // the page's first half is read
		require.NoError(t, s.cmd.Process.Signal(syscall.SIGKILL))
		assert.Equal(t, 128+9, s.wait(t))
		st := readState(t, out)
		assert.EqualValues(t, 36, st.Pages)
		fi, err := os.Stat(out)
		require.NoError(t, err)
		assert.Equal(t, st.Length, fi.Size())
		b.hub.ClearFaults()

		r := b.run("export", "--all", "--out", out)
		require.Equal(t, exitOK, r.code, "%s", r)
		assert.Contains(t, r.stderr, "resuming at page 37 (3,600 kept so far)")
		got, _ := os.ReadFile(out)
		require.Equal(t, len(want), len(got))
		assert.True(t, bytes.Equal(want, got), "byte for byte")
		twice := 0
		for q, n := range listQueries(b.hub) {
			assert.LessOrEqual(t, n, 2, q)
			if n == 2 {
				twice++
			}
		}
		assert.Equal(t, 1, twice, "the page under way, and only it, asked twice")
		assert.Equal(t, 101, b.hub.Count(hubtest.RouteList))
	})

	t.Run("SIGINT", func(t *testing.T) {
		out := filepath.Join(dir, "interrupted.jsonl")
		b.hub.ResetRequests()
		b.hub.Fail(hubtest.Fault{Route: hubtest.RouteList, Page: 50, Times: 1, Stall: time.Minute})
		s := b.start("export", "--all", "--out", out)
		waitFor(t, "page 50", func() bool { return b.hub.Count(hubtest.RouteList) >= 50 })
		require.NoError(t, s.cmd.Process.Signal(syscall.SIGINT))
		assert.Equal(t, 130, s.wait(t), "%s", s.err.String())
		stderr := s.err.String()
		assert.Contains(t, stderr, "interrupted; "+out+" and "+out+".state are consistent: the same command goes on from page 50")
		assert.Contains(t, lastLine(stderr), "export: 4,900 scanned, 4,900 kept (100.0%), 49 pages, 50 requests, ")
		st := readState(t, out)
		assert.EqualValues(t, 49, st.Pages)
		fi, _ := os.Stat(out)
		assert.Equal(t, st.Length, fi.Size())
		b.hub.ClearFaults()

		r := b.run("export", "--all", "--out", out)
		require.Equal(t, exitOK, r.code, "%s", r)
		assert.Contains(t, r.stderr, "resuming at page 50 (4,900 kept so far)")
		got, _ := os.ReadFile(out)
		assert.True(t, bytes.Equal(want, got), "byte for byte")
	})

	t.Run("a 429 mid-way is waited out", func(t *testing.T) {
		out := filepath.Join(dir, "limited.jsonl")
		b.hub.ResetRequests()
		b.hub.RateLimitPage(20, 2*time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), binTimeout)
		defer cancel()
		r := b.run("export", "--all", "--out", out)
		require.NoError(t, ctx.Err())
		require.Equal(t, exitOK, r.code, "%s", r)
		assert.Contains(t, r.stderr, "export: waiting 2s (")
		assert.GreaterOrEqual(t, r.elapsed, 2*time.Second)
		assert.Contains(t, lastLine(r.stderr), "100 pages, 101 requests")
		got, _ := os.ReadFile(out)
		assert.True(t, bytes.Equal(want, got), "byte for byte")
	})
}
