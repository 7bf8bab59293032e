package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/cli"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

func init() { register(newGetCmd) }

func newGetCmd(e *env) *cobra.Command {
	var (
		common         cli.Common
		asJSON, dryRun bool
		worker         string
		revision       string
	)
	cmd := &cobra.Command{
		Use:   "get REPO[:LABEL]",
		Short: "Download a variant into the Hugging Face cache and print the path to load",
		Long: `get downloads one variant of a repository into the Hugging Face cache
(HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub), laid out
as huggingface_hub writes it, so every worker and both official clients
find it. It prints one line: the path a worker loads (the first GGUF file,
or the snapshot folder of safetensors weights).

REPO:LABEL names the variant; without a label get takes the best variant
for the recommended worker on this machine, as check reports it (the fit
flags plan for another machine). Files already there are never fetched
again; an interrupted download resumes; every file is checked against the
sha256 (or git blob id) the Hub lists. Progress goes to stderr.

Exit 0 done, 2 on any error, 130 (143) when interrupted.`,
		Example: `  modelbrowser get Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M
  modelbrowser get hf.co/ggml-org/gemma-3-1b-it-GGUF --memory 8GiB
  llama-server -m "$(modelbrowser get ggml-org/gemma-3-1b-it-GGUF)"
  modelbrowser get Qwen/Qwen2.5-0.5B-Instruct --dry-run --json`,
		Args:              cli.OneRepo("modelbrowser get Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"),
		ValidArgsFunction: cli.CompleteRepo(e.app),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, label := app.SplitPick(args[0])
			ctx := cmd.Context()
			s, err := common.Open(ctx, e.app(), false, false)
			if err != nil {
				return err
			}
			defer s.Hub.Close()
			if err := s.OnlyWorkerFlag(worker); err != nil {
				return err
			}
			req := app.GetRequest{ID: id, Label: label, Revision: revision, Catalog: s.Catalog, Machine: s.Machine.Fit, Context: s.Overrides.Context}
			plan, err := s.Hub.PlanGet(ctx, req)
			if _, ok := wasInterrupted(ctx); ok {
				return app.Exit(app.ExitError)
			}
			if err != nil {
				return err
			}
			spaceErr := s.Hub.CheckSpace(&plan)
			switch {
			case dryRun && asJSON:
				return text.WriteJSON(e.stdout, plan.Document(true))
			case dryRun:
				report.DryRun(e.stdout, plan.DryRun(), plan.Root())
				return nil
			}
			if spaceErr != nil {
				return spaceErr
			}
			var prog *report.GetProgress
			if !plan.Complete() {
				prog = report.NewGetProgress(e.stderr, e.stderrTTY)
			}
			res, err := s.Hub.Get(ctx, plan, app.GetOptions{
				Progress: prog.Update,
				Waiting: func(p string) {
					prog.Clear()
					e.note("waiting for another download of " + text.Sanitize(p) + " to finish")
				},
			})
			prog.Clear()
			if _, ok := wasInterrupted(ctx); ok {
				return app.Exit(app.ExitError) // stdout stays empty
			}
			if err != nil {
				return err
			}
			if asJSON {
				return text.WriteJSON(e.stdout, res.Plan.Document(false))
			}
			fmt.Fprintln(e.stdout, res.Plan.Path)
			return nil
		},
	}
	fs := cmd.Flags()
	common.Register(cmd)
	fs.BoolVar(&asJSON, "json", false, "print the repo, commit, variant, path and files as JSON")
	fs.BoolVar(&dryRun, "dry-run", false, "say what would be fetched and the free space; write nothing")
	fs.StringVar(&revision, "revision", "", "a branch, tag or commit of the repository")
	cli.Worker(cmd, &worker, "choose the best variant for this worker", e.app, &common.WorkersFile)
	return cmd
}
