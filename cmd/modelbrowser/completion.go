package main

import (
	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
)

func init() { register(newCompletionCmd) }

func newCompletionCmd(e *env) *cobra.Command {
	shells := []string{"bash", "zsh", "fish", "powershell"}
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `completion prints the script that teaches a shell to complete modelbrowser's
commands, flags and values: --sort, --pick-format and --worker values (from the
catalog in force), check's REPO from the repositories in the metadata cache and
REPO: with that repository's variant labels when its file sizes are cached. No
request is ever sent while completing.

  bash        source <(modelbrowser completion bash)        # in ~/.bashrc
              or: modelbrowser completion bash > ~/.local/share/bash-completion/completions/modelbrowser
  zsh         modelbrowser completion zsh > "${fpath[1]}/_modelbrowser"
              (with autoload -U compinit; compinit in ~/.zshrc)
  fish        modelbrowser completion fish > ~/.config/fish/completions/modelbrowser.fish
  powershell  modelbrowser completion powershell | Out-String | Invoke-Expression   # in $PROFILE`,
		Example:               "  source <(modelbrowser completion bash)\n  modelbrowser completion zsh > \"${fpath[1]}/_modelbrowser\"",
		ValidArgs:             shells,
		DisableFlagsInUseLine: true,
		Args: func(_ *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				return app.Usagef("want one of: bash, zsh, fish, powershell")
			case len(args) > 1:
				return app.Usagef("unexpected argument %q", args[1])
			}
			for _, s := range shells {
				if args[0] == s {
					return nil
				}
			}
			return app.Usagef("unknown shell %q (want bash, zsh, fish or powershell)", args[0])
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(e.stdout, true)
			case "zsh":
				return root.GenZshCompletion(e.stdout)
			case "fish":
				return root.GenFishCompletion(e.stdout, true)
			default:
				return root.GenPowerShellCompletionWithDesc(e.stdout)
			}
		},
	}
}
