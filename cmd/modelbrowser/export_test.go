package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// exportHub is a fake Hub of 10,000 generated models, 100 a page, in a
// process of its own (cmd/fakehub): the test process stays small, so the
// peak RSS of the children other tests measure is theirs (os/exec's vfork
// counts the parent's pages). Its requests are read from its log.
type exportHub struct {
	URL string
	mu  sync.Mutex
	log bytes.Buffer
	cmd *exec.Cmd
}

var (
	fakehubOnce sync.Once
	fakehubPath string
	fakehubErr  error
)

func startExportHub(t *testing.T, flags ...string) *exportHub {
	t.Helper()
	fakehubOnce.Do(func() {
		fakehubPath = filepath.Join(filepath.Dir(binPath), "fakehub")
		out, err := exec.Command("go", "build", "-o", fakehubPath, "../../internal/hf/hubtest/cmd/fakehub").CombinedOutput()
		if err != nil {
			fakehubErr = fmt.Errorf("%v: %s", err, out)
		}
	})
	require.NoError(t, fakehubErr)
	h := &exportHub{}
	h.cmd = exec.Command(fakehubPath, append([]string{"-page-size", "100", "-synthetic", "10000", "-no-fixtures"}, flags...)...)
	stdout, err := h.cmd.StdoutPipe()
	require.NoError(t, err)
	h.cmd.Stderr = lockedWriter{&h.mu, &h.log}
	require.NoError(t, h.cmd.Start())
	t.Cleanup(func() {
		h.cmd.Process.Kill()
		h.cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	h.URL = strings.TrimSpace(line)
	return h
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// requests are the request lines of the log: "GET /api/models?... -> 200".
func (h *exportHub) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, l := range strings.Split(h.log.String(), "\n") {
		if strings.HasPrefix(l, "GET ") || strings.HasPrefix(l, "HEAD ") {
			out = append(out, l)
		}
	}
	return out
}

// listQueries counts the list requests by query string.
func (h *exportHub) listQueries() map[string]int {
	out := map[string]int{}
	for _, l := range h.requests() {
		if uri, ok := strings.CutPrefix(l, "GET /api/models?"); ok {
			out[strings.Fields(uri)[0]]++
		}
	}
	return out
}

func (h *exportHub) lists() int {
	n := 0
	for _, c := range h.listQueries() {
		n += c
	}
	return n
}

// exportBin is the binary against a fakehub process.
func exportBin(t *testing.T, flags ...string) (*binHarness, *exportHub) {
	t.Helper()
	b := newBin(t, hubtest.Options{NoFixtures: true})
	h := startExportHub(t, flags...)
	b.vars["HF_ENDPOINT"] = h.URL
	delete(b.vars, "HF_TOKEN")
	return b, h
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

// fileDigest is a file's SHA-256 and length, read as a stream: the test
// process holds no 20 MB file (its pages would count in the peak RSS of
// the children other tests measure).
func fileDigest(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	require.NoError(t, err)
	return fmt.Sprintf("%x (%d bytes)", h.Sum(nil), n)
}

// eachLine calls f with each line of path (without its newline) and the
// line's id and verdict.
func eachLine(t *testing.T, path string, f func(line []byte, id string, compatible bool)) {
	t.Helper()
	file, err := os.Open(path)
	require.NoError(t, err)
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var el struct {
			ID         string `json:"id"`
			Compatible bool   `json:"compatible"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &el), sc.Text())
		f(sc.Bytes(), el.ID, el.Compatible)
	}
	require.NoError(t, sc.Err())
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
	b, hub := exportBin(t)
	dir := t.TempDir()
	all := filepath.Join(dir, "all.jsonl")
	s := b.start("export", "--all", "--out", all)
	// Its own high-water mark, read while it runs (its rusage would count
	// the test process it was forked from).
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
	stderr := s.err.String()
	i := 0
	compatible := sha256.New()
	eachLine(t, all, func(line []byte, id string, ok bool) {
		prefix := fmt.Sprintf("synthetic-org-%d/model-%d-", i%17, i)
		require.True(t, strings.HasPrefix(id, prefix), "line %d is %s: the Hub's order (downloads)", i+1, id)
		if ok {
			compatible.Write(line)
			compatible.Write([]byte("\n"))
		}
		i++
	})
	require.Equal(t, 10000, i, "each model once")
	for q, n := range hub.listQueries() {
		assert.Equal(t, 1, n, "page %s asked %d times", q, n)
	}
	assert.Equal(t, 100, hub.lists())
	assert.Len(t, hub.requests(), 100, "list requests only")
	assert.Contains(t, lastLine(stderr), "export: 10,000 scanned, 10,000 kept (100.0%), 100 pages, 100 requests, ")
	st := readState(t, all)
	assert.True(t, st.Complete)
	assert.EqualValues(t, 10000, st.Scanned)

	comp := filepath.Join(dir, "compatible.jsonl")
	r := b.run("export", "--out", comp)
	require.Equal(t, exitOK, r.code, "%s", r)
	allDigest := fileDigest(t, all)
	got := fileDigest(t, comp)
	assert.Equal(t, fmt.Sprintf("%x", compatible.Sum(nil)), strings.Fields(got)[0], "the compatible lines of --all, in order")
	kept := 0
	eachLine(t, comp, func(_ []byte, _ string, ok bool) {
		assert.True(t, ok)
		kept++
	})
	assert.Positive(t, kept)
	assert.Less(t, kept, 10000)

	before := len(hub.requests())
	r = b.run("export", "--out", comp)
	require.Equal(t, exitOK, r.code, "%s", r)
	assert.Contains(t, r.stderr, "is complete already")
	assert.Len(t, hub.requests(), before, "nothing asked")
	assert.Equal(t, got, fileDigest(t, comp))

	stateBefore, _ := os.ReadFile(all + ".state")
	r = b.run("export", "--filter", "gguf", "--out", all)
	requireOneLineError(t, r)
	assert.Contains(t, r.stderr, "--restart")
	assert.Equal(t, allDigest, fileDigest(t, all), "FILE untouched")
	stateAfter, _ := os.ReadFile(all + ".state")
	assert.Equal(t, string(stateBefore), string(stateAfter))

	mine := filepath.Join(dir, "mine.txt")
	require.NoError(t, os.WriteFile(mine, []byte("not an export\n"), 0o644))
	r = b.run("export", "--out", mine)
	requireOneLineError(t, r)
	assert.Contains(t, r.stderr, "--restart")
	mineNow, _ := os.ReadFile(mine)
	assert.Equal(t, "not an export\n", string(mineNow))
}

// reference is the file an uninterrupted export --all of the 10,000
// models writes.
func reference(t *testing.T) string {
	t.Helper()
	b, _ := exportBin(t)
	ref := filepath.Join(t.TempDir(), "ref.jsonl")
	r := b.run("export", "--all", "--out", ref)
	require.Equal(t, exitOK, r.code, "%s", r)
	return fileDigest(t, ref)
}

// SIGKILL in the middle of a page, then the same command: the file is
// byte for byte what an uninterrupted run writes, and only the page under
// way was asked twice.
func TestBinaryExportKilled(t *testing.T) {
	t.Parallel()
	want := reference(t)
	b, hub := exportBin(t, "-stall-page", "37")
	out := filepath.Join(t.TempDir(), "killed.jsonl")
	s := b.start("export", "--all", "--out", out)
	waitFor(t, "page 37", func() bool { return hub.lists() >= 37 })
	time.Sleep(50 * time.Millisecond) // the page's first half is read
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGKILL))
	assert.Equal(t, 128+9, s.wait(t))
	st := readState(t, out)
	assert.EqualValues(t, 36, st.Pages)
	fi, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, st.Length, fi.Size())

	r := b.run("export", "--all", "--out", out)
	require.Equal(t, exitOK, r.code, "%s", r)
	assert.Contains(t, r.stderr, "resuming at page 37 (3,600 kept so far)")
	assert.Equal(t, want, fileDigest(t, out), "byte for byte")
	twice := 0
	for q, n := range hub.listQueries() {
		assert.LessOrEqual(t, n, 2, q)
		if n == 2 {
			twice++
		}
	}
	assert.Equal(t, 1, twice, "the page under way, and only it, asked twice")
	assert.Equal(t, 101, hub.lists())
}

// SIGINT: exit 130, the file and its state consistent, the summary last;
// the next run goes on and ends byte for byte as an uninterrupted one.
func TestBinaryExportInterrupted(t *testing.T) {
	t.Parallel()
	want := reference(t)
	b, hub := exportBin(t, "-stall-page", "50")
	out := filepath.Join(t.TempDir(), "interrupted.jsonl")
	s := b.start("export", "--all", "--out", out)
	waitFor(t, "page 50", func() bool { return hub.lists() >= 50 })
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGINT))
	assert.Equal(t, 130, s.wait(t), "%s", s.err.String())
	stderr := s.err.String()
	assert.Contains(t, stderr, "interrupted; "+out+" and "+out+".state are consistent: the same command goes on from page 50")
	assert.Contains(t, lastLine(stderr), "export: 4,900 scanned, 4,900 kept (100.0%), 49 pages, 50 requests, ")
	st := readState(t, out)
	assert.EqualValues(t, 49, st.Pages)
	fi, _ := os.Stat(out)
	assert.Equal(t, st.Length, fi.Size())

	r := b.run("export", "--all", "--out", out)
	require.Equal(t, exitOK, r.code, "%s", r)
	assert.Contains(t, r.stderr, "resuming at page 50 (4,900 kept so far)")
	assert.Equal(t, want, fileDigest(t, out), "byte for byte")
}

// A 429 mid-way is waited out and shown, and the page asked again.
func TestBinaryExportRateLimited(t *testing.T) {
	t.Parallel()
	want := reference(t)
	b, hub := exportBin(t, "-rate-limit-page", "20", "-rate-limit-wait", "2s")
	out := filepath.Join(t.TempDir(), "limited.jsonl")
	r := b.run("export", "--all", "--out", out)
	require.Equal(t, exitOK, r.code, "%s", r)
	assert.Contains(t, r.stderr, "export: waiting 2s (")
	assert.GreaterOrEqual(t, r.elapsed, 2*time.Second)
	assert.Contains(t, lastLine(r.stderr), "100 pages, 101 requests")
	assert.Equal(t, 101, hub.lists())
	assert.Equal(t, want, fileDigest(t, out), "byte for byte")
}
