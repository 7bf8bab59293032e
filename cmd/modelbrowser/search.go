package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/cli"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/rank"
)

func init() { register(newSearchCmd) }

func newSearchCmd(e *env) *cobra.Command {
	var (
		common cli.Common
		budget cli.Timeout
		run    = app.SearchRun{Note: e.note}
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
		Args:              cli.OneQuery,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			run.Query, run.Timeout = strings.Join(args, " "), budget.D
			run.Out, run.Width, run.TTY = e.stdout, e.width, e.stdoutTTY
			run.Open = func(ctx context.Context, speed bool) (*app.Session, error) {
				common.Speed, common.SpeedLater = speed, speed // probed while the pages arrive
				return common.Open(ctx, e.app(), false, false)
			}
			return run.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	common.Register(cmd)
	budget.Register(fs)
	fs.IntVar(&run.Limit, "limit", 50, "number of results to print (1 to 10000)")
	fs.IntVar(&run.Scan, "scan", 1000, "compatible-only: stop after scanning this many models")
	fs.BoolVar(&run.All, "all", false, "print every model, compatible or not")
	fs.StringVar(&run.Sort, "sort", query.SortDownloads, "order: "+strings.Join(query.SortNames(false), ", "))
	cli.Fixed(cmd, "sort", query.SortNames(false)...)
	fs.StringVar(&run.Author, "author", "", "only models of this user or organisation")
	fs.StringArrayVar(&run.Filters, "filter", nil, "only models with this `TAG` (repeatable)")
	fs.BoolVar(&run.NoContext, "no-context", false, "do not fetch config.json for context lengths")
	fs.BoolVar(&run.JSON, "json", false, "print a JSON array")
	fs.BoolVar(&run.Fit, "fit", false, "keep the models with a file that fits this machine (up to 3 more requests a model)")
	fs.StringVar(&run.Format, "format", "", "only models with files of this format: gguf or safetensors")
	cli.Fixed(cmd, "format", rank.FormatGGUF, rank.FormatSafetensors)
	fs.StringVar(&run.Params, "params", "", "only models with a parameter count in `MIN-MAX`, e.g. 1B-9B, -4B, 30B-")
	return cmd
}
