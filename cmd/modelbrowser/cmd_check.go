package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

func runCheck(ctx context.Context, e env, args []string) (int, error) {
	fs := newFlagSet("check")
	var common commonFlags
	common.register(fs)
	var budget timeoutFlag
	budget.register(fs)
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
	id, label := app.SplitPick(pos[0])
	ctx, cancel, err := budget.within(ctx)
	if err != nil {
		return exitError, err
	}
	defer cancel()
	s, err := common.open(ctx, e, false, false)
	if err != nil {
		return exitError, err
	}
	defer s.Hub.Close()
	if *worker != "" {
		w, ok := s.Catalog.Worker(*worker)
		if !ok {
			return exitError, usageError{fmt.Sprintf("check: no worker named %q in the catalog (%s); see 'modelbrowser workers'", text.OneLine(*worker, 60), workerNames(s.Catalog))}
		}
		s.Catalog.Workers = []compat.Worker{w}
	}
	c, err := s.Hub.Check(ctx, id, label, *revision, s.Catalog, s.Machine.Fit, s.Overrides.Context)
	if err != nil && timedOut(ctx) {
		err = fmt.Errorf("%s before the Hub answered", context.Cause(ctx))
	}
	if err != nil {
		return exitError, err
	}
	if _, ok := wasInterrupted(ctx); ok {
		return exitError, nil // nothing partial on stdout
	}
	if *asJSON {
		if err := text.WriteJSON(e.stdout, report.Check{Verdict: c.Verdict, Fit: c.Fit}); err != nil {
			return exitError, err
		}
	} else {
		report.Explanation(e.stdout, c.Model, c.Verdict)
		if c.Fit != nil {
			report.Fit(e.stdout, *c.Fit, c.Listing, c.Verdict.RecommendedWorker, label)
		}
	}
	if !c.Verdict.Compatible || (*requireFit && !c.FitsRecommended()) {
		return exitNegative, nil
	}
	return exitOK, nil
}

func workerNames(c compat.Catalog) string {
	names := make([]string, len(c.Workers))
	for i, w := range c.Workers {
		names[i] = w.Name
	}
	return text.Sanitize(strings.Join(names, ", "))
}
