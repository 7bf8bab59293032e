package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// ExportPageSize is how many models one list request of export asks for:
// the page size the Hub's own JavaScript client asks for when it walks a
// listing. Fewer, larger pages spend less of the rate limit.
const ExportPageSize = 500

// ExportStateVersion is the version of FILE.state's format.
const ExportStateVersion = 1

// ExportOptions are what export walks and where it writes.
type ExportOptions struct {
	// Query is search's query: text, author, filters, sort.
	Query query.Query
	// All keeps every model, else only the compatible ones.
	All bool
	// Path is FILE; its state is Path+".state".
	Path string
	// Restart starts over, whatever FILE and FILE.state hold.
	Restart bool
	// Wait sleeps d or until ctx is done: the waits a rate limit asks for
	// (the caller shows them). nil is a timer.
	Wait func(ctx context.Context, d time.Duration) error
	// Started, when set, is told the state the run starts from (Pages > 0
	// when it resumes); Progress the state after each page.
	Started  func(ExportState)
	Progress func(ExportState)
}

// ExportState is FILE.state: what export has written and where it goes
// on. It is replaced atomically after each page, once FILE's lines are on
// disk.
type ExportState struct {
	Version int         `json:"version"`
	Query   ExportQuery `json:"query"`
	// Next is the URL of the next page to ask for; "" before the first
	// page and after the last.
	Next string `json:"next"`
	// Length is FILE's length in bytes after the last page written.
	Length int64 `json:"length"`
	// Pages, Scanned and Kept count the pages read, the models in them
	// and the lines written; Dropped the models the Hub described in a
	// form that does not decode or with an invalid id (left out).
	Pages   int64 `json:"pages"`
	Scanned int64 `json:"scanned"`
	Kept    int64 `json:"kept"`
	Dropped int64 `json:"dropped"`
	// Complete: the listing ended; FILE is whole.
	Complete bool `json:"complete"`
}

// ExportQuery is what makes two exports the same: the query, whether
// every model is kept, the Hub and the worker catalog.
type ExportQuery struct {
	Search   string   `json:"search"`
	Author   string   `json:"author"`
	Filters  []string `json:"filters"`
	Sort     string   `json:"sort"`
	All      bool     `json:"all"`
	PageSize int      `json:"page_size"`
	Endpoint string   `json:"endpoint"`
	// Catalog is a digest of the worker catalog the verdicts come from.
	Catalog string `json:"catalog"`
}

func (q ExportQuery) equal(o ExportQuery) bool {
	return q.Search == o.Search && q.Author == o.Author && slices.Equal(q.Filters, o.Filters) && q.Sort == o.Sort &&
		q.All == o.All && q.PageSize == o.PageSize && q.Endpoint == o.Endpoint && q.Catalog == o.Catalog
}

// ExportResult is how an export run went.
type ExportResult struct {
	State ExportState
	// Resumed: the run went on from a saved state.
	Resumed bool
	// AlreadyComplete: FILE was whole already; nothing was done.
	AlreadyComplete bool
}

// ExportRefused is an export that would overwrite or mix up a file it
// cannot account for: FILE is left untouched, and --restart is the way
// out.
type ExportRefused struct{ Msg string }

func (e *ExportRefused) Error() string { return e.Msg }

// ExportRestartHint is what every refusal ends with.
const exportRestartHint = "; --restart starts over"

