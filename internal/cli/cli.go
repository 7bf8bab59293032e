// Package cli holds what the commands of cmd/modelbrowser share on their
// command lines: the flag groups and their checks, the argument rules,
// the completions of values, and the translation of a flag parse error
// into one line. What a flag means is internal/app's; a usage error is an
// app.UsageError.
package cli

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Common are the cache, catalog and machine flags every Hub command
// takes.
type Common struct {
	WorkersFile string
	Offline     bool
	Refresh     bool
	NoCache     bool
	Demo        bool
	Fit         Fit
	// Speed: the command judges speed (FIT_POLICY.md section 7), so the
	// CPU's bandwidth is probed and GGUF tensor infos are read.
	Speed bool
	// SpeedLater: the caller runs the bandwidth probe itself, in the
	// background (app.Overrides.SpeedLater).
	SpeedLater bool
}

// Register declares the flags on cmd.
func (c *Common) Register(cmd *cobra.Command) {
	fs := cmd.Flags()
	Workers(cmd, &c.WorkersFile)
	fs.BoolVar(&c.Offline, "offline", false, "send no request; answer from the cache only (also HF_HUB_OFFLINE=1)")
	fs.BoolVar(&c.Refresh, "refresh", false, "revalidate cached answers with the Hub")
	fs.BoolVar(&c.NoCache, "no-cache", false, "neither read nor write the cache")
	fs.BoolVar(&c.Demo, "demo", false, "use the built-in sample Hub: no network, no token, nothing on disk")
	c.Fit.Register(fs)
}

// Open checks the flags and opens the session (see app.Open): on the
// built-in sample Hub with --demo (or demo).
func (c *Common) Open(ctx context.Context, env app.Env, refreshable, demo bool) (*app.Session, error) {
	opts := app.Options{WorkersFile: c.WorkersFile, Offline: c.Offline, Refresh: c.Refresh, NoCache: c.NoCache}
	if err := opts.Validate(); err != nil {
		return nil, app.UsageError{Msg: err.Error()}
	}
	over, err := c.Fit.Overrides()
	if err != nil {
		return nil, err
	}
	over.Speed, over.SpeedLater = c.Speed, c.SpeedLater
	return app.Open(ctx, env, opts, over, refreshable, demo || c.Demo)
}

// Workers is --workers FILE, which completes file names.
func Workers(cmd *cobra.Command, file *string) {
	cmd.Flags().StringVar(file, "workers", "", "worker catalog `FILE` (TOML or JSON) replacing the built-in one")
	_ = cmd.MarkFlagFilename("workers")
}

// Worker is --worker NAME, completed from the catalog in force (--workers
// FILE as far as it is given when completing).
func Worker(cmd *cobra.Command, name *string, usage string, env func() app.Env, file *string) {
	cmd.Flags().StringVar(name, "worker", "", usage)
	_ = cmd.RegisterFlagCompletionFunc("worker", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return app.WorkerNames(env(), *file), cobra.ShellCompDirectiveNoFileComp
	})
}

// DefaultTimeout is the time budget of a one-shot command.
const DefaultTimeout = 60 * time.Second

// Timeout is --timeout, the whole time a one-shot command may take.
type Timeout struct{ D time.Duration }

// Register declares --timeout.
func (t *Timeout) Register(fs *pflag.FlagSet) {
	fs.DurationVar(&t.D, "timeout", DefaultTimeout, "the whole `TIME` the command may take (e.g. 30s, 2m)")
}

// Within returns ctx bounded by the budget (app.WithTimeout).
func (t *Timeout) Within(ctx context.Context) (context.Context, context.CancelFunc, error) {
	return app.WithTimeout(ctx, t.D)
}

// Fit are the flags that plan for another machine or context.
type Fit struct {
	Memory, VRAM, Ctx, GPU string
}

