package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/ui"
)

// pickJSON is what `--pick-format json` prints: the check shape plus the
// worker the user chose.
type pickJSON struct {
	compat.Verdict
	Worker string `json:"worker"`
}

func runTUI(ctx context.Context, e env, args []string) (int, error) {
	fs := newFlagSet("modelbrowser")
	var common commonFlags
	common.register(fs)
	sortBy := fs.String("sort", "downloads", "downloads, likes, trending or updated")
	author := fs.String("author", "", "only models of this user or organisation")
	var filters stringsFlag
	fs.Var(&filters, "filter", "only models with this tag (repeatable)")
	pickFormat := fs.String("pick-format", "id", "what a pick prints on stdout: id or json")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitError, err
	}
	if len(pos) > 0 && strings.HasPrefix(pos[0], "-") {
		return exitError, usageError{fmt.Sprintf("unknown flag %q", pos[0])}
	}
	switch {
	case *pickFormat != "id" && *pickFormat != "json":
		return exitError, usageError{fmt.Sprintf("--pick-format must be id or json, got %q", *pickFormat)}
	case !validSort(*sortBy) || *sortBy == "created":
		return exitError, usageError{fmt.Sprintf("--sort must be downloads, likes, trending or updated, got %q", *sortBy)}
	}
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stderr.Fd()) {
		return exitError, fmt.Errorf("the interactive browser needs a terminal on stdin and stderr; in scripts use 'modelbrowser search' or 'modelbrowser check'")
	}
	cat, hub, err := connect(e, common)
	if err != nil {
		return exitError, err
	}
	defer hub.close()
	res, err := ui.Run(ctx, ui.Options{
		Query:      ui.Query{Text: strings.Join(pos, " "), Author: *author, Filters: filters, Sort: *sortBy},
		Catalog:    cat,
		Searcher:   uiSearcher{hub: hub},
		PickFormat: *pickFormat,
		Output:     os.Stderr,
		NoColor:    e.getenv("NO_COLOR") != "",
	})
	if err != nil {
		return exitError, err
	}
	if !res.Picked {
		return exitNegative, nil
	}
	if *pickFormat == "json" {
		if err := writeJSON(e.stdout, pickJSON{Verdict: res.Judged.Verdict, Worker: res.Worker}); err != nil {
			return exitError, err
		}
		return exitOK, nil
	}
	fmt.Fprintln(e.stdout, res.Judged.Model.ID)
	return exitOK, nil
}
