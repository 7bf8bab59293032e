package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

func runSearch(ctx context.Context, e env, args []string) (int, error) {
	fs := newFlagSet("search")
	var common commonFlags
	common.register(fs)
	var budget timeoutFlag
	budget.register(fs)
	limit := fs.Int("limit", 50, "number of results to print")
	scan := fs.Int("scan", 1000, "with compatible-only, stop after scanning this many models")
	all := fs.Bool("all", false, "print every model, compatible or not")
	sortBy := fs.String("sort", query.SortDownloads, strings.Join(query.SortNames(false), ", "))
	author := fs.String("author", "", "only models of this user or organisation")
	var filters stringsFlag
	fs.Var(&filters, "filter", "only models with this tag (repeatable)")
	noContext := fs.Bool("no-context", false, "do not fetch config.json for context lengths")
	asJSON := fs.Bool("json", false, "print a JSON array")
	withFit := fs.Bool("fit", false, "weigh each model's files on this machine; keep those with a file that fits (up to 3 more requests a model)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitError, err
	}
	if len(pos) > 1 {
		return exitError, usageError{fmt.Sprintf("search: one QUERY at most, got %d words (quote the query)", len(pos))}
	}
	sort, ok := query.LookupSort(*sortBy)
	switch {
	case *limit < 1 || *limit > 10000:
		return exitError, usageError{fmt.Sprintf("search: --limit must be between 1 and 10000, got %d", *limit)}
	case *scan < 1 || *scan > 100000:
		return exitError, usageError{fmt.Sprintf("search: --scan must be between 1 and 100000, got %d", *scan)}
	case !ok:
		return exitError, usageError{fmt.Sprintf("search: --sort must be one of %s, got %q", strings.Join(query.SortNames(false), ", "), *sortBy)}
	}
	ctx, cancel, err := budget.within(ctx)
	if err != nil {
		return exitError, err
	}
	defer cancel()
	s, err := common.open(ctx, e, false, false)
	if err != nil {
		return exitError, err
	}
	hub, cat := s.Hub, s.Catalog
	defer hub.Close()
	lim := app.Limits{Limit: *limit, Scan: *scan, All: *all}
	if *withFit {
		lim.Fit = &app.FitPlan{Machine: s.Machine.Fit, Context: s.Overrides.Context}
	}
	q := query.Query{Text: strings.Join(pos, " "), Author: *author, Filters: filters, Sort: sort.Name}
	if *withFit {
		// Told last, so every request of the command is counted: the
		// context lengths' config.json reads come after the search.
		defer func() {
			e.note(fmt.Sprintf("--fit: %s to the Hub (it allows 500 API requests per 5 minutes without a token)", plural(hub.Requests(), "request")))
		}()
	}
	res, err := hub.Search(ctx, q, cat, lim)
	if err != nil && timedOut(ctx) {
		err = context.Cause(ctx)
	}
	if err != nil && len(res.Judged) == 0 {
		return exitError, err
	}
	if err != nil {
		// Keep what was read: the pages before the failure are printed.
		e.note(fmt.Sprintf("stopped after %d models: %s", res.Scanned, err))
		if timedOut(ctx) {
			err = nil // what is known is the answer, as far as it goes
		}
	}
	if !*noContext {
		res.Judged = hub.ResolveContexts(ctx, res.Judged, cat)
	}
	if _, ok := wasInterrupted(ctx); ok {
		return exitError, nil // nothing partial on stdout
	}
	if *asJSON {
		if err := report.SearchJSON(e.stdout, res.Judged, res.Fits); err != nil {
			return exitError, err
		}
	} else {
		report.Table(e.stdout, res.Judged, res.Fits, e.width)
		if !*all && e.stdoutTTY {
			fmt.Fprintf(e.stdout, "\n%d compatible of %d scanned (--all shows every model)\n", len(res.Judged), res.Scanned)
		}
	}
	if err != nil {
		return exitError, nil
	}
	return exitOK, nil
}

// plural is "1 request", "2 requests".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
