package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/modelbrowser/modelbrowser/internal/app"
)

// commonFlags are the cache, catalog and machine flags every Hub command
// takes.
type commonFlags struct {
	workersFile string
	offline     bool
	refresh     bool
	noCache     bool
	demo        bool
	fit         fitFlags
	// speed: the command judges speed (FIT_POLICY.md section 7), so the
	// CPU's bandwidth is probed and GGUF tensor infos are read.
	speed bool
}

func (c *commonFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	workersFlag(cmd, &c.workersFile)
	fs.BoolVar(&c.offline, "offline", false, "send no request; answer from the cache only (also HF_HUB_OFFLINE=1)")
	fs.BoolVar(&c.refresh, "refresh", false, "revalidate cached answers with the Hub")
	fs.BoolVar(&c.noCache, "no-cache", false, "neither read nor write the cache")
	fs.BoolVar(&c.demo, "demo", false, "use the built-in sample Hub: no network, no token, nothing on disk")
	c.fit.register(fs)
}

// workersFlag is --workers FILE, which completes file names.
func workersFlag(cmd *cobra.Command, file *string) {
	cmd.Flags().StringVar(file, "workers", "", "worker catalog `FILE` (TOML or JSON) replacing the built-in one")
	_ = cmd.MarkFlagFilename("workers")
}

// open checks the flags and opens the session (see app.Open): on the
// built-in sample Hub with --demo (or demo).
func (c *commonFlags) open(ctx context.Context, e *env, refreshable, demo bool) (*app.Session, error) {
	demo = demo || c.demo
	opts := app.Options{WorkersFile: c.workersFile, Offline: c.offline, Refresh: c.refresh, NoCache: c.noCache}
	if err := opts.Validate(); err != nil {
		return nil, usageError{err.Error()}
	}
	over, err := c.fit.overrides()
	if err != nil {
		return nil, err
	}
	over.Speed = c.speed
	return app.Open(ctx, e.app(), opts, over, refreshable, demo)
}

// defaultTimeout is the time budget of a one-shot command.
const defaultTimeout = 60 * time.Second

// timeoutFlag is --timeout, the whole time a one-shot command may take.
type timeoutFlag struct{ d time.Duration }

func (t *timeoutFlag) register(fs *pflag.FlagSet) {
	fs.DurationVar(&t.d, "timeout", defaultTimeout, "the whole `TIME` the command may take (e.g. 30s, 2m)")
}

// within returns ctx bounded by the budget; when it runs out, the cause
// says so in words a person reads in a note.
func (t *timeoutFlag) within(ctx context.Context) (context.Context, context.CancelFunc, error) {
	if t.d <= 0 || t.d > 24*time.Hour {
		return ctx, func() {}, usagef("--timeout must be more than 0 and at most 24h, got %s", t.d)
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
	memory, vram, ctx, gpu string
}

func (f *fitFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.memory, "memory", "", "judge fit as if the machine had `SIZE` of free RAM (e.g. 16GiB, 7.5G, 12000MiB)")
	fs.StringVar(&f.vram, "vram", "", "judge fit as if the machine had one GPU with `SIZE` of free memory (e.g. 8GiB)")
	fs.StringVar(&f.gpu, "gpu", "", "with --vram, name the GPU (e.g. \"NVIDIA GeForce RTX 4090\") for its speed")
	fs.StringVar(&f.ctx, "ctx", "", "judge fit at a context of `N` tokens (e.g. 8192, 32k), capped at each worker's limit")
}

// overrides checks the flags and returns them as app.Overrides.
func (f *fitFlags) overrides() (app.Overrides, error) {
	o, err := app.ParseOverrides(f.memory, f.vram, f.ctx)
	if err != nil {
		return o, usageError{err.Error()}
	}
	if f.gpu != "" && f.vram == "" {
		return o, usagef("--gpu names the GPU of --vram: give both")
	}
	o.GPU = f.gpu
	return o, nil
}

// fixed completes a flag's value from a fixed list.
func fixed(cmd *cobra.Command, flag string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}

// noArgs is the Args of a command that takes no positional argument.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}

// oneRepo is the argument rule of a command that takes one REPO[:LABEL].
func oneRepo(example string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("want exactly one REPO_ID or REPO_ID:LABEL, e.g. %s", example)
		}
		return nil
	}
}

// completeRepo completes REPO from the repos in the metadata cache and
// REPO: with that repo's labels; it never sends a request.
func completeRepo(e *env) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return app.NewCompletion(e.app()).Repo(toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}
