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
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
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

// session is what a Hub command works with once its flags are checked.
type session struct {
	env  app.Env
	cat  compat.Catalog
	mach app.Machine
	over app.Overrides
	hub  *app.Hub
}

// open checks the flags, loads the worker catalog, probes the machine and
// opens the Hub (the demo Hub with demo; with refreshable, the client the
// browser's refresh uses too). Close the session's hub when done.
func (c *commonFlags) open(ctx context.Context, e env, refreshable, demo bool) (*session, error) {
	opts, err := c.options()
	if err != nil {
		return nil, err
	}
	s := &session{env: e.app()}
	if s.over, err = c.fit.overrides(); err != nil {
		return nil, err
	}
	if s.cat, err = app.LoadCatalog(s.env, opts.WorkersFile); err != nil {
		return nil, err
	}
	s.mach = app.DetectMachine(ctx, s.env, s.over)
	s.cat.Machine = s.mach.Compat
	if demo {
		s.hub, err = app.OpenDemoHub(s.env)
	} else {
		s.hub, err = app.OpenHub(s.env, opts, refreshable)
	}
	return s, err
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
	var o app.Overrides
	for _, s := range []struct {
		name, val string
		dst       **uint64
	}{{"--memory", f.memory, &o.Memory}, {"--vram", f.vram, &o.VRAM}} {
		if s.val == "" {
			continue
		}
		n, err := fit.ParseSize(s.val)
		if err != nil {
			return o, usageError{fmt.Sprintf("%s: %v", s.name, err)}
		}
		*s.dst = &n
	}
	if f.ctx != "" {
		n, err := fit.ParseContext(f.ctx)
		if err != nil {
			return o, usageError{fmt.Sprintf("--ctx: %v", err)}
		}
		o.Context = n
	}
	return o, nil
}
