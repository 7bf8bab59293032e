package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// ExportRun is the export command: its flags and where it tells how it
// goes.
type ExportRun struct {
	Query, Author string
	Filters       []string
	Sort          string
	All, Restart  bool
	// Demo lists the built-in sample Hub (no network; only FILE is written).
	Demo bool
	// Out is the file the lines go to; WorkersFile the catalog.
	Out, WorkersFile string

	Env Env
	// Progress shows the pages, the waits and the notes on stderr.
	Progress *report.ExportProgress
	// ToldInterrupt is set when the run said how it was interrupted (its
	// last line is its summary), so the command adds nothing.
	ToldInterrupt bool
}

// Run exports, tells the outcome in notes and a last summary line, and
// returns the error to exit with: a refused FILE is a UsageError, any
// other failure (told already) Exit(ExitError).
func (r *ExportRun) Run(ctx context.Context) error {
	sort, ok := query.LookupSort(r.Sort)
	switch {
	case r.Out == "":
		return Usagef("--out FILE is required: the file the lines go to")
	case !ok:
		return Usagef("--sort must be one of %s, got %q", strings.Join(query.SortNames(false), ", "), r.Sort)
	}
	p := r.Progress
	s, err := Open(ctx, r.Env, Options{WorkersFile: r.WorkersFile, NoCache: true,
		Wait: p.Wait("the Hub's rate limit, or a retry")}, Overrides{}, false, r.Demo)
	if err != nil {
		return err
	}
	defer s.Hub.Close()
	p.Requests = s.Requests
	res, err := s.Export(ctx, ExportOptions{
		Query:    query.Query{Text: r.Query, Author: r.Author, Filters: r.Filters, Sort: sort.Name},
		All:      r.All,
		Path:     r.Out,
		Restart:  r.Restart,
		Wait:     p.Wait("the Hub's rate limit"),
		Progress: func(st ExportState) { p.Page(st.Count()) },
		Started: func(st ExportState) {
			if st.Pages > 0 {
				p.Note(fmt.Sprintf("export: resuming at page %d (%s kept so far)", st.Pages+1, text.Thousands(st.Kept)))
			}
			p.Start(st.Count())
		},
	})
	var refused *ExportRefused
	name := text.Sanitize(r.Out)
	switch {
	case errors.As(err, &refused):
		return UsageError{Msg: refused.Msg}
	case res.AlreadyComplete:
		p.Note(fmt.Sprintf("export: %s is complete already (%s kept of %s scanned); nothing to do (--restart starts over)", name, text.Thousands(res.State.Kept), text.Thousands(res.State.Scanned)))
		return nil
	}
	if res.State.Dropped > 0 {
		p.Note(fmt.Sprintf("export: left out %s the Hub described in a form that does not decode or with an invalid id", report.Plural(res.State.Dropped, "model")))
	}
	if Interrupted(ctx) {
		p.Note(fmt.Sprintf("export: interrupted; %s and %s.state are consistent: the same command goes on from page %d", name, name, res.State.Pages+1))
		r.ToldInterrupt = true
	} else if err != nil {
		p.Note(fmt.Sprintf("export: %s", report.FirstLine(strings.TrimPrefix(err.Error(), "hf: "))))
		if res.State.Version != 0 {
			p.Note(fmt.Sprintf("export: the state is saved in %s.state: run the same command again to go on from page %d", name, res.State.Pages+1))
		}
	}
	p.Finish(res.State.Count())
	if err != nil || ctx.Err() != nil {
		return Exit(ExitError) // 130 when interrupted: the command says so
	}
	return nil
}
