package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/app"
)

// stringsFlag is a repeatable string flag (--filter a --filter b).
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// newFlagSet returns a flag set that reports errors instead of exiting or
// printing, so every bad flag becomes one line on stderr and exit 2.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseInterleaved parses flags that may come before, between or after
// positional arguments ("check org/model --json"), and returns the
// positional ones. "--" ends flag parsing.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, usageError{fmt.Sprintf("%s: see 'modelbrowser help'", fs.Name())}
			}
			return nil, usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// commonFlags are the cache, catalog and machine flags every Hub command
// takes.
type commonFlags struct {
	workersFile string
	offline     bool
	refresh     bool
	noCache     bool
	fit         fitFlags
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.workersFile, "workers", "", "worker catalog file (TOML or JSON)")
	fs.BoolVar(&c.offline, "offline", false, "send no request; answer from the cache only")
	fs.BoolVar(&c.refresh, "refresh", false, "revalidate cached answers with the Hub")
	fs.BoolVar(&c.noCache, "no-cache", false, "neither read nor write the cache")
	c.fit.register(fs)
}

// open checks the flags and opens the session (see app.Open).
func (c *commonFlags) open(ctx context.Context, e env, refreshable, demo bool) (*app.Session, error) {
	opts, err := c.options()
	if err != nil {
		return nil, err
	}
	over, err := c.fit.overrides()
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, e.app(), opts, over, refreshable, demo)
}

// options checks the flags and returns them as app.Options.
func (c *commonFlags) options() (app.Options, error) {
	o := app.Options{WorkersFile: c.workersFile, Offline: c.offline, Refresh: c.refresh, NoCache: c.noCache}
	return o, c.validate()
}

func (c *commonFlags) validate() error {
	n := 0
	for _, b := range []bool{c.offline, c.refresh, c.noCache} {
		if b {
			n++
		}
	}
	if n > 1 {
		return usageError{"--offline, --refresh and --no-cache exclude each other"}
	}
	return nil
}

// defaultTimeout is the time budget of a one-shot command.
const defaultTimeout = 60 * time.Second

// timeoutFlag is --timeout, the whole time a one-shot command may take.
type timeoutFlag struct{ d time.Duration }

func (t *timeoutFlag) register(fs *flag.FlagSet) {
	fs.DurationVar(&t.d, "timeout", defaultTimeout, "the whole time the command may take (e.g. 30s, 2m)")
}

// within returns ctx bounded by the budget; when it runs out, the cause
// says so in words a person reads in a note.
func (t *timeoutFlag) within(ctx context.Context) (context.Context, context.CancelFunc, error) {
	if t.d <= 0 || t.d > 24*time.Hour {
		return ctx, func() {}, usageError{fmt.Sprintf("--timeout must be more than 0 and at most 24h, got %s", t.d)}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, t.d, fmt.Errorf("the --timeout of %s ran out", t.d))
	return ctx, cancel, nil
}

// timedOut reports whether ctx's time budget ran out.
func timedOut(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.DeadlineExceeded)
}

// fitFlags are the flags that plan for another machine or context.
type fitFlags struct {
	memory, vram, ctx string
}

func (f *fitFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.memory, "memory", "", "judge fit as if the machine had this much free RAM (e.g. 16GiB, 7.5G)")
	fs.StringVar(&f.vram, "vram", "", "judge fit as if the machine had one GPU with this much free memory (e.g. 8GiB)")
	fs.StringVar(&f.ctx, "ctx", "", "judge fit at this context, in tokens (e.g. 8192, 32k), capped at each worker's limit")
}

// overrides checks the flags and returns them as app.Overrides.
func (f *fitFlags) overrides() (app.Overrides, error) {
	o, err := app.ParseOverrides(f.memory, f.vram, f.ctx)
	if err != nil {
		return o, usageError{err.Error()}
	}
	return o, nil
}