// Export walks the whole listing of the query, one list request a page
// and nothing else (no config.json, no sizes: contexts and fit are left
// out), and appends to opts.Path one line per kept model, the element
// search --json prints for it, in the Hub's order.
//
// After each page the lines are written and synced, then Path.state is
// replaced atomically (written, synced, renamed, the folder synced). A run
// that finds a state of the same query goes on from its next page after
// truncating the file to the recorded length: the file ends byte for byte
// as an uninterrupted run writes it, and at most the page under way when
// the last run stopped is asked again. A complete state changes nothing.
// A state of another query, or a file without a state, is refused
// (*ExportRefused) with the file untouched, unless Restart.
//
// A rate limit is waited out, however long (opts.Wait); any other failure
// that outlasts the client's retries ends the run with the state saved.
// Interrupted (ctx), it returns ctx's error with the file and its state
// consistent.
func (s *Session) Export(ctx context.Context, opts ExportOptions) (ExportResult, error) {
	var res ExportResult
	want, err := s.exportQuery(opts)
	if err != nil {
		return res, err
	}
	statePath := opts.Path + ".state"
	name := text.OneLine(opts.Path, 200)
	st, found, err := readExportState(statePath)
	if err != nil && !opts.Restart {
		return res, err
	}
	if opts.Restart {
		found = false
	}
	switch {
	case found && !st.Query.equal(want):
		return res, &ExportRefused{fmt.Sprintf("%s.state is the state of another export (%s), not of this one (%s)%s", name, st.Query.describe(), want.describe(), exportRestartHint)}
	case !found && !opts.Restart:
		if _, err := os.Lstat(opts.Path); err == nil {
			return res, &ExportRefused{fmt.Sprintf("%s exists and has no %s.state: it was not written by export, or its state was removed%s", name, name, exportRestartHint)}
		}
	}
	var f *os.File
	if found {
		res.Resumed = true
		fi, err := os.Stat(opts.Path)
		switch {
		case err != nil && !(errors.Is(err, fs.ErrNotExist) && st.Length == 0):
			return res, &ExportRefused{fmt.Sprintf("%s.state records %d bytes of %s, which cannot be read: %s%s", name, st.Length, name, pathErr(err), exportRestartHint)}
		case err == nil && !fi.Mode().IsRegular():
			return res, &ExportRefused{fmt.Sprintf("%s is not a regular file%s", name, exportRestartHint)}
		case err == nil && fi.Size() < st.Length:
			return res, &ExportRefused{fmt.Sprintf("%s holds %d bytes, fewer than the %d its state records: it was changed since%s", name, fi.Size(), st.Length, exportRestartHint)}
		case st.Complete:
			res.State, res.AlreadyComplete = st, true
			return res, nil
		}
		if f, err = os.OpenFile(opts.Path, os.O_WRONLY|os.O_CREATE, 0o644); err != nil {
			return res, fmt.Errorf("cannot open %s: %s", name, pathErr(err))
		}
		// What came after the recorded length is the page under way when
		// the last run stopped: it is written again.
		if err := f.Truncate(st.Length); err != nil {
			f.Close()
			return res, fmt.Errorf("cannot truncate %s to its recorded %d bytes: %s", name, st.Length, pathErr(err))
		}
	} else {
		// The state first: a crash before the first page leaves a state
		// that owns the (empty) file.
		st = ExportState{Version: ExportStateVersion, Query: want}
		if err := writeExportState(statePath, st); err != nil {
			return res, err
		}
		if f, err = os.OpenFile(opts.Path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644); err != nil {
			return res, fmt.Errorf("cannot create %s: %s", name, pathErr(err))
		}
	}
	defer f.Close()
	if _, err := f.Seek(st.Length, 0); err != nil {
		return res, fmt.Errorf("cannot write %s: %s", name, pathErr(err))
	}
	res.State = st
	if opts.Started != nil {
		opts.Started(st)
	}
	err = s.exportPages(ctx, opts, f, statePath, &res.State)
	return res, err
}

