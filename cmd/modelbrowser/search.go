package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/rank"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

func init() { register(newSearchCmd) }

func newSearchCmd(e *env) *cobra.Command {
	var (
		common                 commonFlags
		budget                 timeoutFlag
		limit, scan            int
		all, noContext, asJSON bool
		withFit                bool
		sortBy, author         string
		filters                []string
		format, params         string
	)
	cmd := &cobra.Command{
		Use:   "search [QUERY]",
		Short: "List the models some worker can run, as a table or JSON",
		Long: `search lists the Hub's models that some worker of the catalog can run (with
--all, every model with its verdict), as a table or, with --json, a JSON array.

Compatible-only scans up to --scan models to find --limit compatible ones.
--fit keeps the models with a file that fits this machine (those whose fit is
unknown, e.g. gated without a token, are counted on stderr with the reason;
--all keeps them, with a ? in the FIT column); it costs up to three
more requests a model (file sizes, a GGUF header read and its redirect) against
the Hub's rate limit (500 API requests per 5 minutes without a token), and the
count is printed on stderr. 
--format and --params keep the models with a file of that format and a
parameter count in that range (--format gguf also asks the Hub for GGUF repos
only). --sort fit, size, params and context order the kept results here, after
the scan (the Hub lists them by downloads): fit puts the models that fit first
(fits, tight, offload, unknown, too big; then the larger best file), size the
smallest best file, params the fewest parameters, context the largest
context, speed the fastest best file (its decode speed here at an empty
context; unknown last). fit, size and speed weigh each model's files like
--fit, without leaving any out.

Exit 0, or 2 on error (what was read before a
failure is still printed).`,
		Example: `  modelbrowser search qwen --limit 10
  modelbrowser search --all --sort likes --json | jq '.[].id'
  modelbrowser search gguf --fit --memory 16GiB
  modelbrowser search qwen --format gguf --params 1B-9B --sort fit`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("one QUERY at most, got %d words (quote the query)", len(args))
			}
			return nil
		},
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			sort, ok := query.LookupSort(sortBy)
			switch {
			case limit < 1 || limit > 10000:
				return usagef("--limit must be between 1 and 10000, got %d", limit)
			case scan < 1 || scan > 100000:
				return usagef("--scan must be between 1 and 100000, got %d", scan)
			case !ok:
				return usagef("--sort must be one of %s, got %q", strings.Join(query.SortNames(false), ", "), sortBy)
			case format != "" && format != rank.FormatGGUF && format != rank.FormatSafetensors:
				return usagef("--format must be gguf or safetensors, got %q", text.OneLine(format, 40))
			}
			facets := rank.Facets{Format: format}
			if params != "" {
				r, err := rank.ParseRange(params)
				if err != nil {
					return usagef("--params: %s", err)
				}
				facets.Params = r
			}
			ctx, cancel, err := budget.within(cmd.Context())
			if err != nil {
				return err
			}
			defer cancel()
			weigh := rank.Weighs(sort.Name)
			// --sort speed needs the CPU's bandwidth and the tensor infos
			// as much as --fit does.
			common.speed = withFit || sort.Name == query.SortSpeed
			s, err := common.open(ctx, e, false, false)
			if err != nil {
				return err
			}
			hub, cat := s.Hub, s.Catalog
			defer hub.Close()
			lim := app.Limits{Limit: limit, Scan: scan, All: all, Facets: facets}
			if withFit || weigh {
				lim.Fit = &app.FitPlan{Machine: s.Machine.Fit, Context: s.Overrides.Context, WeighOnly: !withFit}
			}
			if f := facets.HubFilter(); f != "" && !slices.Contains(filters, f) {
				filters = append(filters, f) // fewer pages: the Hub narrows too
			}
			q := query.Query{Text: strings.Join(args, " "), Author: author, Filters: filters, Sort: sort.HubSort()}
			if withFit {
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
				return err
			}
			failed := err != nil
			if err != nil {
				// Keep what was read: the pages before the failure are printed.
				e.note(fmt.Sprintf("stopped after %d models: %s", res.Scanned, err))
				failed = !timedOut(ctx) // what is known is the answer, as far as it goes
			}
			if !noContext {
				res.Judged = hub.ResolveContexts(ctx, res.Judged, cat)
			}
			res.SortBy(sort.Name)
			for _, u := range res.UnknownFit {
				e.note(fmt.Sprintf("--fit left out %s whose fit is unknown (--all shows them): %s", plural(int64(u.Count), "model"), u.Message))
			}
			if _, ok := wasInterrupted(ctx); ok {
				return silentExit(exitError) // nothing partial on stdout
			}
			if asJSON {
				if err := report.SearchJSON(e.stdout, res.Judged, res.Fits); err != nil {
					return err
				}
			} else {
				report.Table(e.stdout, res.Judged, res.Fits, e.width)
				if !all && e.stdoutTTY {
					fmt.Fprintf(e.stdout, "\n%d compatible of %d scanned (--all shows every model)\n", len(res.Judged), res.Scanned)
				}
			}
			if failed {
				return silentExit(exitError)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	common.register(cmd)
	budget.register(fs)
	fs.IntVar(&limit, "limit", 50, "number of results to print (1 to 10000)")
	fs.IntVar(&scan, "scan", 1000, "compatible-only: stop after scanning this many models")
	fs.BoolVar(&all, "all", false, "print every model, compatible or not")
	fs.StringVar(&sortBy, "sort", query.SortDownloads, "order: "+strings.Join(query.SortNames(false), ", "))
	fixed(cmd, "sort", query.SortNames(false)...)
	fs.StringVar(&author, "author", "", "only models of this user or organisation")
	fs.StringArrayVar(&filters, "filter", nil, "only models with this `TAG` (repeatable)")
	fs.BoolVar(&noContext, "no-context", false, "do not fetch config.json for context lengths")
	fs.BoolVar(&asJSON, "json", false, "print a JSON array")
	fs.BoolVar(&withFit, "fit", false, "keep the models with a file that fits this machine (up to 3 more requests a model)")
	fs.StringVar(&format, "format", "", "only models with files of this format: gguf or safetensors")
	fixed(cmd, "format", rank.FormatGGUF, rank.FormatSafetensors)
	fs.StringVar(&params, "params", "", "only models with a parameter count in `MIN-MAX`, e.g. 1B-9B, -4B, 30B-")
	return cmd
}

// plural is "1 request", "2 requests".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
