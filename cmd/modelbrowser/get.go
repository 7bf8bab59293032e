package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/cli"
)

func init() { register(newGetCmd) }

func newGetCmd(e *env) *cobra.Command {
	var (
		common cli.Common
		run    = app.GetRun{Note: e.note}
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
			run.Pick, run.Out, run.Stderr, run.StderrTTY = args[0], e.stdout, e.stderr, e.stderrTTY
			run.Open = func(ctx context.Context) (*app.Session, error) { return common.Open(ctx, e.app(), false, false) }
			return run.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	common.Register(cmd)
	fs.BoolVar(&run.JSON, "json", false, "print the repo, commit, variant, path and files as JSON")
	fs.BoolVar(&run.DryRun, "dry-run", false, "say what would be fetched and the free space; write nothing")
	fs.StringVar(&run.Revision, "revision", "", "a branch, tag or commit of the repository")
	cli.Worker(cmd, &run.Worker, "choose the best variant for this worker", e.app, &common.WorkersFile)
	return cmd
}
