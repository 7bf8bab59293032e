package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

func runCheck(ctx context.Context, e env, args []string) (int, error) {
	fs := newFlagSet("check")
	var common commonFlags
	common.register(fs)
	var budget timeoutFlag
	budget.register(fs)
	var fitf fitFlags
	fitf.register(fs)
	requireFit := fs.Bool("require-fit", false, "exit 1 also when the recommended worker has no file that fits this machine")
	worker := fs.String("worker", "", "judge the model for this worker only")
	revision := fs.String("revision", "", "a branch, tag or commit of the repository")
	asJSON := fs.Bool("json", false, "print the verdict as JSON")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitError, err
	}
	if len(pos) != 1 {
		return exitError, usageError{"check: want exactly one REPO_ID or REPO_ID:VARIANT, e.g. modelbrowser check meta-llama/Llama-3.1-8B-Instruct"}
	}
	id, label := splitPick(pos[0])
	over, err := fitf.overrides()
	if err != nil {
		return exitError, err
	}
	opts, err := common.options()
	if err != nil {
		return exitError, err
	}
	ctx, cancel, err := budget.within(ctx)
	if err != nil {
		return exitError, err
	}
	defer cancel()
	env := e.app()
	cat, err := app.LoadCatalog(env, opts.WorkersFile)
	if err != nil {
		return exitError, err
	}
	if *worker != "" {
		w, ok := cat.Worker(*worker)
		if !ok {
			return exitError, usageError{fmt.Sprintf("check: no worker named %q in the catalog (%s); see 'modelbrowser workers'", text.OneLine(*worker, 60), workerNames(cat))}
		}
		cat.Workers = []compat.Worker{w}
	}
	mach := app.DetectMachine(ctx, env, over)
	cat.Machine = mach.Compat
	hub, err := app.OpenHub(env, opts, false)
	if err != nil {
		return exitError, err
	}
	defer hub.Close()
	m, err := hub.Model(ctx, id, *revision)
	if err != nil && timedOut(ctx) {
		err = fmt.Errorf("%s before the Hub answered", context.Cause(ctx))
	}
	if err != nil {
		return exitError, err
	}
	if _, ok := wasInterrupted(ctx); ok {
		return exitError, nil // nothing partial on stdout
	}
	v := compat.Check(m, cat)
	var res *fit.Result
	var listing fit.Listing
	if v.Compatible || label != "" {
		facts, err := hub.Facts(ctx, m)
		switch {
		case err != nil && label != "":
			return exitError, fmt.Errorf("cannot list the files of %s to find %q: %w", id, label, err)
		case err != nil:
			e.note("files and fit unknown: " + err.Error())
		default:
			listing = facts.Listing
			if label != "" {
				if _, ok := listing.Variant(label); !ok {
					return exitError, fmt.Errorf("%s has no variant %q (it has %s)", id, label, variantNames(listing))
				}
			}
			if r, ok := fit.ForVerdict(facts, m, v, cat, mach.Fit, over.Context); ok {
				res = &r
				v.Warnings = append(v.Warnings, r.Warnings...)
			}
		}
	}
	if _, ok := wasInterrupted(ctx); ok {
		return exitError, nil
	}
	if *asJSON {
		if err := text.WriteJSON(e.stdout, report.Check{Verdict: v, Fit: res}); err != nil {
			return exitError, err
		}
	} else {
		report.Explanation(e.stdout, m, v)
		if res != nil {
			report.Fit(e.stdout, *res, listing, v.RecommendedWorker, label)
		}
	}
	switch {
	case !v.Compatible:
		return exitNegative, nil
	case *requireFit && (res == nil || !res.HasBest(v.RecommendedWorker)):
		return exitNegative, nil
	}
	return exitOK, nil
}

// variantNames lists a repository's variants for an error message.
func variantNames(l fit.Listing) string {
	if len(l.Variants) == 0 {
		return "no downloadable variant"
	}
	names := make([]string, len(l.Variants))
	for i, v := range l.Variants {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}

func workerNames(c compat.Catalog) string {
	names := make([]string, len(c.Workers))
	for i, w := range c.Workers {
		names[i] = w.Name
	}
	return text.Sanitize(strings.Join(names, ", "))
}

// labelChars are what a variant's label is made of: quant names, file
// stems, folders.
const labelChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+/"

// splitPick reads REPO:LABEL, as a pick prints it (a repository id never
// holds a colon). Anything else, "C:\x" say, stays whole and is judged as
// a repository id, which refuses it.
func splitPick(arg string) (id, label string) {
	id, label, ok := strings.Cut(arg, ":")
	if !ok || label == "" || strings.Trim(label, labelChars) != "" || strings.HasPrefix(label, "/") {
		return arg, ""
	}
	return id, label
}
