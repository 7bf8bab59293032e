// Command modelbrowser finds models on the Hugging Face Hub that local
// inference workers can run, and explains why the others can't.
//
// This package holds the command definitions, one cobra command a file
// (root.go is the browser): flags, help, examples, and their wiring. The
// flag groups and argument rules are in internal/cli, the use cases (each
// command's flow, its errors and exit codes) in internal/app, the printing
// in internal/report. To add a command, add a file whose init calls
// register.
package main

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/interrupt"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

// version, when set at build time with -ldflags "-X main.version=...",
// overrides the version the build information gives.
var version = ""

// Exit codes shared by every command (policy section 6).
const (
	exitOK       = app.ExitOK
	exitNegative = app.ExitNegative // incompatible (check) / nothing picked (browser)
	exitError    = app.ExitError    // bad input, network, not found
)

// env is everything a command reads from the outside world, injected so
// commands can be tested without touching the real process.
type env struct {
	args   []string
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// stdoutTTY says whether stdout is a terminal (colour, table width).
	stdoutTTY bool
	// width is the terminal width for tables (0 = unknown).
	width int
	// stderrTTY says whether stderr is a terminal (get's progress line).
	stderrTTY bool
	// interruptTold: the command said how it was interrupted (export's
	// last line is its summary), so run adds nothing.
	interruptTold bool
}

func main() {
	// The first SIGINT or SIGTERM cancels every phase, so the command
	// exits 130 (143) with nothing partial on stdout; a second one ends the
	// process at once, whatever it waits for.
	ctx, stop := interrupt.Context(context.Background())
	e := env{
		args:   os.Args[1:],
		getenv: os.Getenv,
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
	}
	e.stdoutTTY, e.width = terminalInfo(os.Stdout)
	e.stderrTTY, _ = terminalInfo(os.Stderr)
	if len(e.args) > 0 && (e.args[0] == "search" || e.args[0] == "check") {
		// A one-shot command allocates a few MB and exits: collecting
		// garbage along the way costs more than the memory it frees. The
		// soft memory limit brings the collector back when an answer is
		// unusually large (the body cap is 32 MiB), so the peak stays
		// bounded.
		debug.SetGCPercent(800)
		debug.SetMemoryLimit(48 << 20)
	} else if len(e.args) > 0 && e.args[0] == "judge" && os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		// judge makes about 10 KB of garbage a model and keeps almost
		// nothing: collecting less often saves a third of its time, and
		// the soft limit keeps the resident set under 64 MB.
		debug.SetGCPercent(800)
		debug.SetMemoryLimit(40 << 20)
	} else if os.Getenv("GOMEMLIMIT") == "" {
		// The browser keeps what it listed (25 MB for 10,000 models) and
		// makes garbage with every page: a soft limit makes the collector
		// keep the resident set near the live heap (71 MB instead of 106
		// MB with 10,000 models; budget D is 100 MB).
		debug.SetMemoryLimit(64 << 20)
	}
	code := run(ctx, e)
	if c, ok := wasInterrupted(ctx); ok {
		code = c
	}
	stop()
	os.Exit(code)
}

// run runs the command line e.args and returns the exit code.
func run(ctx context.Context, e env) int {
	root := newRootCmd(&e)
	root.SetArgs(e.args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if c, ok := wasInterrupted(ctx); ok {
		if !e.interruptTold {
			e.note("interrupted (" + context.Cause(ctx).Error() + ")")
		}
		return c
	}
	return e.exit(cmd, err)
}

// wasInterrupted reports whether ctx ended by a signal, and the exit code
// that says so (130 for SIGINT, 143 for SIGTERM).
func wasInterrupted(ctx context.Context) (int, bool) {
	var sig interrupt.SignalError
	if errors.As(context.Cause(ctx), &sig) {
		return interrupt.Code(sig.Signal), true
	}
	return 0, false
}

// exit prints what err says on stderr (app.Fail), one line a remark, and
// returns the exit code: a usage error names the command once and points
// to its help.
func (e *env) exit(cmd *cobra.Command, err error) int {
	f := app.Fail(err)
	if f.Usage {
		sub := strings.TrimPrefix(strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()), " ")
		e.note(report.UsageLine(sub, cmd.CommandPath(), f.Lines[0]))
		return f.Code
	}
	for _, l := range f.Lines {
		e.note(l)
	}
	return f.Code
}

// note prints a remark for a person on stderr.
func (e *env) note(msg string) { report.Note(e.stderr, msg) }

// app is the application layer's view of this environment.
func (e *env) app() app.Env {
	return app.Env{Getenv: e.getenv, Now: time.Now, Version: app.ReadBuildVersion(version).Version, Note: e.note}
}

// terminalInfo says whether f is a terminal and how wide it is.
func terminalInfo(f *os.File) (bool, int) {
	if !term.IsTerminal(f.Fd()) {
		return false, 0
	}
	w, _, err := term.GetSize(f.Fd())
	if err != nil {
		return true, 0
	}
	return true, w
}
