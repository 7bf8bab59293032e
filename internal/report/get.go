package report

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Get is get --json (GET_POLICY.md section 6); with --dry-run each file
// says whether it is present, and the bytes to fetch and the free bytes
// are told.
type Get struct {
	Repo    string    `json:"repo"`
	SHA     string    `json:"sha"`
	Variant string    `json:"variant"`
	Path    string    `json:"path"`
	Files   []GetFile `json:"files"`
	ToFetch *int64    `json:"to_fetch,omitempty"`
	Free    *uint64   `json:"free,omitempty"`
}

// GetFile is one file of Get.
type GetFile struct {
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"`
	Present *bool  `json:"present,omitempty"`
}

// DryRun says what get would do: a line per file (have or fetch), then
// the bytes to fetch and the free bytes in root. d is a dry run's
// document (each file's Present and ToFetch set).
func DryRun(w io.Writer, d Get, root string) {
	for _, f := range d.Files {
		what := "fetch"
		if f.Present != nil && *f.Present {
			what = "have"
		}
		fmt.Fprintf(w, "%-5s %10s  %s\n", what, text.Bytes(f.Size), text.Sanitize(f.Path))
	}
	free := "unknown"
	if d.Free != nil {
		free = text.Bytes(int64(min(*d.Free, 1<<62)))
	}
	var toFetch int64
	if d.ToFetch != nil {
		toFetch = *d.ToFetch
	}
	fmt.Fprintf(w, "to fetch: %s (%d bytes); free: %s in %s\n", text.Bytes(toFetch), toFetch, free, text.Sanitize(root))
}

// Progress is where a get stands, told as bytes arrive.
type Progress struct {
	// File is the 1-based index of the file being fetched, of Files.
	File, Files int
	Path        string
	// Done and Size are the bytes of this file; TotalDone and TotalSize
	// of the whole get (what was missing when it began).
	Done, Size           int64
	TotalDone, TotalSize int64
	// Finished is true on the last event of a file (fetched or linked).
	Finished bool
	// Fetched is the bytes of this file that crossed the network.
	Fetched int64
	// Elapsed is the time this file took so far.
	Elapsed time.Duration
}

// GetProgress draws get's progress: on a terminal one line, redrawn at
// most 10 times a second and cleared at the end; elsewhere a line per
// file fetched. A nil GetProgress draws nothing.
type GetProgress struct {
	w     io.Writer
	tty   bool
	now   func() time.Time
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

// NewGetProgress draws on w, a terminal when tty.
func NewGetProgress(w io.Writer, tty bool) *GetProgress {
	return &GetProgress{w: w, tty: tty, now: time.Now}
}

// Update shows ev.
func (p *GetProgress) Update(ev Progress) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rate := 0.0
	if ev.Elapsed > 0 {
		rate = float64(ev.Fetched) / ev.Elapsed.Seconds()
	}
	if !p.tty {
		if ev.Finished && ev.Fetched > 0 {
			fmt.Fprintf(p.w, "modelbrowser: fetched %s (%s, %s/s)\n", text.Sanitize(ev.Path), text.Bytes(ev.Size), text.Bytes(int64(rate)))
		}
		return
	}
	now := p.now()
	if !ev.Finished && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	eta := "--"
	if rate > 0 && ev.TotalSize > ev.TotalDone {
		eta = time.Duration(float64(ev.TotalSize-ev.TotalDone) / rate * float64(time.Second)).Round(time.Second).String()
	}
	line := fmt.Sprintf("file %d/%d %s  %s / %s  %s/s  ETA %s", ev.File, ev.Files, text.OneLine(ev.Path, 40),
		text.Bytes(ev.Done), text.Bytes(ev.Size), text.Bytes(int64(rate)), eta)
	fmt.Fprintf(p.w, "\r\x1b[2K%s", line)
	p.drawn = true
}

// Clear removes the line on a terminal, so that a note or the end can
// follow.
func (p *GetProgress) Clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[2K")
		p.drawn = false
	}
}
