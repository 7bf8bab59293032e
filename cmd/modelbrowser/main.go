// Command modelbrowser finds models on the Hugging Face Hub that local
// inference workers can run, and explains why the others can't.
//
// This package parses flags, calls internal/app for the use cases,
// prints through internal/report and sets the exit code; it holds no logic
// of its own.
//
// Usage:
//
//	modelbrowser [QUERY]                 browse interactively (TUI)
//	modelbrowser search [QUERY] [flags]  list models as a table or JSON
//	modelbrowser check REPO_ID [flags]   explain one model's verdict
//	modelbrowser workers [--json]        list the worker catalog in force
//	modelbrowser cache info|clear|prune  manage the on-disk cache
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/interrupt"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes shared by every command (policy section 6).
const (
	exitOK       = 0
	exitNegative = 1 // incompatible (check) / nothing picked (TUI)
	exitError    = 2 // bad input, network, not found
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
	if len(e.args) > 0 && (e.args[0] == "search" || e.args[0] == "check") {
		// A one-shot command allocates a few MB and exits: collecting
		// garbage along the way costs more than the memory it frees. The
		// soft memory limit brings the collector back when an answer is
		// unusually large (the body cap is 32 MiB), so the peak stays
		// bounded.
		debug.SetGCPercent(800)
		debug.SetMemoryLimit(48 << 20)
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

// usageError is a bad command line: printed with a hint, exit 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func run(ctx context.Context, e env) int {
	args := e.args
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	var err error
	code := exitOK
	switch cmd {
	case "search":
		code, err = runSearch(ctx, e, args[1:])
	case "check":
		code, err = runCheck(ctx, e, args[1:])
	case "workers":
		err = runWorkers(ctx, e, args[1:])
	case "cache":
		err = runCache(e, args[1:])
	case "version", "--version":
		fmt.Fprintf(e.stdout, "modelbrowser %s\n", version)
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usageText)
	default:
		code, err = runBrowse(ctx, e, args)
	}
	if c, ok := wasInterrupted(ctx); ok {
		fmt.Fprintf(e.stderr, "modelbrowser: interrupted (%s)\n", context.Cause(ctx))
		return c
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(e.stderr, "modelbrowser: %s (see 'modelbrowser help')\n", oneLine(ue.msg))
		} else {
			fmt.Fprintf(e.stderr, "modelbrowser: %s\n", oneLine(err.Error()))
		}
		return exitError
	}
	return code
}

// oneLine keeps an error message to one line of plain text.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return text.Sanitize(s)
}

// note prints a remark for a person on stderr.
func (e env) note(msg string) {
	fmt.Fprintf(e.stderr, "modelbrowser: %s\n", oneLine(msg))
}

// app is the application layer's view of this environment.
func (e env) app() app.Env {
	return app.Env{Getenv: e.getenv, Now: time.Now, Version: version, Note: e.note}
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

const usageText = `modelbrowser: find Hugging Face models your local inference workers can run,
and the file that fits this machine.

Usage:
  modelbrowser [QUERY] [flags]           browse interactively (p picks: REPO:LABEL or REPO on stdout)
  modelbrowser --demo                    browse the built-in sample Hub (no network, no token)
  modelbrowser search [QUERY] [flags]    list compatible models (--all for every model)
  modelbrowser check REPO[:LABEL] [flags]  explain one model's verdict and its files' fit
                                         (exit 0 compatible, 1 not, 2 error)
  modelbrowser workers [--json]          the worker catalog in force, and this machine's memory
  modelbrowser cache info|clear|prune    show or manage the on-disk cache
  modelbrowser version

Common flags:
  --workers FILE   worker catalog (TOML or JSON) replacing the built-in one
  --offline        send no request; answer from the cache only (also HF_HUB_OFFLINE=1)
  --refresh        revalidate cached answers with the Hub
  --no-cache       neither read nor write the cache
  --memory SIZE    judge fit as if this much RAM were free (16GiB, 7.5G, 12000MiB)
  --vram SIZE      judge fit as if one GPU with this much free memory were there
  --ctx N          judge fit at N tokens (8192, 32k), capped at each worker's limit

search flags:  --limit N (50) --all --scan N (1000) --sort downloads|likes|trending|updated|created
               --author NAME --filter TAG (repeatable) --no-context --json --timeout D (60s)
               --fit   keep the models with a file that fits this machine; costs up to three
                       more requests a model (file sizes, a GGUF header read and its redirect)
                       against the Hub's rate limit (500 API requests per 5 minutes without a
                       token); the count is printed on stderr
check flags:   --worker NAME --revision REV --json --timeout D (60s)
               --require-fit   exit 1 also when no file fits the recommended worker
TUI flags:     --sort ... --author NAME --filter TAG --pick-format id|json --demo

Environment: HF_ENDPOINT, HF_TOKEN, HUGGING_FACE_HUB_TOKEN, HF_TOKEN_PATH, HF_HOME,
HF_HUB_CACHE, HF_HUB_ETAG_TIMEOUT, HF_HUB_OFFLINE, MODELBROWSER_CACHE_DIR,
MODELBROWSER_CACHE_MAX_MB, MODELBROWSER_ALLOW_HTTP_TOKEN, XDG_CACHE_HOME, XDG_CONFIG_HOME,
NO_COLOR.
`
