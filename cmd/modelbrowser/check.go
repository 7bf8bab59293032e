package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/cli"
)

func init() { register(newCheckCmd) }

func newCheckCmd(e *env) *cobra.Command {
	var (
		common cli.Common
		budget cli.Timeout
		run    app.CheckRun
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
			run.Pick, run.Timeout, run.Out = args[0], budget.D, e.stdout
			run.Open = func(ctx context.Context) (*app.Session, error) {
				common.Speed, common.SpeedLater = true, true // probed while the Hub answers
				return common.Open(ctx, e.app(), false, false)
			}
			return run.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	common.Register(cmd)
	budget.Register(fs)
	fs.BoolVar(&run.RequireFit, "require-fit", false, "exit 1 also when the recommended worker has no file that fits this machine")
	cli.Worker(cmd, &run.Worker, "judge the model for this worker only", e.app, &common.WorkersFile)
	fs.StringVar(&run.Revision, "revision", "", "a branch, tag or commit of the repository")
	fs.BoolVar(&run.JSON, "json", false, "print the verdict as JSON")
	return cmd
}
