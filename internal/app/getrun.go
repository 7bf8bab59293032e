package app

import (
	"context"
	"fmt"
	"io"

	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// GetRun is the get command: its argument and flags, how it opens the
// session and where it prints.
type GetRun struct {
	// Pick is REPO or REPO:LABEL.
	Pick             string
	Worker, Revision string
	JSON, DryRun     bool
	Open             func(ctx context.Context) (*Session, error)
	// Out takes the path (or the JSON, or the dry run); Stderr the
	// progress, a terminal when StderrTTY.
	Out, Stderr io.Writer
	StderrTTY   bool
	// Note tells a person something on stderr, a line each.
	Note func(string)
}

// Run plans the get, and unless it is a dry run fetches what is missing
// and prints the path to load (or the JSON). Interrupted, it prints
// nothing on Out.
func (r GetRun) Run(ctx context.Context) error {
	id, label := SplitPick(r.Pick)
	s, err := r.Open(ctx)
	if err != nil {
		return err
	}
	if s.Hub.demo != nil && !r.DryRun {
		s.Hub.Close()
		return Usagef("the built-in sample Hub has the files' sizes but not their bytes: add --dry-run to see what get would fetch")
	}
	defer s.Hub.Close()
	if err := s.OnlyWorkerFlag(r.Worker); err != nil {
		return err
	}
	req := GetRequest{ID: id, Label: label, Revision: r.Revision, Catalog: s.Catalog, Machine: s.Machine.Fit, Context: s.Overrides.Context}
	plan, err := s.Hub.PlanGet(ctx, req)
	if Interrupted(ctx) {
		return Exit(ExitError)
	}
	if err != nil {
		return err
	}
	spaceErr := s.Hub.CheckSpace(&plan)
	switch {
	case r.DryRun && r.JSON:
		return text.WriteJSON(r.Out, plan.Document(true))
	case r.DryRun:
		report.DryRun(r.Out, plan.DryRun(), plan.Root())
		return nil
	case spaceErr != nil:
		return spaceErr
	}
	var prog *report.GetProgress
	if !plan.Complete() {
		prog = report.NewGetProgress(r.Stderr, r.StderrTTY)
	}
	res, err := s.Hub.Get(ctx, plan, GetOptions{
		Progress: prog.Update,
		Waiting: func(p string) {
			prog.Clear()
			r.Note("waiting for another download of " + text.Sanitize(p) + " to finish")
		},
	})
	prog.Clear()
	if Interrupted(ctx) {
		return Exit(ExitError) // stdout stays empty
	}
	if err != nil {
		return err
	}
	if r.JSON {
		return text.WriteJSON(r.Out, res.Plan.Document(false))
	}
	_, err = fmt.Fprintln(r.Out, res.Plan.Path)
	return err
}
