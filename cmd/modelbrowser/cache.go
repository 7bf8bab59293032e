package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/cli"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

func init() { register(newCacheCmd) }

func newCacheCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache info|clear|prune",
		Short: "Show or manage the on-disk metadata cache",
		Long: `cache manages modelbrowser's own cache of the Hub's answers (not the model
files): MODELBROWSER_CACHE_DIR, else $XDG_CACHE_HOME/modelbrowser, bounded by
MODELBROWSER_CACHE_MAX_MB.

  info   where it is, how many entries, how large, how old (creates nothing)
  clear  remove every entry
  prune  remove dead temporary files, then entries down to the size cap`,
		Example: `  modelbrowser cache info
  modelbrowser cache prune`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return app.Usagef("want one of: info, clear, prune")
			}
			return app.Usagef("unknown subcommand %q (want info, clear or prune)", args[0])
		},
		RunE: func(*cobra.Command, []string) error { return nil }, // Args refused it
	}
	warn := func(msg string) { e.note("warning: " + msg) }
	sub := func(name, short string, run func() error) *cobra.Command {
		return &cobra.Command{
			Use: name, Short: short, Args: cli.NoArgs, ValidArgsFunction: cobra.NoFileCompletions,
			Example: "  modelbrowser cache " + name,
			RunE:    func(*cobra.Command, []string) error { return run() },
		}
	}
	cmd.AddCommand(
		sub("info", "Where the cache is, its entries, size and age (creates nothing)", func() error {
			info, err := app.CacheStat(e.app(), warn)
			if err != nil {
				return err
			}
			report.CacheInfo(e.stdout, info, time.Now())
			return nil
		}),
		sub("clear", "Remove every entry", func() error {
			st, err := app.OpenCache(e.app(), warn)
			if err != nil {
				return err
			}
			if err := st.Clear(); err != nil {
				return err
			}
			report.CacheCleared(e.stdout, st.Path())
			return nil
		}),
		sub("prune", "Remove dead temporary files, then entries down to the size cap", func() error {
			st, err := app.OpenCache(e.app(), warn)
			if err != nil {
				return err
			}
			res, err := st.Prune()
			if err != nil {
				return err
			}
			report.CachePruned(e.stdout, res)
			return nil
		}),
	)
	return cmd
}
