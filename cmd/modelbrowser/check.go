package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/cli"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

func init() { register(newCheckCmd) }

func newCheckCmd(e *env) *cobra.Command {
	var (
		common             cli.Common
		budget             cli.Timeout
		requireFit, asJSON bool
		worker, revision   string
	)
	cmd := &cobra.Command{
		Use:   "check REPO[:LABEL]",
		Short: "Explain one model's verdict and its files' fit",
		Long: `check judges one repository against the worker catalog: the verdict, its
confidence, every reason and warning with the evidence behind it, and which
worker pairs with it; then each file's size and memory on this machine at the
worker's context, and the best one. REPO:LABEL (as a pick prints it) names one
variant, which must exist.

Exit 0 compatible, 1 not (with --require-fit, also when no file fits the
recommended worker), 2 error.`,
		Example: `  modelbrowser check meta-llama/Llama-3.1-8B-Instruct
  modelbrowser check Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M --memory 8GiB --json
  modelbrowser check ggml-org/gemma-3-1b-it-GGUF --worker llm-worker-rbee-cpu --require-fit`,
		Args:              cli.OneRepo("modelbrowser check meta-llama/Llama-3.1-8B-Instruct"),
		ValidArgsFunction: cli.CompleteRepo(e.app),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, label := app.SplitPick(args[0])
			ctx, cancel, err := budget.Within(cmd.Context())
			if err != nil {
				return err
			}
			defer cancel()
			common.Speed = true
			s, err := common.Open(ctx, e.app(), false, false)
			if err != nil {
				return err
			}
			defer s.Hub.Close()
			if worker != "" {
				if err := s.OnlyWorker(worker); err != nil {
					return app.UsageError{Msg: err.Error()}
				}
			}
			c, err := s.Hub.Check(ctx, id, label, revision, s.Catalog, s.Machine.Fit, s.Overrides.Context)
			if err != nil && app.TimedOut(ctx) {
				err = fmt.Errorf("%s before the Hub answered", context.Cause(ctx))
			}
			if err != nil {
				return err
			}
			if _, ok := wasInterrupted(ctx); ok {
				return app.Exit(app.ExitError) // nothing partial on stdout
			}
			if asJSON {
				if err := text.WriteJSON(e.stdout, report.Check{Verdict: c.Verdict, URL: report.HubURL(c.Verdict.ID), Mark: c.Verdict.Mark(true).Word(), Fit: c.Fit}); err != nil {
					return err
				}
			} else {
				report.Explanation(e.stdout, c.Model, c.Verdict)
				if c.Fit != nil {
					report.Fit(e.stdout, *c.Fit, c.Listing, c.Verdict.RecommendedWorker, c.Label)
				}
			}
			if !c.Verdict.Compatible || (requireFit && !c.FitsRecommended()) {
				return app.Exit(app.ExitNegative)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	common.Register(cmd)
	budget.Register(fs)
	fs.BoolVar(&requireFit, "require-fit", false, "exit 1 also when the recommended worker has no file that fits this machine")
	cli.Worker(cmd, &worker, "judge the model for this worker only", e.app, &common.WorkersFile)
	fs.StringVar(&revision, "revision", "", "a branch, tag or commit of the repository")
	fs.BoolVar(&asJSON, "json", false, "print the verdict as JSON")
	return cmd
}
