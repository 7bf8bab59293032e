package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/cli"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

func init() { register(newExportCmd) }

func newExportCmd(e *env) *cobra.Command {
	var run app.ExportRun
	cmd := &cobra.Command{
		Use:   "export [QUERY] --out FILE",
		Short: "Write every compatible model of the Hub to a file, one JSON line each, resumably",
		Long: `export walks the Hub's whole listing for the query (search's --author, --filter,
--sort; no limit) and writes to FILE one JSON line per compatible model (every
model with --all), in the Hub's order: each line is exactly the element search
--json prints for it.

It sends list requests only, one a page of ` + fmt.Sprint(app.ExportPageSize) + ` models, with search's expand
fields: no config.json, no file sizes, no GGUF header. So a model's context
length is the one its gguf object gives, else unknown (the verdict warns), and
there is no fit. Reading the context from config.json would cost one more
request for each compatible model without a gguf object: with a tenth to a
fifth of the Hub's 2 million models compatible, 200,000 to 400,000 requests,
33 to 67 hours at the 500 per 5 minutes the Hub allows without a token (half
that with a free token's 1,000), against about 40 minutes for the list pages.

After each page FILE.state (JSON: the query, the next page's URL, FILE's
length, pages, models scanned and kept, complete) is replaced. Run the same
command again after a crash, a kill or Ctrl-C and it truncates FILE to the
recorded length and goes on from the recorded page: FILE ends byte for byte
as an uninterrupted run writes it, and at most one page is asked twice. A
finished export run again changes nothing. A FILE.state of another query, or
a FILE without FILE.state, is refused with FILE untouched: --restart starts
over.

The Hub's rate limit is waited out, however long, and shown. Progress goes
to stderr. Exit 0 when the listing is complete, 2 on an error (the state is
saved: run the command again to go on), 130 on Ctrl-C.`,
		Example: `  modelbrowser export --out compatible.jsonl
  modelbrowser export --filter gguf --sort likes --out gguf.jsonl
  jq -r .id compatible.jsonl            # one repository id a line, e.g. for a static site
  modelbrowser export --demo --out demo.jsonl   # try it without a network`,
		Args:              cli.OneQuery,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			run.Query, run.Env = strings.Join(args, " "), e.app()
			run.Progress = report.NewExportProgress(e.stderr, e.stderrTTY)
			err := run.Run(cmd.Context())
			e.interruptTold = run.ToldInterrupt
			return err
		},
	}
	fs := cmd.Flags()
	cli.Workers(cmd, &run.WorkersFile)
	fs.StringVar(&run.Out, "out", "", "the `FILE` the JSON lines go to (its state: FILE.state)")
	_ = cmd.MarkFlagFilename("out")
	fs.BoolVar(&run.Restart, "restart", false, "start over: overwrite FILE and FILE.state")
	fs.BoolVar(&run.All, "all", false, "write every model, compatible or not")
	fs.StringVar(&run.Sort, "sort", query.SortDownloads, "order: "+strings.Join(query.SortNames(false), ", "))
	cli.Fixed(cmd, "sort", query.SortNames(false)...)
	fs.BoolVar(&run.Demo, "demo", false, "list the built-in sample Hub: no network, nothing written but FILE")
	fs.StringVar(&run.Author, "author", "", "only models of this user or organisation")
	fs.StringArrayVar(&run.Filters, "filter", nil, "only models with this `TAG` (repeatable)")
	return cmd
}
