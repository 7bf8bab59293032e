package app

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hfcache"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Progress is where a get stands, told as bytes arrive (report prints
// it).
type Progress = report.Progress

// GetOptions are the callbacks of a get.
type GetOptions struct {
	// Progress is told as bytes arrive (at most every 64 KiB read) and once
	// when each file ends; nil tells nothing.
	Progress func(Progress)
	// Waiting is told once per file when another process holds its lock.
	Waiting func(path string)
}

// GetResult is what a get did.
type GetResult struct {
	Plan GetPlan
	// Fetched is the bytes that crossed the network.
	Fetched int64
}

// retryWaits are the waits between tries without progress (GET_POLICY.md
// section 3.5): after the fifth, the get fails.
var retryWaits = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}

// errDiskFull marks a write that ran out of space.
var errDiskFull = errors.New("disk full")

// freeSpace is the space at root, from the injected probe or the system.
func (e Env) freeSpace(root string) (uint64, error) {
	if e.FreeSpace != nil {
		return e.FreeSpace(root)
	}
	return hfcache.FreeSpace(root)
}

// CheckSpace fills the plan's free space and refuses a get that does not
// fit, before anything is written.
func (h *Hub) CheckSpace(p *GetPlan) error {
	free, err := h.env.freeSpace(p.cache.Root)
	if err != nil {
		return nil // unknown: the write itself will tell
	}
	p.Free, p.FreeKnown = free, true
	if uint64(p.ToFetch) > free {
		return p.spaceError(p.ToFetch, free)
	}
	return nil
}

func (p GetPlan) spaceError(need int64, free uint64) error {
	return fmt.Errorf("not enough disk space in %s: %s:%s needs %d more bytes, %d are free", p.cache.Root, p.Repo, p.Variant, need, free)
}

// Get fetches what the plan lacks into the cache, links every file, then
// writes the ref. The plan must have passed CheckSpace.
func (h *Hub) Get(ctx context.Context, p GetPlan, opts GetOptions) (GetResult, error) {
	res := GetResult{Plan: p}
	tell := opts.Progress
	if tell == nil {
		tell = func(Progress) {}
	}
	var totalDone int64
	for i := range p.Files {
		f := &p.Files[i]
		ev := Progress{File: i + 1, Files: len(p.Files), Path: f.Path, Size: f.Size, TotalSize: p.ToFetch}
		if f.Present {
			continue
		}
		start := time.Now()
		n, err := h.getFile(ctx, p, f, func(done, fetched int64) {
			ev.Done, ev.Fetched, ev.TotalDone, ev.Elapsed = done, fetched, totalDone+fetched, time.Since(start)
			tell(ev)
		}, opts.Waiting)
		res.Fetched += n
		totalDone += n
		if err != nil {
			return res, err
		}
		f.Present = true
		ev.Done, ev.Fetched, ev.TotalDone, ev.Elapsed, ev.Finished = f.Size, n, totalDone, time.Since(start), true
		tell(ev)
	}
	if p.ref != "" {
		if err := p.cache.WriteRef(p.ref, p.SHA); err != nil {
			return res, fmt.Errorf("writing refs/%s: %w", p.ref, err)
		}
	}
	res.Plan = p
	return res, nil
}

// getFile makes one file present: under its blob's lock, linked to a blob
// fetched now, resumed, or already there. It returns the bytes fetched.
func (h *Hub) getFile(ctx context.Context, p GetPlan, f *GetFile, progress func(done, fetched int64), waiting func(string)) (int64, error) {
	c := p.cache
	lock, err := hfcache.Acquire(ctx, c.LockFile(f.etag), func() {
		if waiting != nil {
			waiting(f.Path)
		}
	})
	switch {
	case errors.Is(err, hfcache.ErrLocksRefused):
		h.env.note("warning: " + err.Error() + ": fetching " + f.Path + " without a lock")
	case err != nil:
		if ctx.Err() != nil {
			return 0, context.Cause(ctx)
		}
		return 0, fmt.Errorf("locking %s: %w", c.LockFile(f.etag), err)
	}
	defer lock.Unlock()
	var fetched int64
	if !c.HasBlob(f.etag, f.Size) {
		if fetched, err = h.fetchBlob(ctx, p, f, progress); err != nil {
			return fetched, err
		}
	}
	if err := c.Link(p.SHA, f.Path, f.etag); err != nil {
		return fetched, fmt.Errorf("linking %s: %w", f.Path, err)
	}
	return fetched, nil
}

// hasher checks a file's content as it is written: sha256 always (for
// --json and LFS files), the git blob sha1 for a file not in LFS.
type hasher struct {
	sum256 hash.Hash
	git    hash.Hash
}

func newHasher(f *GetFile) *hasher {
	h := &hasher{sum256: sha256.New()}
	if !f.lfs {
		h.git = sha1.New()
		fmt.Fprintf(h.git, "blob %d\x00", f.Size)
	}
	return h
}

func (h *hasher) Write(b []byte) (int, error) {
	h.sum256.Write(b)
	if h.git != nil {
		h.git.Write(b)
	}
	return len(b), nil
}

// check compares the sums with what the Hub listed.
func (h *hasher) check(f *GetFile) error {
	got := hex.EncodeToString(h.sum256.Sum(nil))
	if f.lfs {
		if got != f.SHA256 {
			return fmt.Errorf("%s: sha256 mismatch (got %s, the Hub says %s); the download was deleted, run get again", f.Path, got, f.SHA256)
		}
		return nil
	}
	f.SHA256 = got
	if g := hex.EncodeToString(h.git.Sum(nil)); g != f.blobID {
		return fmt.Errorf("%s: git blob sha1 mismatch (got %s, the Hub says %s); the download was deleted, run get again", f.Path, g, f.blobID)
	}
	return nil
}

