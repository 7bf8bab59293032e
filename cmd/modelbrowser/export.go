package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

func init() { register(newExportCmd) }

func newExportCmd(e *env) *cobra.Command {
	var (
		workersFile    string
		out            string
		all, restart   bool
		sortBy, author string
		filters        []string
	)
	cmd := &cobra.Command{
		Use:   "export [QUERY] --out FILE",
		Short: "Write every compatible model of the Hub to a file, one JSON line each, resumably",
		Long: `export walks the Hub's whole listing for the query (search's --author, --filter,
--sort; no limit) and writes to FILE one JSON line per compatible model (every
model with --all), in the Hub's order: each line is exactly the element search
--json prints for it.

It sends list requests only, one a page of ` + fmt.Sprint(app.ExportPageSize) + ` models, with search's expand
fields: no config.json, no file sizes, no GGUF header. So a model's context
length is the one its gguf object gives, else unknown (the verdict warns), and
there is no fit. Reading the context from config.json would cost one more
request for each compatible model without a gguf object: with a tenth to a
fifth of the Hub's 2 million models compatible, 200,000 to 400,000 requests,
33 to 67 hours at the 500 per 5 minutes the Hub allows without a token (half
that with a free token's 1,000), against about 40 minutes for the list pages.

After each page FILE.state (JSON: the query, the next page's URL, FILE's
length, pages, models scanned and kept, complete) is replaced. Run the same
command again after a crash, a kill or Ctrl-C and it truncates FILE to the
recorded length and goes on from the recorded page: FILE ends byte for byte
as an uninterrupted run writes it, and at most one page is asked twice. A
finished export run again changes nothing. A FILE.state of another query, or
a FILE without FILE.state, is refused with FILE untouched: --restart starts
over.

The Hub's rate limit is waited out, however long, and shown. Progress goes
to stderr. Exit 0 when the listing is complete, 2 on an error (the state is
saved: run the command again to go on), 130 on Ctrl-C.`,
		Example: `  modelbrowser export --out compatible.jsonl
  modelbrowser export --filter gguf --sort likes --out gguf.jsonl
  jq -r .id compatible.jsonl            # one repository id a line, e.g. for a static site`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("one QUERY at most, got %d words (quote the query)", len(args))
			}
			return nil
		},
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			sort, ok := query.LookupSort(sortBy)
			switch {
			case out == "":
				return usagef("--out FILE is required: the file the lines go to")
			case !ok:
				return usagef("--sort must be one of %s, got %q", strings.Join(query.SortNames(false), ", "), sortBy)
			}
			ctx := cmd.Context()
			p := newExportProgress(e)
			s, err := app.Open(ctx, e.app(), app.Options{WorkersFile: workersFile, NoCache: true,
				Wait: p.wait("the Hub's rate limit, or a retry")}, app.Overrides{}, false, false)
			if err != nil {
				return err
			}
			defer s.Hub.Close()
			p.requests = s.Requests
			res, err := s.Export(ctx, app.ExportOptions{
				Query:    query.Query{Text: strings.Join(args, " "), Author: author, Filters: filters, Sort: sort.Name},
				All:      all,
				Path:     out,
				Restart:  restart,
				Wait:     p.wait("the Hub's rate limit"),
				Progress: p.page,
				Started: func(st app.ExportState) {
					if st.Pages > 0 {
						e.note(fmt.Sprintf("export: resuming at page %d (%s kept so far)", st.Pages+1, text.Thousands(st.Kept)))
					}
					p.start(st)
				},
			})
			var refused *app.ExportRefused
			name := text.Sanitize(out)
			switch {
			case errors.As(err, &refused):
				return usageError{refused.Msg}
			case res.AlreadyComplete:
				e.note(fmt.Sprintf("export: %s is complete already (%s kept of %s scanned); nothing to do (--restart starts over)", name, text.Thousands(res.State.Kept), text.Thousands(res.State.Scanned)))
				return nil
			}
			if res.State.Dropped > 0 {
				p.note(fmt.Sprintf("export: left out %s the Hub described in a form that does not decode or with an invalid id", plural(res.State.Dropped, "model")))
			}
			if _, ok := wasInterrupted(ctx); ok {
				p.note(fmt.Sprintf("export: interrupted; %s and %s.state are consistent: the same command goes on from page %d", name, name, res.State.Pages+1))
				e.interruptTold = true
			} else if err != nil {
				p.note(fmt.Sprintf("export: %s", oneLine(strings.TrimPrefix(err.Error(), "hf: "))))
				if res.State.Version != 0 {
					p.note(fmt.Sprintf("export: the state is saved in %s.state: run the same command again to go on from page %d", name, res.State.Pages+1))
				}
			}
			p.finish(res.State)
			if err != nil || ctx.Err() != nil {
				return silentExit(exitError) // 130 when interrupted: main says so
			}
			return nil
		},
	}
	fs := cmd.Flags()
	workersFlag(cmd, &workersFile)
	fs.StringVar(&out, "out", "", "the `FILE` the JSON lines go to (its state: FILE.state)")
	_ = cmd.MarkFlagFilename("out")
	fs.BoolVar(&restart, "restart", false, "start over: overwrite FILE and FILE.state")
	fs.BoolVar(&all, "all", false, "write every model, compatible or not")
	fs.StringVar(&sortBy, "sort", query.SortDownloads, "order: "+strings.Join(query.SortNames(false), ", "))
	fixed(cmd, "sort", query.SortNames(false)...)
	fs.StringVar(&author, "author", "", "only models of this user or organisation")
	fs.StringArrayVar(&filters, "filter", nil, "only models with this `TAG` (repeatable)")
	return cmd
}

