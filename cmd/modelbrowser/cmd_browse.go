package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
	"github.com/modelbrowser/modelbrowser/internal/ui"
)

func runBrowse(ctx context.Context, e env, args []string) (int, error) {
	fs := newFlagSet("modelbrowser")
	var common commonFlags
	common.register(fs)
	sortBy := fs.String("sort", query.SortDownloads, strings.Join(query.SortNames(true), ", "))
	author := fs.String("author", "", "only models of this user or organisation")
	var filters stringsFlag
	fs.Var(&filters, "filter", "only models with this tag (repeatable)")
	pickFormat := fs.String("pick-format", "id", "what a pick prints on stdout: id or json")
	demo := fs.Bool("demo", false, "browse the built-in sample Hub: no network, no token, nothing on disk")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitError, err
	}
	if len(pos) > 0 && strings.HasPrefix(pos[0], "-") {
		return exitError, usageError{fmt.Sprintf("unknown flag %q", pos[0])}
	}
	sort, ok := query.LookupSort(*sortBy)
	switch {
	case *pickFormat != "id" && *pickFormat != "json":
		return exitError, usageError{fmt.Sprintf("--pick-format must be id or json, got %q", *pickFormat)}
	case !ok || !sort.Browse:
		return exitError, usageError{fmt.Sprintf("--sort must be one of %s, got %q", strings.Join(query.SortNames(true), ", "), *sortBy)}
	}
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stderr.Fd()) {
		return exitError, fmt.Errorf("the interactive browser needs a terminal on stdin and stderr; in scripts use 'modelbrowser search' or 'modelbrowser check'")
	}
	sess, err := common.open(ctx, e, true, *demo)
	if err != nil {
		return exitError, err
	}
	defer sess.Hub.Close()
	res, err := ui.Run(ctx, ui.Options{
		Query:      query.Query{Text: strings.Join(pos, " "), Author: *author, Filters: filters, Sort: sort.Name},
		Catalog:    sess.Catalog,
		Searcher:   sess.Hub.Browser(),
		PickFormat: *pickFormat,
		Output:     os.Stderr,
		NoColor:    e.getenv("NO_COLOR") != "",
		Machine:    sess.Machine.Fit,
		Context:    sess.Overrides.Context,
		Demo:       *demo,
	})
	if err != nil {
		return exitError, err
	}
	if !res.Picked {
		return exitNegative, nil
	}
	// REPO:LABEL for a GGUF variant, else REPO. The id was checked when
	// the list came (app drops invalid ones) and the label sanitised by
	// the browser; written inert all the same, like every pick.
	pick := text.Sanitize(res.Pick)
	if *pickFormat == "json" {
		doc := report.Pick{Verdict: res.Judged.Verdict, Pick: pick, Variant: report.NewPickVariant(res.Variant),
			SHA: res.SHA, Worker: res.Worker, Context: res.Context}
		if err := text.WriteJSON(e.stdout, doc); err != nil {
			return exitError, err
		}
		return exitOK, nil
	}
	fmt.Fprintln(e.stdout, pick)
	return exitOK, nil
}
