package main

// The reliability suite runs the built binary, as a user would: TestMain
// builds it once, each test execs it with HF_ENDPOINT pointing at an
// in-process fake Hub, its own cache in t.TempDir and a deadline, so a
// hang fails the test instead of stalling the run.

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// binPath is the binary TestMain built.
var binPath string

func TestMain(m *testing.M) {
	if out := os.Getenv(rssLauncherEnv); out != "" {
		os.Exit(launch(out, os.Args[1:]))
	}
	flag.Parse()
	if testing.Short() {
		// -short: the binary is neither built nor run (newBin skips).
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "modelbrowser-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "binary_test:", err)
		os.Exit(1)
	}
	// World-readable, so a test can run it as another user.
	_ = os.Chmod(dir, 0o755)
	binPath = filepath.Join(dir, "modelbrowser")
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	build := exec.Command(goTool, "build", "-o", binPath, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "binary_test: building the binary: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// binTimeout bounds one run of the binary: every case here ends in a few
// seconds (HF_HUB_ETAG_TIMEOUT is small), so reaching it means a hang.
const binTimeout = 30 * time.Second

// binToken is the token of binary sessions: a canary that must never
// come back out.
const binToken = "hf_BinaryCanaryT0kenNeverPrintMe"

// binHarness runs the built binary against a fake Hub with a clean
// environment: nothing of the test process's own (HF_TOKEN, HOME, ...)
// leaks in.
type binHarness struct {
	t     *testing.T
	hub   *hubtest.Server
	home  string
	cache string
	vars  map[string]string
	// measureRSS runs the binary under a small launcher, so that its peak
	// RSS (binResult.maxRSSKiB) is its own.
	measureRSS bool
}

func newBin(t *testing.T, opts ...hubtest.Options) *binHarness {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the built binary is not run")
	}
	o := hubtest.Options{PageSize: 7, GatedTokens: []string{binToken}}
	if len(opts) > 0 {
		o = opts[0]
	}
	hub := hubtesting.New(t, o)
	home := t.TempDir()
	b := &binHarness{t: t, hub: hub, home: home, cache: filepath.Join(home, "cache")}
	b.vars = map[string]string{
		"HF_ENDPOINT":            hub.URL,
		"HF_TOKEN":               binToken,
		"HOME":                   home,
		"XDG_CONFIG_HOME":        filepath.Join(home, "config"),
		"MODELBROWSER_CACHE_DIR": b.cache,
		"HF_HUB_ETAG_TIMEOUT":    "2",
		"PATH":                   "", // no nvidia-smi or rocm-smi: the same machine everywhere
		// The CPU's bandwidth as if probed, so that speeds do not follow
		// the moment's load.
		"MODELBROWSER_CPU_BANDWIDTH": "20",
	}
	return b
}

// binResult is one run of the binary.
type binResult struct {
	args           []string
	code           int
	stdout, stderr string
	elapsed        time.Duration
	maxRSSKiB      int64
}

func (r binResult) String() string {
	return fmt.Sprintf("modelbrowser %q: exit %d after %s\nstdout: %q\nstderr: %q", r.args, r.code, r.elapsed.Round(time.Millisecond), clip(r.stdout), r.stderr)
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

func (b *binHarness) env() []string {
	env := make([]string, 0, len(b.vars))
	for k, v := range b.vars {
		env = append(env, k+"="+v)
	}
	return env
}

// run execs the binary and checks what every run must hold: it ended by
// itself, with 0, 1 or 2, and never panicked.
func (b *binHarness) run(args ...string) binResult {
	b.t.Helper()
	return b.runWith(nil, args...)
}

func (b *binHarness) runWith(attr *syscall.SysProcAttr, args ...string) binResult {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), binTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = b.env()
	var rssFile string
	if b.measureRSS {
		// Started by a fresh, small process (this test binary in launcher
		// mode), the binary's peak RSS is its own: os/exec starts a child
		// with vfork, and until it execs the kernel counts the parent's
		// pages in the child's peak, which for this test process (many
		// fake Hubs in parallel) is over 100 MiB by itself.
		rssFile = filepath.Join(b.t.TempDir(), "maxrss")
		cmd = exec.CommandContext(ctx, os.Args[0], append([]string{binPath}, args...)...)
		cmd.Env = append(b.env(), rssLauncherEnv+"="+rssFile)
	}
	cmd.Dir = b.home
	cmd.Stdin = strings.NewReader("")
	cmd.SysProcAttr = attr
	cmd.WaitDelay = 2 * time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := binResult{args: args, stdout: out.String(), stderr: errb.String(), elapsed: time.Since(start)}
	if ctx.Err() != nil {
		b.t.Fatalf("hang: killed after %s\n%s", binTimeout, r)
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		b.t.Fatalf("exec: %v", err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSSKiB = ru.Maxrss
	}
	if rssFile != "" {
		got, err := os.ReadFile(rssFile)
		if err != nil {
			b.t.Fatalf("the launcher wrote no peak RSS: %v\n%s", err, r)
		}
		if r.maxRSSKiB, err = strconv.ParseInt(strings.TrimSpace(string(got)), 10, 64); err != nil {
			b.t.Fatalf("the launcher's peak RSS %q: %v", got, err)
		}
	}
	requireNoPanic(b.t, r)
	return r
}

// rssLauncherEnv makes the test binary a launcher: it runs its arguments
// as a command, writes the command's peak RSS (KiB) to the file the
// variable names and exits with the command's code.
const rssLauncherEnv = "MODELBROWSER_TEST_RSS_LAUNCHER"

func launch(out string, argv []string) int {
	if len(argv) == 0 {
		return 2
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, rssLauncherEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		fmt.Fprintln(os.Stderr, "launcher:", err)
		return 3
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if err := os.WriteFile(out, []byte(strconv.FormatInt(ru.Maxrss, 10)), 0o600); err != nil {
			return 3
		}
	}
	return code
}

// requireNoPanic fails on a crash: a panic or runtime error trace, or an
// exit status outside the documented 0, 1 and 2.
func requireNoPanic(t *testing.T, r binResult) {
	t.Helper()
	for _, s := range []string{r.stdout, r.stderr} {
		require.NotContains(t, s, "panic:", "%s", r)
		require.NotContains(t, s, "goroutine ", "%s", r)
		require.NotContains(t, s, "runtime error", "%s", r)
	}
	require.Contains(t, []int{exitOK, exitNegative, exitError}, r.code, "%s", r)
}

// requireOneLineError checks the documented failure: exit 2, nothing on
// stdout, one line on stderr that starts with "modelbrowser: ".
func requireOneLineError(t *testing.T, r binResult) {
	t.Helper()
	require.Equal(t, exitError, r.code, "%s", r)
	assert.Empty(t, r.stdout, "%s", r)
	requireOneLine(t, r.stderr, r)
}

func requireOneLine(t *testing.T, s string, r binResult) {
	t.Helper()
	require.True(t, strings.HasPrefix(s, "modelbrowser: "), "%s", r)
	require.Equal(t, 1, strings.Count(s, "\n"), "one line: %s", r)
	require.True(t, strings.HasSuffix(s, "\n"), "%s", r)
}

// requireInert fails when output carries what a terminal would act on:
// ESC, BEL, any other C0 control but tab and newline, DEL, or a C1
// control (U+0080..U+009F, such as U+009B, the one-character CSI), raw or
// as an 8-bit byte of invalid UTF-8, or a bidi control that reorders text.
func requireInert(t *testing.T, what, s string) {
	t.Helper()
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			_, size := utf8.DecodeRuneInString(s[i:])
			require.NotEqual(t, 1, size, "%s: invalid UTF-8 byte %#x at %d: %q", what, s[i], i, clip(s))
		case r == '\n' || r == '\t':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			require.Failf(t, "control character in output", "%s: %U at byte %d: %q", what, r, i, clip(s))
		case text.IsUnsafe(r):
			require.Failf(t, "bidi control in output", "%s: %U at byte %d: %q", what, r, i, clip(s))
		}
	}
}

// filesUnder lists the regular files below dir, relative to it.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !info.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	return out
}