// fetchBlob downloads blobs/<etag>.incomplete to its end, resuming what is
// there, retrying transient failures, verifies it and commits it as the
// blob. Called under the blob's lock.
func (h *Hub) fetchBlob(ctx context.Context, p GetPlan, f *GetFile, progress func(done, fetched int64)) (int64, error) {
	c := p.cache
	inc := c.Incomplete(f.etag)
	if err := os.MkdirAll(filepath.Dir(inc), 0o777); err != nil {
		return 0, err
	}
	out, err := os.OpenFile(inc, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return 0, err
	}
	closed := false
	defer func() {
		if !closed {
			out.Close()
		}
	}()
	sum := newHasher(f)
	have, err := out.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	if have > f.Size {
		// Longer than the file: not a prefix of it.
		if err := restart(out); err != nil {
			return 0, err
		}
		have = 0
	}
	if have > 0 {
		// Hash the prefix kept from an earlier run.
		if _, err := io.Copy(sum, io.NewSectionReader(out, 0, have)); err != nil {
			return 0, err
		}
	}
	var fetched int64
	fails := 0
	for have < f.Size {
		if err := ctx.Err(); err != nil {
			return fetched, context.Cause(ctx)
		}
		n, err := h.fetchFrom(ctx, p, f, out, &have, sum, func() { progress(have, fetched) }, &fetched)
		if n > 0 {
			fails = 0
		}
		switch {
		case err == nil && have >= f.Size:
		case errors.Is(err, hf.ErrRangeNotSatisfiable):
			if err := restart(out); err != nil {
				return fetched, err
			}
			have, sum = 0, newHasher(f)
			fails++
		case errors.Is(err, errDiskFull):
			free, _ := h.env.freeSpace(c.Root)
			return fetched, p.spaceError(f.Size-have, free)
		case ctx.Err() != nil:
			_ = out.Sync()
			return fetched, context.Cause(ctx)
		case err == nil || hf.IsTransient(err):
			// The body ended early, or broke: ask again from here.
			if fails >= len(retryWaits) {
				if err == nil {
					err = errors.New("the body ended early")
				}
				return fetched, fmt.Errorf("%s: %s after %d tries; %s of %s kept for the next get", f.Path, hubDetail(err), fails+1, text.Bytes(have), text.Bytes(f.Size))
			}
			wait := retryWaits[fails]
			fails++
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return fetched, context.Cause(ctx)
			case <-t.C:
			}
		default:
			return fetched, fmt.Errorf("%s: %s", f.Path, hubDetail(err))
		}
	}
	if err := sum.check(f); err != nil {
		out.Close()
		closed = true
		os.Remove(inc)
		return fetched, err
	}
	closed = true
	if err := hfcache.Commit(out, c.Blob(f.etag)); err != nil {
		return fetched, fmt.Errorf("saving %s: %w", f.Path, err)
	}
	return fetched, nil
}

// restart empties an .incomplete that is not a prefix of the file.
func restart(out *os.File) error {
	if err := out.Truncate(0); err != nil {
		return err
	}
	_, err := out.Seek(0, io.SeekStart)
	return err
}

// copyBuf is the size of one read from the network.
const copyBuf = 1 << 20

// fetchFrom makes one request from *have on and appends what comes,
// hashing it. It returns the bytes appended.
func (h *Hub) fetchFrom(ctx context.Context, p GetPlan, f *GetFile, out *os.File, have *int64, sum *hasher, tick func(), fetched *int64) (int64, error) {
	body, err := h.client.OpenFile(ctx, p.Repo, p.SHA, f.Path, *have)
	if err != nil {
		return 0, err
	}
	defer body.Body.Close()
	if body.Start != *have {
		// A 200 to a Range: the whole file again.
		if err := restart(out); err != nil {
			return 0, err
		}
		*have = 0
		*sum = *newHasher(f)
	}
	return pump(body.Body, out, sum, f.Size-*have, func(n int) {
		*have += int64(n)
		*fetched += int64(n)
		tick()
	})
}

// pump copies at most limit bytes of r to out and the hasher, reading the
// next buffer while the last is written and hashed, so that the network
// never waits for the disk or the CPU.
func pump(r io.Reader, out *os.File, sum *hasher, limit int64, wrote func(int)) (int64, error) {
	type chunk struct {
		b   []byte
		err error
	}
	free := make(chan []byte, 4)
	for range 4 {
		free <- make([]byte, copyBuf)
	}
	full := make(chan chunk, 4)
	stop := make(chan struct{})
	go func() {
		defer close(full)
		left := limit
		for left > 0 {
			var b []byte
			select {
			case b = <-free:
			case <-stop:
				return
			}
			n, err := r.Read(b[:min(int64(len(b)), left)])
			left -= int64(n)
			if n > 0 || err != nil {
				select {
				case full <- chunk{b: b[:n], err: err}:
				case <-stop:
					return
				}
			} else {
				free <- b
			}
			if err != nil {
				return
			}
		}
	}()
	defer close(stop)
	var total int64
	for c := range full {
		if len(c.b) > 0 {
			if _, err := out.Write(c.b); err != nil {
				if errors.Is(err, syscall.ENOSPC) {
					return total, errDiskFull
				}
				return total, err
			}
			sum.Write(c.b)
			total += int64(len(c.b))
			wrote(len(c.b))
		}
		free <- c.b[:cap(c.b)]
		if c.err == io.EOF {
			return total, nil
		}
		if c.err != nil {
			return total, c.err
		}
	}
	return total, nil
}

// readSmall reads a file of at most 64 MiB.
func readSmall(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 64<<20))
}
