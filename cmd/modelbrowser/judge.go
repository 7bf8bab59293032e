package main

import (
	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/cli"
)

func init() { register(newJudgeCmd) }

func newJudgeCmd(e *env) *cobra.Command {
	var (
		workersFile    string
		fitf           cli.Fit
		compatibleOnly bool
		worker         string
	)
	cmd := &cobra.Command{
		Use:   "judge [FILE...]",
		Short: "Judge Hub model JSON you already hold, one JSON line per model",
		Long: `judge reads Hub model JSON a program already holds (a model info or a list
item, as the Hub returns it, with or without expand fields) and writes one line
per model, in input order, each exactly the element search --json prints for it.
It sends no request, ever.

Input, from each FILE or standard input (- or no FILE), told apart by the
content: one object (pretty-printed or not), a JSON array of them, or JSON
lines. The context length comes from the input's gguf object, else it is
unknown (the verdict warns). When the input lists file sizes (siblings[].size
or lfs.size, as ?blobs=true gives), each compatible model also gets check
--json's fit object for this machine (or --memory/--vram/--ctx), its shape
unknown since no config.json or GGUF header is read.

A line (or array element) that is not JSON or not a model is skipped with a
note on stderr naming the file and line N (element N); the rest is judged.
Exit 0, or 2 when something was skipped, a file could not be read, or a flag
is wrong.`,
		Example: `  curl -s 'https://huggingface.co/api/models?limit=100&expand[]=gguf&expand[]=tags' | modelbrowser judge
  modelbrowser judge crawl.jsonl --compatible-only | jq -r .id
  modelbrowser judge info.json --worker llm-worker-rbee-cpu --memory 16GiB`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			over, err := fitf.Overrides()
			if err != nil {
				return err
			}
			s, err := app.OpenLocal(cmd.Context(), e.app(), workersFile, over)
			if err != nil {
				return err
			}
			if err := s.OnlyWorkerFlag(worker); err != nil {
				return err
			}
			run := app.JudgeRun{Files: args, CompatibleOnly: compatibleOnly, Stdin: e.stdin, Stdout: e.stdout, Note: e.note}
			return run.Run(cmd.Context(), s)
		},
	}
	fs := cmd.Flags()
	cli.Workers(cmd, &workersFile)
	fitf.Register(fs)
	fs.BoolVar(&compatibleOnly, "compatible-only", false, "write only the compatible models")
	cli.Worker(cmd, &worker, "judge against this worker alone (as check --worker)", e.app, &workersFile)
	return cmd
}
