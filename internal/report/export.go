package report

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// ExportCount is where an export stands: the pages read, the models in
// them and the lines kept.
type ExportCount struct{ Pages, Scanned, Kept int64 }

// ExportProgress tells how an export goes: on a terminal one line
// updated in place, else a line every 10 pages; the last line always sums
// it up. Notes go below the line in place.
type ExportProgress struct {
	w   io.Writer
	tty bool
	// Requests counts the requests sent so far.
	Requests func() int64
	began    time.Time

	mu       sync.Mutex
	c        ExportCount
	first    int64 // pages done before this run
	shown    bool  // a line in place is on screen
	waitLeft time.Duration
	waitWhy  string
}

// NewExportProgress draws on w, a terminal when tty.
func NewExportProgress(w io.Writer, tty bool) *ExportProgress {
	return &ExportProgress{w: w, tty: tty, began: time.Now(), Requests: func() int64 { return 0 }}
}

// Start is told where the run starts (a resumed export's pages so far).
func (p *ExportProgress) Start(c ExportCount) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.c, p.first = c, c.Pages
}

// Page is told the count after each page.
func (p *ExportProgress) Page(c ExportCount) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.c = c
	switch {
	case p.tty:
		p.inPlace(p.status())
	case (c.Pages-p.first)%10 == 0:
		fmt.Fprintf(p.w, "modelbrowser: export: %s\n", p.status())
	}
}

// Wait returns a wait (the Hub's rate limit, a retry) that shows itself
// while it lasts and ends early with ctx.
func (p *ExportProgress) Wait(why string) func(ctx context.Context, d time.Duration) error {
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
func (p *ExportProgress) status() string {
	c := p.c
	el := time.Since(p.began)
	s := fmt.Sprintf("page %d: %s scanned, %s kept (%s), %s", c.Pages, text.Thousands(c.Scanned), text.Thousands(c.Kept), share(c.Kept, c.Scanned), Plural(p.Requests(), "request"))
	if done := c.Pages - p.first; done > 0 && el > 0 {
		s += fmt.Sprintf(", %.1f pages/s", float64(done)/el.Seconds())
	}
	if p.waitLeft > 0 {
		s += fmt.Sprintf("; waiting %s (%s)", p.waitLeft.Round(time.Second), p.waitWhy)
	}
	return s
}

func (p *ExportProgress) inPlace(line string) {
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	p.shown = true
}

// Note prints a line below the line in place.
func (p *ExportProgress) Note(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	Note(p.w, msg)
}

func (p *ExportProgress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// Finish prints the last line: models scanned, kept, pages, requests,
// time.
func (p *ExportProgress) Finish(c ExportCount) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	Note(p.w, fmt.Sprintf("export: %s scanned, %s kept (%s), %s, %s, %s",
		text.Thousands(c.Scanned), text.Thousands(c.Kept), share(c.Kept, c.Scanned), Plural(c.Pages, "page"),
		Plural(p.Requests(), "request"), time.Since(p.began).Round(time.Millisecond)))
}

func share(part, whole int64) string {
	if whole == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole))
}
