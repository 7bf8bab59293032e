package main

import (
	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/cli"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

func init() { register(newWorkersCmd) }

func newWorkersCmd(e *env) *cobra.Command {
	var (
		asJSON bool
		file   string
		fitf   cli.Fit
	)
	cmd := &cobra.Command{
		Use:   "workers",
		Short: "List the worker catalog in force, and this machine's memory",
		Long: `workers prints the worker catalog the other commands judge against: --workers
FILE, else $XDG_CONFIG_HOME/modelbrowser/workers.toml (or .json), else the
built-in one; each worker's device, formats, architectures and context limit,
and the memory this machine offers it (--memory and --vram plan for another).`,
		Example: `  modelbrowser workers
  modelbrowser workers --workers ./my-workers.toml --json
  modelbrowser workers --memory 32GiB --vram 12GiB`,
		Args:              cli.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			over, err := fitf.Overrides()
			if err != nil {
				return err
			}
			c, err := app.LoadCatalog(e.app(), file)
			if err != nil {
				return err
			}
			mach := app.DetectMachine(cmd.Context(), e.app(), over)
			c.Machine = mach.Compat
			if asJSON {
				return report.WorkersJSON(e.stdout, c, mach.Fit)
			}
			report.Workers(e.stdout, c, mach.Fit)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cli.Workers(cmd, &file)
	fitf.Register(cmd.Flags())
	return cmd
}