// Register declares --memory, --vram, --gpu and --ctx.
func (f *Fit) Register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Memory, "memory", "", "judge fit as if the machine had `SIZE` of free RAM (e.g. 16GiB, 7.5G, 12000MiB)")
	fs.StringVar(&f.VRAM, "vram", "", "judge fit as if the machine had one GPU with `SIZE` of free memory (e.g. 8GiB)")
	fs.StringVar(&f.GPU, "gpu", "", "with --vram, name the GPU (e.g. \"NVIDIA GeForce RTX 4090\") for its speed")
	fs.StringVar(&f.Ctx, "ctx", "", "judge fit at a context of `N` tokens (e.g. 8192, 32k), capped at each worker's limit")
}

// Overrides checks the flags and returns them as app.Overrides.
func (f *Fit) Overrides() (app.Overrides, error) {
	o, err := app.ParseOverrides(f.Memory, f.VRAM, f.Ctx)
	if err != nil {
		return o, app.UsageError{Msg: err.Error()}
	}
	if f.GPU != "" && f.VRAM == "" {
		return o, app.Usagef("--gpu names the GPU of --vram: give both")
	}
	o.GPU = f.GPU
	return o, nil
}

// Fixed completes a flag's value from a fixed list.
func Fixed(cmd *cobra.Command, flag string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}

// NoArgs is the Args of a command that takes no positional argument.
func NoArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return app.Usagef("unexpected argument %q", args[0])
	}
	return nil
}

// OneQuery is the Args of a command that takes a QUERY at most.
func OneQuery(_ *cobra.Command, args []string) error {
	if len(args) > 1 {
		return app.Usagef("one QUERY at most, got %d words (quote the query)", len(args))
	}
	return nil
}

// OneRepo is the Args of a command that takes one REPO[:LABEL].
func OneRepo(example string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != 1 {
			return app.Usagef("want exactly one REPO_ID or REPO_ID:LABEL, e.g. %s", example)
		}
		return nil
	}
}

// CompleteRepo completes REPO from the repos in the metadata cache and
// REPO: with that repo's labels; it never sends a request.
func CompleteRepo(env func() app.Env) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return app.NewCompletion(env()).Repo(toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// FlagError turns pflag's parse errors into one line (a UsageError): an
// unknown flag as the user typed it, the others in the words of the
// standard flag package, which scripts and the tests know.
func FlagError(cmd *cobra.Command, err error) error {
	var (
		notExist *pflag.NotExistError
		required *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
	)
	switch {
	case errors.As(err, &notExist):
		return UnknownFlag(cmd, notExist.GetSpecifiedName(), notExist.GetSpecifiedShortnames())
	case errors.As(err, &required):
		return app.Usagef("flag needs an argument: --%s", required.GetFlag().Name)
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		if f.Value.Type() == "bool" {
			return app.Usagef("invalid boolean value %q for --%s (want true or false)", invalid.GetValue(), f.Name)
		}
		why := "parse error"
		if errors.Is(err, strconv.ErrRange) {
			why = "value out of range"
		}
		return app.Usagef("invalid value %q for --%s: %s", invalid.GetValue(), f.Name, why)
	}
	return app.UsageError{Msg: err.Error()}
}

// UnknownFlag is the error of an unknown flag, named as it was typed:
// --name, or -x (shorthands, the group they came in, since -json is one
// dash short of --json, which gets a hint when cmd has it), without a
// value after "=" and with escape sequences stripped.
func UnknownFlag(cmd *cobra.Command, name, shorthands string) error {
	typed := "--" + name
	if shorthands != "" {
		sh, _, _ := strings.Cut(shorthands, "=")
		typed = "-" + sh
		if len(sh) > 1 && cmd.Flags().Lookup(sh) != nil {
			return app.Usagef("unknown flag %s (long flags take two dashes: --%s; see '%s --help')", text.Sanitize(typed), sh, cmd.CommandPath())
		}
	}
	return app.Usagef("unknown flag %s", text.Sanitize(typed))
}
