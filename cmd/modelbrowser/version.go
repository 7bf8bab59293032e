package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/cli"
)

func init() { register(newVersionCmd) }

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, its commit and the Go version it was built with",
		Long: `version prints the module version (vX.Y.Z for a binary installed with
go install ...@vX.Y.Z; -ldflags "-X main.version=..." overrides it), the
commit, its date and +dirty when the build has them, and the Go version.
modelbrowser --version prints the same.`,
		Example:           "  modelbrowser version\n  modelbrowser --version",
		Args:              cli.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(e.stdout, "modelbrowser %s\n", cmd.Root().Version)
			return err
		},
	}
}
