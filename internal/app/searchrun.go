package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/interrupt"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/rank"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// SearchRun is the search command: its flags, how it opens the session and
// where it prints.
type SearchRun struct {
	Query, Author string
	Filters       []string
	Sort          string
	Limit, Scan   int
	All           bool
	// NoContext skips the config.json reads for the context lengths.
	NoContext bool
	// Fit keeps the models with a file that fits (search --fit).
	Fit bool
	// Format and Params are the facets (--format, --params).
	Format, Params string
	JSON           bool
	// Timeout is the whole time the search may take.
	Timeout time.Duration

	// Open opens the session; speed says the search judges speed (the
	// CPU's bandwidth probed, the GGUF tensor infos read).
	Open func(ctx context.Context, speed bool) (*Session, error)
	// Out takes the table or the JSON array; Width is its width (0 for
	// unknown) and TTY whether it is a terminal (the count under the table).
	Out   io.Writer
	Width int
	TTY   bool
	// Note tells a person something on stderr, a line each.
	Note func(string)
}

// check checks the flags: the sort and the facets they name.
func (r *SearchRun) check() (query.Sort, rank.Facets, error) {
	sort, ok := query.LookupSort(r.Sort)
	facets := rank.Facets{Format: r.Format}
	switch {
	case r.Limit < 1 || r.Limit > 10000:
		return sort, facets, Usagef("--limit must be between 1 and 10000, got %d", r.Limit)
	case r.Scan < 1 || r.Scan > 100000:
		return sort, facets, Usagef("--scan must be between 1 and 100000, got %d", r.Scan)
	case !ok:
		return sort, facets, Usagef("--sort must be one of %s, got %q", strings.Join(query.SortNames(false), ", "), r.Sort)
	case r.Format != "" && r.Format != rank.FormatGGUF && r.Format != rank.FormatSafetensors:
		return sort, facets, Usagef("--format must be gguf or safetensors, got %q", text.OneLine(r.Format, 40))
	}
	if r.Params != "" {
		p, err := rank.ParseRange(r.Params)
		if err != nil {
			return sort, facets, Usagef("--params: %s", err)
		}
		facets.Params = p
	}
	return sort, facets, nil
}

// Run searches and prints the results. On an error after some pages, what
// was read is printed all the same with a note, and the exit is 2 (Exit),
// unless the time budget ran out: what is known is then the answer, as
// far as it goes. Interrupted, it prints nothing on Out.
func (r SearchRun) Run(ctx context.Context) error {
	sort, facets, err := r.check()
	if err != nil {
		return err
	}
	ctx, cancel, err := WithTimeout(ctx, r.Timeout)
	if err != nil {
		return err
	}
	defer cancel()
	weigh := rank.Weighs(sort.Name)
	// --sort speed needs the CPU's bandwidth and the tensor infos as much
	// as --fit does.
	s, err := r.Open(ctx, r.Fit || sort.Name == query.SortSpeed)
	if err != nil {
		return err
	}
	hub, cat := s.Hub, s.Catalog
	defer hub.Close()
	lim := Limits{Limit: r.Limit, Scan: r.Scan, All: r.All, Facets: facets}
	if r.Fit || weigh {
		lim.Fit = &FitPlan{Machine: s.Machine.FitSoon(), Context: s.Overrides.Context, WeighOnly: !r.Fit}
	}
	filters := r.Filters
	if f := facets.HubFilter(); f != "" && !slices.Contains(filters, f) {
		filters = append(slices.Clip(filters), f) // fewer pages: the Hub narrows too
	}
	q := query.Query{Text: r.Query, Author: r.Author, Filters: filters, Sort: sort.HubSort()}
	if r.Fit {
		// Told last, so every request of the command is counted: the
		// context lengths' config.json reads come after the search.
		defer func() {
			if hub.demo != nil {
				r.Note(fmt.Sprintf("--fit: %s to the built-in sample Hub", report.Plural(hub.Requests(), "request")))
				return
			}
			r.Note(fmt.Sprintf("--fit: %s to the Hub (it allows 500 API requests per 5 minutes without a token)", report.Plural(hub.Requests(), "request")))
		}()
	}
	res, err := hub.Search(ctx, q, cat, lim)
	if err != nil && TimedOut(ctx) {
		err = context.Cause(ctx)
	}
	if err != nil && len(res.Judged) == 0 {
		return err
	}
	failed := err != nil
	if err != nil {
		// Keep what was read: the pages before the failure are printed.
		r.Note(fmt.Sprintf("stopped after %d models: %s", res.Scanned, err))
		failed = !TimedOut(ctx) // what is known is the answer, as far as it goes
	}
	if !r.NoContext {
		res.Judged = hub.ResolveContexts(ctx, res.Judged, cat)
	}
	res.SortBy(sort.Name)
	for _, u := range res.UnknownFit {
		r.Note(fmt.Sprintf("--fit left out %s whose fit is unknown (--all shows them): %s", report.Plural(int64(u.Count), "model"), u.Message))
	}
	if Interrupted(ctx) {
		return Exit(ExitError) // nothing partial on stdout
	}
	if r.JSON {
		if err := report.SearchJSON(r.Out, res.Judged, res.Fits); err != nil {
			return err
		}
	} else {
		report.Table(r.Out, res.Judged, res.Fits, r.Width)
		if !r.All && r.TTY {
			report.Scanned(r.Out, len(res.Judged), res.Scanned)
		}
	}
	if failed {
		return Exit(ExitError)
	}
	return nil
}

// Interrupted reports whether ctx ended by a signal (SIGINT, SIGTERM).
func Interrupted(ctx context.Context) bool {
	var sig interrupt.SignalError
	return errors.As(context.Cause(ctx), &sig)
}
