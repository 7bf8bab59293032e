package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/modelbrowser/modelbrowser/internal/card"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// Searcher is what the TUI needs from the Hub. cmd/modelbrowser injects the
// real client; tests inject fakes.
type Searcher interface {
	// Search returns the page of results after token next ("" for the
	// first page). refresh bypasses any cache.
	Search(ctx context.Context, q query.Query, next string, refresh bool) (query.Page, error)
	// Detail returns the model with what needs extra requests filled in
	// (context length from config.json, full file list).
	Detail(ctx context.Context, m compat.Model, refresh bool) (compat.Model, error)
	// Facts reads what m's fit needs (file sizes at m.SHA, the shape from
	// a GGUF header or config.json, the files already downloaded), through
	// the cache. Called in a tea.Cmd.
	Facts(ctx context.Context, m compat.Model) (fit.Facts, error)
	// Card reads m's model card (README.md at m.SHA) through the cache;
	// a missing or gated card is a card.Card that says so. Called in a
	// tea.Cmd.
	Card(ctx context.Context, m compat.Model) (card.Card, error)
}

// retryIner is implemented by an error that says when to ask again (the
// Hub's 429): the footer counts the wait down and the UI asks again then.
type retryIner interface{ RetryIn() time.Duration }

// Options are the TUI's dependencies and starting point.
type Options struct {
	Query    query.Query
	Catalog  compat.Catalog
	Searcher Searcher
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// PickFormat is what the caller prints on a pick: "id", "json" or
	// "path". The TUI names it in the help; with "path", p fetches the
	// picked variant (through Downloader) before the program ends.
	PickFormat string
	// Downloader fetches variants into the Hugging Face cache (d, and p
	// with PickFormat "path"); nil turns downloads off.
	Downloader Downloader
	// Output is where the TUI draws (stderr, so stdout carries only the
	// pick); nil means os.Stderr.
	Output io.Writer
	// Input is where keys come from; nil means the program's default
	// (stdin).
	Input   io.Reader
	NoColor bool
	// Machine is what this computer offers (or the --memory/--vram
	// overrides); the FIT column and the detail's table weigh against it.
	Machine fit.Machine
	// ProbeSpeed, when set, measures the CPU's speed for Machine.CPUSpeed
	// (nil until then): it runs in the background from the start, and the
	// speed estimates appear when it ends.
	ProbeSpeed func() fit.CPUSpeed
	// Context is --ctx, 0 for each model's default; + and - step it.
	Context int64
	// Demo makes the header say "demo data".
	Demo bool
	// Hyperlinks draws the Hub link u shows as an OSC 8 link; Clipboard
	// lets u copy it to the clipboard with OSC 52, written to Output.
	// The caller decides from the terminal (TERM) whether it takes them.
	Hyperlinks bool
	Clipboard  bool
	// NextStep says what to do after an error, "" for nothing to add
	// (app.NextStep); the error screen prints it under the error. Nil
	// adds nothing.
	NextStep func(error) string
}

// Result is how the TUI ended.
type Result struct {
	// Picked is false when the user quit without picking.
	Picked bool
	Judged compat.Judged
	// Worker is the worker the verdict was shown for when the model was
	// picked: the recommended one unless `w` chose another.
	Worker string
	// Pick is what to print: "REPO:LABEL" for a GGUF variant, "REPO"
	// otherwise. Sanitized: safe to print.
	Pick string
	// Variant is the picked variant (files with sizes), nil for none.
	Variant *fit.Variant
	// SHA is the commit the variant's files were listed at, "" when the
	// fit's facts were not in.
	SHA string
	// Context is the context the pick was judged at (the shown worker's
	// n_ctx), 0 when no fit was judged.
	Context int64
	// Path is the picked variant's local path, with PickFormat "path":
	// what a worker loads. Not sanitized: a local path to print as is.
	Path string
	// Level, Low and High are the picked variant's fit on Worker (nil
	// when unknown or no variant was picked).
	Level     *fit.Level
	Low, High *uint64
}

// Run starts the TUI on opt.Output and blocks until the user picks a model
// or quits. It returns an error only when the program itself fails or ctx
// ends it.
func Run(ctx context.Context, opt Options) (Result, error) {
	if opt.Output == nil {
		opt.Output = os.Stderr
	}
	// Colour detection must look at the terminal we draw on, not at the
	// (possibly redirected) stdout.
	r := lipgloss.NewRenderer(opt.Output)
	lipgloss.SetDefaultRenderer(r)
	// Ask once, before the program starts, so the first render does not
	// stall on the terminal's answer (bubbletea issue 1036).
	_ = r.HasDarkBackground()

	m := New(opt)
	m.ctx = ctx
	popts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithOutput(opt.Output), tea.WithContext(ctx)}
	if opt.Input != nil {
		popts = append(popts, tea.WithInput(opt.Input))
	}
	final, err := tea.NewProgram(m, popts...).Run()
	fm, ok := final.(Model)
	if ok {
		// A download still running stops; wait for it to keep what
		// it fetched and let its lock go.
		fm.dl.wait(5 * time.Second)
	}
	if err != nil {
		if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		return Result{}, err
	}
	if !ok {
		return Result{}, errors.New("ui: unexpected final model")
	}
	return fm.result, nil
}