// exportProgress tells how an export goes on stderr: on a terminal one
// line updated in place, else a line every 10 pages; the last line always
// sums it up.
type exportProgress struct {
	e        *env
	w        io.Writer
	tty      bool
	requests func() int64
	began    time.Time

	mu       sync.Mutex
	st       app.ExportState
	first    int64 // pages done before this run
	shown    bool  // a line in place is on screen
	waitLeft time.Duration
	waitWhy  string
}

func newExportProgress(e *env) *exportProgress {
	p := &exportProgress{e: e, w: e.stderr, began: time.Now(), requests: func() int64 { return 0 }}
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(f.Fd()) {
		p.tty = true
	}
	return p
}

func (p *exportProgress) start(st app.ExportState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.st, p.first = st, st.Pages
}

// page is told the state after each page.
func (p *exportProgress) page(st app.ExportState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.st = st
	switch {
	case p.tty:
		p.inPlace(p.status())
	case (st.Pages-p.first)%10 == 0:
		fmt.Fprintf(p.w, "modelbrowser: export: %s\n", p.status())
	}
}

// wait returns a Wait that shows the wait while it lasts.
func (p *exportProgress) wait(why string) func(ctx context.Context, d time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		p.mu.Lock()
		p.waitWhy = why
		if !p.tty && d >= time.Second {
			fmt.Fprintf(p.w, "modelbrowser: export: waiting %s (%s)\n", d.Round(time.Second), why)
		}
		p.mu.Unlock()
		end := time.Now().Add(d)
		defer func() {
			p.mu.Lock()
			p.waitLeft = 0
			p.mu.Unlock()
		}()
		for {
			left := time.Until(end)
			if left <= 0 {
				return ctx.Err()
			}
			p.mu.Lock()
			p.waitLeft = left
			if p.tty {
				p.inPlace(p.status())
			}
			p.mu.Unlock()
			t := time.NewTimer(min(left, time.Second))
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
	}
}

// status is the progress in one line. Called with p.mu held.
func (p *exportProgress) status() string {
	st := p.st
	el := time.Since(p.began)
	s := fmt.Sprintf("page %d: %s scanned, %s kept (%s), %s", st.Pages, text.Thousands(st.Scanned), text.Thousands(st.Kept), share(st.Kept, st.Scanned), plural(p.requests(), "request"))
	if done := st.Pages - p.first; done > 0 && el > 0 {
		s += fmt.Sprintf(", %.1f pages/s", float64(done)/el.Seconds())
	}
	if p.waitLeft > 0 {
		s += fmt.Sprintf("; waiting %s (%s)", p.waitLeft.Round(time.Second), p.waitWhy)
	}
	return s
}

func (p *exportProgress) inPlace(line string) {
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	p.shown = true
}

// note prints a line below the line in place.
func (p *exportProgress) note(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.e.note(msg)
}

func (p *exportProgress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// finish prints the last line: models scanned, kept, pages, requests,
// time.
func (p *exportProgress) finish(st app.ExportState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.e.note(fmt.Sprintf("export: %s scanned, %s kept (%s), %s, %s, %s",
		text.Thousands(st.Scanned), text.Thousands(st.Kept), share(st.Kept, st.Scanned), plural(st.Pages, "page"),
		plural(p.requests(), "request"), time.Since(p.began).Round(time.Millisecond)))
}

func share(part, whole int64) string {
	if whole == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole))
}
