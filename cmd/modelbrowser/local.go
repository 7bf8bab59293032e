package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/cli"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

func init() { register(newLocalCmd) }

func newLocalCmd(e *env) *cobra.Command {
	var (
		common cli.Common
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "local",
		Short: "List what the Hugging Face cache holds, judged for this machine",
		Long: `local lists the models in the Hugging Face cache (HF_HUB_CACHE, else
HF_HOME/hub, else ~/.cache/huggingface/hub), whoever put them there
(modelbrowser get, huggingface_hub, @huggingface/hub): one row per repo and
variant with its size on disk, commit, whether it is complete, its verdict
and fit on this machine and the path to load. The verdict and fit are
judged from the local files only (the GGUF header read from disk,
config.json from the snapshot); no request is sent. Sorted by size, with
the total at the end.`,
		Example: `  modelbrowser local
  modelbrowser local --json --memory 16GiB`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			common.Offline = true // no request, ever
			s, err := common.Open(cmd.Context(), e.app(), false, false)
			if err != nil {
				return err
			}
			defer s.Hub.Close()
			root, err := app.HFCacheRoot(s.Env)
			if err != nil {
				return err
			}
			l, err := app.LocalScan(root, s.Catalog, s.Machine.Fit, s.Overrides.Context)
			if err != nil {
				return fmt.Errorf("reading %s: %w", root, err)
			}
			if asJSON {
				return text.WriteJSON(e.stdout, l)
			}
			return report.LocalTable(e.stdout, l)
		},
	}
	fs := cmd.Flags()
	cli.Workers(cmd, &common.WorkersFile)
	common.Fit.Register(fs)
	fs.BoolVar(&asJSON, "json", false, "print the rows and the total as JSON")
	return cmd
}