// exportPages asks for the pages from st.Next on, appending each page's
// lines to f and saving the state after it.
func (s *Session) exportPages(ctx context.Context, opts ExportOptions, f *os.File, statePath string, st *ExportState) error {
	wait := opts.Wait
	if wait == nil {
		wait = sleep
	}
	lopts := hf.ListOptions{Query: opts.Query, Limit: ExportPageSize}
	name := text.OneLine(opts.Path, 200)
	buf := make([]byte, 0, 1<<20)
	prev := ""
	for !st.Complete {
		if err := ctx.Err(); err != nil {
			return err
		}
		page, err := s.Hub.client.ListPage(ctx, lopts, st.Next)
		if err != nil {
			var he *hf.Error
			if errors.As(err, &he) && he.Kind == hf.RateLimited && ctx.Err() == nil {
				// However long the Hub asks: the run is meant to last.
				if err := wait(ctx, he.RetryIn()); err != nil {
					return err
				}
				continue
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if page.Next != "" && (page.Next == st.Next || page.Next == prev) {
			return fmt.Errorf("the Hub's next-page link after page %d points back to a page already read; stopping", st.Pages+1)
		}
		models, invalid := validIDs(page.Models)
		buf = buf[:0]
		kept := int64(0)
		for _, m := range models {
			j := compat.Judged{Model: m, Verdict: compat.Check(m, s.Catalog)}
			if !opts.All && !j.Verdict.Compatible {
				continue
			}
			if buf, err = report.AppendLine(buf, report.Element(j, nil)); err != nil {
				return err
			}
			kept++
		}
		if _, err := f.Write(buf); err != nil {
			return fmt.Errorf("cannot write %s: %s", name, pathErr(err))
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("cannot sync %s: %s", name, pathErr(err))
		}
		next := *st
		next.Length += int64(len(buf))
		next.Pages++
		next.Scanned += int64(len(models))
		next.Kept += kept
		next.Dropped += int64(invalid + len(page.Dropped))
		prev, next.Next = st.Next, page.Next
		next.Complete = page.Next == ""
		if err := writeExportState(statePath, next); err != nil {
			return err
		}
		*st = next
		if opts.Progress != nil {
			opts.Progress(next)
		}
	}
	return nil
}

// Requests is how many requests the Hub client sent in this run.
func (s *Session) Requests() int64 {
	if s.Hub == nil {
		return 0
	}
	return s.Hub.Requests()
}

func (s *Session) exportQuery(opts ExportOptions) (ExportQuery, error) {
	cat, err := stdjson.Marshal(struct {
		W []compat.Worker
		F []compat.Family
	}{s.Catalog.Workers, s.Catalog.Families})
	if err != nil {
		return ExportQuery{}, err
	}
	sum := sha256.Sum256(cat)
	filters := opts.Query.Filters
	if filters == nil {
		filters = []string{}
	}
	return ExportQuery{Search: opts.Query.Text, Author: opts.Query.Author, Filters: filters, Sort: opts.Query.Sort,
		All: opts.All, PageSize: ExportPageSize, Endpoint: s.Hub.client.Endpoint(), Catalog: "sha256:" + hex.EncodeToString(sum[:8])}, nil
}

// describe is the query in a few words, for a refusal.
func (q ExportQuery) describe() string {
	d := fmt.Sprintf("query %q", q.Search)
	if q.Author != "" {
		d += fmt.Sprintf(", author %q", q.Author)
	}
	for _, f := range q.Filters {
		d += fmt.Sprintf(", filter %q", f)
	}
	d += ", sort " + q.Sort
	if q.All {
		d += ", --all"
	}
	return text.OneLine(d, 300)
}

// maxStateBytes bounds FILE.state: a state is a few hundred bytes.
const maxStateBytes = 1 << 20

// readExportState reads FILE.state; found is false when there is none.
// One that cannot be read or parsed is a refusal.
func readExportState(path string) (ExportState, bool, error) {
	var st ExportState
	name := text.OneLine(path, 200)
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, false, nil
	}
	if err != nil {
		return st, false, &ExportRefused{fmt.Sprintf("cannot read %s: %s%s", name, pathErr(err), exportRestartHint)}
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxStateBytes {
		return st, false, &ExportRefused{fmt.Sprintf("%s is not an export state%s", name, exportRestartHint)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return st, false, &ExportRefused{fmt.Sprintf("cannot read %s: %s%s", name, pathErr(err), exportRestartHint)}
	}
	if err := stdjson.Unmarshal(data, &st); err != nil || st.Version != ExportStateVersion || st.Length < 0 || st.Pages < 0 {
		return st, false, &ExportRefused{fmt.Sprintf("%s is not an export state this version reads%s", name, exportRestartHint)}
	}
	return st, true, nil
}

// writeExportState replaces FILE.state atomically: a temporary file in
// the same folder, written and synced, renamed over it, the folder synced.
func writeExportState(path string, st ExportState) error {
	data, err := stdjson.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	tmp := path + ".tmp"
	fail := func(err error) error {
		os.Remove(tmp)
		return fmt.Errorf("cannot save %s: %s", text.OneLine(path, 200), pathErr(err))
	}
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fail(err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync() // best effort: not every system syncs a folder
		d.Close()
	}
	return nil
}

// pathErr is an os error without the path in front (the message names
// the file already).
func pathErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return text.OneLine(err.Error(), 200)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
