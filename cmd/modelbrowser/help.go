package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
)

// newHelpCmd is `help [COMMAND]`: the command's help on stdout, exit 0; an
// unknown command is a usage error, exit 2.
func newHelpCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "Help about any command",
		Long:  "help prints a command's description, flags and examples (as COMMAND --help does).",
		Example: `  modelbrowser help check
  modelbrowser help cache prune`,
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			parent, _, err := c.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []string
			for _, sub := range parent.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, sub.Name()+"\t"+sub.Short)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return app.Usagef("unknown command %q", strings.Join(args, " "))
			}
			target.InitDefaultHelpFlag() // as CMD --help shows it
			target.SetOut(e.stdout)
			return target.Help()
		},
	}
}
