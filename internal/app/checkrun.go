package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// CheckRun is the check command: its argument and flags, how it opens the
// session and where it prints.
type CheckRun struct {
	// Pick is REPO or REPO:LABEL.
	Pick             string
	Worker, Revision string
	RequireFit, JSON bool
	Timeout          time.Duration
	Open             func(ctx context.Context) (*Session, error)
	Out              io.Writer
}

// Run judges the model and prints the verdict and its files' fit. Exit 1
// (Exit) when it is incompatible, or with RequireFit when no file fits
// the recommended worker; interrupted, it prints nothing.
func (r CheckRun) Run(ctx context.Context) error {
	id, label := SplitPick(r.Pick)
	ctx, cancel, err := WithTimeout(ctx, r.Timeout)
	if err != nil {
		return err
	}
	defer cancel()
	s, err := r.Open(ctx)
	if err != nil {
		return err
	}
	defer s.Hub.Close()
	if err := s.OnlyWorkerFlag(r.Worker); err != nil {
		return err
	}
	c, err := s.Hub.check(ctx, id, label, r.Revision, s.Catalog, s.Machine.FitSoon(), s.Overrides.Context)
	if err != nil && TimedOut(ctx) {
		err = fmt.Errorf("%s before the Hub answered", context.Cause(ctx))
	}
	if err != nil {
		return err
	}
	if Interrupted(ctx) {
		return Exit(ExitError) // nothing partial on stdout
	}
	if r.JSON {
		if err := text.WriteJSON(r.Out, report.Check{Verdict: c.Verdict, URL: report.HubURL(c.Verdict.ID), Mark: c.Verdict.Mark(true).Word(), Fit: c.Fit}); err != nil {
			return err
		}
	} else {
		report.Explanation(r.Out, c.Model, c.Verdict)
		if c.Fit != nil {
			report.Fit(r.Out, *c.Fit, c.Listing, c.Verdict.RecommendedWorker, c.Label)
		}
	}
	if !c.Verdict.Compatible || (r.RequireFit && !c.FitsRecommended()) {
		return Exit(ExitNegative)
	}
	return nil
}

// OnlyWorkerFlag is OnlyWorker for --worker NAME: nothing when name is
// empty, a UsageError when the catalog has no such worker.
func (s *Session) OnlyWorkerFlag(name string) error {
	if name == "" {
		return nil
	}
	if err := s.OnlyWorker(name); err != nil {
		return UsageError{Msg: err.Error()}
	}
	return nil
}
