package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/cli"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
	"github.com/modelbrowser/modelbrowser/internal/ui"
)

// commands are the constructors of the subcommands, one a file, each
// added by its file's init.
var commands []func(*env) *cobra.Command

func register(newCmd func(*env) *cobra.Command) { commands = append(commands, newCmd) }

// newRootCmd is modelbrowser itself: the interactive browser, and the
// parent of every other command.
func newRootCmd(e *env) *cobra.Command {
	var (
		common     cli.Common
		sortBy     string
		author     string
		filters    []string
		pickFormat string
	)
	cmd := &cobra.Command{
		Use:   "modelbrowser [QUERY]",
		Short: "Find Hugging Face models your local inference workers can run",
		Long: `modelbrowser finds models on the Hugging Face Hub that your local inference
workers can run, explains why the others can't, and tells which file fits
this machine.

With no command it browses interactively: the browser draws on stderr and a
pick (p) prints REPO:LABEL (a file's variant) or REPO on stdout, so
$(modelbrowser qwen) hands it to a script. With --pick-format path a pick
fetches the file into the Hugging Face cache first (if it is not there) and
prints its local path. d downloads the highlighted file in the background.
Exit 0 picked, 1 nothing picked, 2 error.`,
		Example: `  modelbrowser qwen
  modelbrowser --sort trending --filter text-generation
  modelbrowser --demo                      # the built-in sample Hub: no network, no token
  modelbrowser check "$(modelbrowser gguf --pick-format id)"
  llama-server -m "$(modelbrowser --pick-format path qwen)"`,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && strings.HasPrefix(args[0], "-") {
				return app.Usagef("unknown flag %s", text.Sanitize(args[0]))
			}
			sort, err := app.BrowseFlags(sortBy, pickFormat, common.Demo)
			if err != nil {
				return err
			}
			if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stderr.Fd()) {
				return fmt.Errorf("the interactive browser needs a terminal on stdin and stderr; in scripts use 'modelbrowser search' or 'modelbrowser check'")
			}
			ctx := cmd.Context()
			common.Speed, common.SpeedLater = true, true // the first page need not wait for the probe
			sess, err := common.Open(ctx, e.app(), true, false)
			if err != nil {
				return err
			}
			defer sess.Hub.Close()
			var downloader ui.Downloader
			if !common.Demo {
				downloader = sess.Hub.Downloads()
			}
			res, err := ui.Run(ctx, ui.Options{
				Query:      query.Query{Text: app.BrowseQuery(args), Author: author, Filters: filters, Sort: sort.Name},
				Catalog:    sess.Catalog,
				Searcher:   sess.Hub.Browser(),
				PickFormat: pickFormat,
				Downloader: downloader,
				Output:     os.Stderr,
				NoColor:    e.getenv("NO_COLOR") != "",
				Machine:    sess.Machine.Fit,
				ProbeSpeed: sess.Machine.ProbeSpeed,
				Context:    sess.Overrides.Context,
				Demo:       common.Demo,
				NextStep:   app.NextStep,
				Hyperlinks: termTakesOSC(e.getenv("TERM")),
				Clipboard:  termTakesOSC(e.getenv("TERM")),
			})
			if err != nil {
				return err
			}
			if !res.Picked {
				return app.Exit(app.ExitNegative)
			}
			// The id was checked when the list came (app drops invalid ones)
			// and the label sanitised by the browser.
			return report.PrintPick(e.stdout, pickFormat, res.Path, report.Pick{Verdict: res.Judged.Verdict, Mark: res.Judged.Verdict.Mark(true).Word(),
				Pick: res.Pick, Variant: report.NewPickVariant(res.Variant), SHA: res.SHA, Worker: res.Worker, Context: res.Context,
				Level: res.Level, Low: res.Low, High: res.High})
		},
	}
	fs := cmd.Flags()
	common.Register(cmd)
	fs.StringVar(&sortBy, "sort", query.SortDownloads, "order: "+strings.Join(query.SortNames(true), ", "))
	cli.Fixed(cmd, "sort", query.SortNames(true)...)
	fs.StringVar(&author, "author", "", "only models of this user or organisation")
	fs.StringArrayVar(&filters, "filter", nil, "only models with this `TAG` (repeatable)")
	fs.StringVar(&pickFormat, "pick-format", "id", "what a pick prints on stdout: id, json, or path (fetch the file if missing, print its local path)")
	cli.Fixed(cmd, "pick-format", app.PickFormats...)
	fs.Bool("version", false, "print the version (as the version command)") // cobra answers it

	cmd.Version = app.ReadBuildVersion(version).String()
	cmd.SetVersionTemplate("modelbrowser {{.Version}}\n")
	cmd.SetUsageTemplate(cmd.UsageTemplate() + rootOnly(keysHelp()+envHelp))
	cmd.SetFlagErrorFunc(cli.FlagError)
	cmd.SetHelpCommand(newHelpCmd(e))
	for _, newCmd := range commands {
		cmd.AddCommand(newCmd(e))
	}
	return cmd
}

// rootOnly is template text shown in the root command's help only.
func rootOnly(s string) string {
	return "{{if not .HasParent}}" + strings.ReplaceAll(s, "{{", "{{`{{`}}") + "{{end}}"
}

// keysHelp is the browser's key cheat sheet, from its keymap.
func keysHelp() string {
	var b strings.Builder
	b.WriteString("\nKeys in the browser:\n")
	for _, k := range ui.CheatSheet() {
		fmt.Fprintf(&b, "  %-8s %s\n", k.Keys, k.Desc)
	}
	return b.String()
}

const envHelp = `
Environment:
  HF_ENDPOINT                    the Hub (default https://huggingface.co)
  HF_TOKEN, HUGGING_FACE_HUB_TOKEN
                                 the Hub token (else the file HF_TOKEN_PATH, else $HF_HOME/token)
  HF_TOKEN_PATH, HF_HOME, HF_HUB_CACHE
                                 where huggingface_hub keeps the token and its model cache
  HF_HUB_ETAG_TIMEOUT            seconds one request may take (default 10)
  HF_HUB_OFFLINE=1               send no request (as --offline)
  MODELBROWSER_CACHE_DIR         the metadata cache (default: the user cache directory/modelbrowser)
  MODELBROWSER_CACHE_MAX_MB      its size cap (default 200)
  MODELBROWSER_CPU_BANDWIDTH     GB/s to assume instead of probing the CPU's memory bandwidth
  MODELBROWSER_ALLOW_HTTP_TOKEN=1
                                 send the token even to a plain http:// HF_ENDPOINT on another host
  XDG_CACHE_HOME, XDG_CONFIG_HOME
                                 cache and configuration (workers.toml) directories
  NO_COLOR                       no colour in the browser
  TERM=dumb                      plain output, and no terminal colour query at start (it waits
                                 up to 5 s where nothing answers it: script, expect, some CI)
`

// termTakesOSC reports whether the terminal named by TERM takes OSC 8
// links and OSC 52 copies (u): every terminal emulator in use ignores an
// OSC it does not know, but the Linux console and a dumb terminal print
// it.
func termTakesOSC(term string) bool {
	switch term {
	case "", "dumb", "linux":
		return false
	}
	return true
}
