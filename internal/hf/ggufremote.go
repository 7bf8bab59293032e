package hf

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/gguf"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Bounds of a remote GGUF header read (FIT_POLICY.md section 2).
const (
	// GGUFChunk is the most bytes one Range request asks for.
	GGUFChunk = 2 << 20
	// GGUFMaxBytes is the most bytes one header read takes in all.
	GGUFMaxBytes = 16 << 20
)

// ggufCacheVersion names the layout of a cached gguf.Info: a change of
// the Info's fields gets new entries instead of misread old ones.
const ggufCacheVersion = "GGUF-INFO/3" // 2: FeedForward; 3: Tensors (sums of the tensor infos, when asked)

// GGUFStats is what one GGUFInfo call cost, for the CLI to report.
type GGUFStats struct {
	// Requests is the HTTP requests made, each redirect hop counted (a
	// chunk asked of the Hub and answered by its file storage is two).
	Requests int
	// Bytes is the body bytes read from the network.
	Bytes int64
	// HeaderBytes is the bytes of the file the header reader consumed.
	HeaderBytes int64
	// FromCache is true when the Info came from the cache, with no request.
	FromCache bool
}

// GGUFInfo reads the GGUF header of file in repository id at commit sha
// (GET /{id}/resolve/{sha}/{file}) and returns the keys gguf.Info holds.
//
// The file is read with HTTP Range requests (`Range: bytes=a-b`,
// `Accept-Encoding: identity`) of at most GGUFChunk bytes each, asked one
// at a time only when the header reader needs more, GGUFMaxBytes in all.
// A 206 must carry the Content-Range asked for; a 200 (a server that
// ignored Range) is read only as far as needed, then closed. The Hub's
// redirect to its file storage is followed, and the next chunks are asked
// there directly (through the Hub again, once, if the storage refuses
// them: its signed URLs expire); the token goes only to the endpoint's own
// origin (scheme, host and port), never to the storage.
//
// The parsed Info is cached forever under (repo, sha, file), so a second
// call makes no request. So is a header that cannot be read (truncated,
// malformed, over the read limit): at a commit it never changes, and the
// same *Error comes back from the cache, with GGUFStats.FromCache and no
// request. Within one client a header read, or refused (401, 403, 404),
// once is not asked again; concurrent calls share one read. A failure to
// get an answer (network, timeout, 429, 5xx) is never kept. Errors are
// *Error: Invalid for a bad id, sha or file name; Gated for 401 and 403
// (BadToken when the Hub refused the token itself); NotFound for 404;
// BadResponse with a one-line reason for a truncated, malformed or
// over-long header (its Err wraps gguf.ErrTruncated, ErrTooLarge or
// ErrFormat) or a wrong Content-Range. GGUFStats is filled on error too.
func (c *Client) GGUFInfo(ctx context.Context, id, sha, file string) (gguf.Info, GGUFStats, error) {
	return c.GGUFInfoWith(ctx, id, sha, file, gguf.Options{})
}

// GGUFInfoWith is GGUFInfo with the reader's options: with o.Tensors the
// header is read on to the end of its tensor infos (same bounds) and
// Info.Tensors holds their sums (FIT_POLICY.md section 7). A cached Info
// without them does not answer such a call; one with them answers both.
func (c *Client) GGUFInfoWith(ctx context.Context, id, sha, file string, o gguf.Options) (gguf.Info, GGUFStats, error) {
	if err := ValidateRepoID(id); err != nil {
		return gguf.Info{}, GGUFStats{}, err
	}
	if !IsCommit(sha) {
		return gguf.Info{}, GGUFStats{}, newError(Invalid, nil, "invalid commit %q: GGUF headers are read at a 40-hex commit sha", text.OneLine(sha, 60))
	}
	esc, err := escapeRepoFile(file)
	if err != nil {
		return gguf.Info{}, GGUFStats{}, err
	}
	u := c.cfg.Endpoint + "/" + repoPath(id) + "/resolve/" + sha + "/" + esc
	key := cache.Key(ggufCacheVersion, u, cache.TokenFingerprint(c.cfg.Token))
	enough := func(info gguf.Info, err error) bool { return err != nil || !o.Tensors || info.Tensors != nil }
	if info, err, ok := c.recallGGUF(key); ok && enough(info, err) {
		return info, GGUFStats{FromCache: true}, err
	}
	useCache := c.cfg.Cache != nil && !c.cfg.NoCache
	if useCache && (!c.cfg.Refresh || c.cfg.Offline) {
		if e, ok := c.cfg.Cache.Get(key); ok && e.Status == http.StatusOK {
			if info, err := decodeGGUFInfo(e.Body); err == nil && enough(info, nil) {
				return info, GGUFStats{FromCache: true}, nil
			}
		}
		if e, ok := c.cfg.Cache.Get(ggufErrorKey(u)); ok {
			if herr, ok := headerErrorFromEntry(e); ok {
				return gguf.Info{}, GGUFStats{FromCache: true}, herr
			}
		}
	}
	if c.cfg.Offline {
		by := "offline mode"
		if c.cfg.OfflineBy != "" {
			by = c.cfg.OfflineBy
		}
		return gguf.Info{}, GGUFStats{}, newError(Offline, nil, "no GGUF header of %s cached, and %s sends no request to the Hub", text.OneLine(file, 100), by)
	}
	var stats GGUFStats
	flightKey := key
	if o.Tensors {
		flightKey += "\x00tensors"
	}
	ans, _, err := c.flight.do(ctx, flightKey, func(ctx context.Context) (*answer, error) {
		if info, err, ok := c.recallGGUF(key); ok && enough(info, err) {
			// Read by another call while this one looked at the cache.
			stats = GGUFStats{FromCache: true}
			if err != nil {
				return nil, err
			}
			return &answer{status: http.StatusOK, value: info}, nil
		}
		info, st, err := c.readGGUF(ctx, u, file, o)
		stats = st
		now := c.cfg.Now()
		var he *Error
		switch {
		case err == nil:
			if body, merr := json.Marshal(info, json.FormatNilSliceAsNull(true)); merr == nil {
				c.put(useCache, cache.Entry{Key: key, FetchedAt: now, Status: http.StatusOK, Body: body})
			}
			c.asked.keep(key, recalled{at: now, ttl: -1, ans: &answer{status: http.StatusOK, value: info}})
			return &answer{status: http.StatusOK, value: info}, nil
		case headerUnreadable(err):
			c.putHeaderError(useCache, u, err.(*Error), now)
			c.asked.keep(key, recalled{at: now, ttl: -1, err: err})
		case errors.As(err, &he) && answered(he):
			c.asked.keep(key, recalled{at: now, ttl: TTLNotFound, err: err})
		}
		return nil, err
	})
	if err != nil {
		return gguf.Info{}, stats, err
	}
	return cloneInfo(ans.value.(gguf.Info)), stats, nil
}

// recallGGUF gives a header read (or refused, or found unreadable)
// earlier in this run.
func (c *Client) recallGGUF(key string) (gguf.Info, error, bool) {
	r, ok := c.asked.recall(key, c.cfg.Now())
	if !ok {
		return gguf.Info{}, nil, false
	}
	if r.err != nil {
		return gguf.Info{}, r.err, true
	}
	return cloneInfo(r.ans.value.(gguf.Info)), nil, true
}

// ggufErrorVersion names the layout of a cached unreadable header.
const ggufErrorVersion = "GGUF-UNREADABLE/1"

// ggufErrorKey is the cache key of an unreadable header: the repo, commit
// and file (all in u), whoever asked. What a file at a commit holds does
// not depend on the token that read it.
func ggufErrorKey(u string) string { return cache.Key(ggufErrorVersion, u, "") }

// headerUnreadable reports whether a header read failed on the file's own
// bytes (what the parser refused), not on the way to them: only such a
// failure is the same every time.
func headerUnreadable(err error) bool {
	var he *Error
	if !errors.As(err, &he) || he.Kind != BadResponse || he.Status != 0 {
		return false
	}
	return headerSentinel(he.Err) != nil
}

// headerSentinel is the gguf error a parser failure wraps, nil for none.
func headerSentinel(err error) error {
	for _, s := range []error{gguf.ErrTruncated, gguf.ErrTooLarge, gguf.ErrFormat} {
		if errors.Is(err, s) && !errors.Is(err, gguf.ErrRead) {
			return s
		}
	}
	return nil
}

// headerError is the stored form of an unreadable header.
type headerError struct {
	Message  string `json:"message"`
	Cause    string `json:"cause"`
	Sentinel string `json:"sentinel"`
}

var headerSentinels = map[string]error{"truncated": gguf.ErrTruncated, "too-large": gguf.ErrTooLarge, "format": gguf.ErrFormat}

func (c *Client) putHeaderError(useCache bool, u string, e *Error, now time.Time) {
	h := headerError{Message: e.Message, Cause: e.Err.Error()}
	for name, s := range headerSentinels {
		if s == headerSentinel(e.Err) {
			h.Sentinel = name
		}
	}
	if body, err := json.Marshal(h); err == nil {
		c.put(useCache, cache.Entry{Key: ggufErrorKey(u), FetchedAt: now, Status: http.StatusUnprocessableEntity, Body: body})
	}
}

// headerErrorFromEntry rebuilds the *Error of a cached unreadable header:
// the same kind, message and cause text as the read that found it, its
// cause wrapping the same gguf sentinel.
func headerErrorFromEntry(e cache.Entry) (*Error, bool) {
	var h headerError
	if e.Status != http.StatusUnprocessableEntity || json.Unmarshal(e.Body, &h) != nil || h.Message == "" {
		return nil, false
	}
	s, ok := headerSentinels[h.Sentinel]
	if !ok {
		return nil, false
	}
	return &Error{Kind: BadResponse, Message: h.Message, Err: &errHeaderCause{text: h.Cause, is: s}}, true
}

// cloneInfo copies an Info's slices, so that callers sharing one read
// (concurrent calls collapse into one) never share them.
func cloneInfo(in gguf.Info) gguf.Info {
	if in.HeadCountKV != nil {
		in.HeadCountKV = append([]uint64(nil), in.HeadCountKV...)
	}
	if in.SlidingPattern != nil {
		in.SlidingPattern = append([]bool(nil), in.SlidingPattern...)
	}
	in.Tensors = in.Tensors.Clone()
	return in
}

func decodeGGUFInfo(body []byte) (gguf.Info, error) {
	var info gguf.Info
	err := json.Unmarshal(body, &info)
	return info, err
}

// escapeRepoFile checks a file path of a repository and escapes each of
// its segments for a URL.
func escapeRepoFile(file string) (string, error) {
	bad := func(why string) error {
		return newError(Invalid, nil, "invalid file name %q: %s", text.OneLine(file, 100), why)
	}
	if file == "" || len(file) > 1024 {
		return "", bad("empty or too long")
	}
	parts := strings.Split(file, "/")
	for i, p := range parts {
		switch {
		case p == "" || p == "." || p == "..":
			return "", bad("empty, '.' or '..' path segment")
		case strings.ContainsFunc(p, func(r rune) bool { return r < ' ' || r == 0x7f || r == '\\' }):
			return "", bad("control characters or backslashes")
		}
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/"), nil
}

// readGGUF runs the header reader over a lazy Range reader of u.
func (c *Client) readGGUF(ctx context.Context, u, file string, o gguf.Options) (gguf.Info, GGUFStats, error) {
	rr := &rangeReader{c: c, ctx: ctx, url: u, orig: u, total: -1}
	defer rr.close()
	info, n, err := gguf.ReadWith(rr, GGUFMaxBytes, o)
	stats := GGUFStats{Requests: rr.requests, Bytes: rr.read, HeaderBytes: n}
	switch {
	case err == nil:
		return info, stats, nil
	case rr.err != nil:
		return info, stats, rr.err // the Hub's own failure, already explained
	case ctx.Err() != nil:
		return info, stats, ctx.Err()
	}
	name := text.OneLine(file, 100)
	msg := text.OneLine(err.Error(), 200)
	switch {
	case errors.Is(err, gguf.ErrTruncated):
		return info, stats, newError(BadResponse, err, "the GGUF header of %s is truncated (%s)", name, msg)
	case errors.Is(err, gguf.ErrTooLarge):
		return info, stats, newError(BadResponse, err, "the GGUF header of %s does not give its shape within %d MiB (%s)", name, GGUFMaxBytes>>20, msg)
	}
	return info, stats, newError(BadResponse, err, "%s is not a GGUF file this reader takes (%s)", name, msg)
}

// rangeReader is an io.Reader over a remote file that asks the next
// chunk only when its reader needs more bytes than the current answer
// holds.
type rangeReader struct {
	c   *Client
	ctx context.Context
	// url is where the next chunk is asked: the resolve URL, then the
	// storage URL the Hub redirected to.
	url   string
	orig  string // the resolve URL
	off   int64  // file offset of the next byte
	total int64  // file size; -1 unknown

	body   io.ReadCloser
	cancel context.CancelFunc
	actx   context.Context
	status int
	header http.Header
	left   int64 // bytes left in body; -1: up to its end (a 200)

	requests int
	read     int64 // body bytes read, discarded ones included
	err      error // the failure that ended the read
}

func (r *rangeReader) fail(err error) error {
	if r.err == nil {
		r.err = err
	}
	r.close()
	return err
}

func (r *rangeReader) close() {
	if r.body != nil {
		r.body.Close()
		r.body = nil
	}
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
}

// Read reads from the current answer, asking the next chunk when it is
// used up.
func (r *rangeReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if r.body != nil && r.left != 0 {
			return r.fromBody(p)
		}
		r.close()
		if (r.total >= 0 && r.off >= r.total) || r.off >= GGUFMaxBytes {
			return 0, io.EOF
		}
		if err := r.next(); err != nil {
			if err == io.EOF {
				return 0, io.EOF
			}
			return 0, r.fail(err)
		}
	}
}

func (r *rangeReader) fromBody(p []byte) (int, error) {
	budget := GGUFMaxBytes - r.read
	if budget <= 0 {
		return 0, r.fail(newError(BadResponse, nil, "the GGUF header read reached %d MiB; stopped", GGUFMaxBytes>>20))
	}
	if int64(len(p)) > budget {
		p = p[:budget]
	}
	if r.left > 0 && int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.body.Read(p)
	r.read += int64(n)
	r.off += int64(n)
	if r.left > 0 {
		r.left -= int64(n)
	}
	switch {
	case err == nil:
		return n, nil
	case err == io.EOF && r.left <= 0:
		// A 200 ended: so did the file.
		if r.left < 0 {
			r.total = r.off
		}
		r.left = 0
		return n, nil
	case err == io.EOF:
		err = errTruncated
	}
	if berr := bodyReadError(err); berr != nil {
		err = berr
	} else {
		err = errTruncated
	}
	return n, r.fail(r.c.bodyError(r.ctx, r.actx, err, r.status, r.header))
}

// next asks for the chunk at r.off (with retries) and makes it the
// current body; io.EOF when the file ends before r.off.
func (r *rangeReader) next() error {
	end := min(r.off+GGUFChunk, GGUFMaxBytes) - 1
	if r.total >= 0 {
		end = min(end, r.total-1)
	}
	err := r.c.withRetries(r.ctx, func() error { return r.attempt(end) })
	if IsKind(err, Gated) && r.url != r.orig {
		// The storage URL the Hub gave may have expired (signed URLs
		// do): ask the Hub again, once, for a fresh one.
		r.url = r.orig
		err = r.c.withRetries(r.ctx, func() error { return r.attempt(end) })
	}
	return err
}

// attempt makes one Range request for bytes r.off..end.
func (r *rangeReader) attempt(end int64) error {
	c := r.c
	actx, cancel := context.WithTimeout(r.ctx, c.cfg.Timeout)
	req, err := http.NewRequestWithContext(actx, http.MethodGet, r.url, nil)
	if err != nil {
		cancel()
		return newError(Invalid, err, "cannot build a request for %s", c.hostName())
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Range", "bytes="+strconv.FormatInt(r.off, 10)+"-"+strconv.FormatInt(end, 10))
	req.Header.Set("Accept-Encoding", "identity")
	// A client of its own (same transport, same redirect rule) counts
	// every hop, those of a request that then fails included.
	n := 1
	hc := &http.Client{Transport: c.http.Transport, CheckRedirect: func(next *http.Request, via []*http.Request) error {
		if err := c.http.CheckRedirect(next, via); err != nil {
			return err
		}
		n++
		return nil
	}}
	resp, err := hc.Do(req)
	r.requests += n
	if err != nil {
		cancel()
		return c.transportError(r.ctx, actx, err)
	}
	keep := false
	defer func() {
		if !keep {
			resp.Body.Close()
			cancel()
		}
	}()
	if enc := resp.Header.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
		return newError(BadResponse, nil, "the file storage answered with Content-Encoding %q to a request for identity", text.OneLine(enc, 40))
	}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, last, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != r.off || last < start || last > end {
			return newError(BadResponse, nil, "the file storage answered bytes %q to a request for bytes %d-%d",
				text.OneLine(resp.Header.Get("Content-Range"), 80), r.off, end)
		}
		if total >= 0 {
			r.total = total
		}
		r.left = last - start + 1
	case http.StatusOK:
		// The server ignored Range: the body is the whole file, from its
		// first byte. Skip to r.off, within the budget.
		r.left = -1
		if r.off > 0 {
			skip := min(r.off, GGUFMaxBytes-r.read)
			n, err := io.CopyN(io.Discard, resp.Body, skip)
			r.read += n
			if err != nil || n < r.off {
				return newError(BadResponse, err, "the file storage ignored Range and its answer ended or went past %d MiB before byte %d", GGUFMaxBytes>>20, r.off)
			}
		}
	case http.StatusRequestedRangeNotSatisfiable:
		if _, _, total, ok := parseContentRange(resp.Header.Get("Content-Range")); ok && total >= 0 {
			r.total = total
		}
		return io.EOF
	default:
		body, _ := readBody(resp, errorBodyCap)
		return c.fileStatusError(resp, body)
	}
	keep = true
	r.body, r.cancel, r.actx, r.status, r.header = resp.Body, cancel, actx, resp.StatusCode, resp.Header
	// Ask the next chunks where this one came from (the storage URL the
	// Hub redirected to), saving a redirect each.
	if resp.Request != nil && resp.Request.URL != nil {
		r.url = resp.Request.URL.String()
	}
	return nil
}

// fileStatusError maps an error answer to a file read: like any other,
// except that a 401 or 403 that is not a refused token is Gated (the
// repository is known to exist: its files are what is refused).
func (c *Client) fileStatusError(resp *http.Response, body []byte) *Error {
	e := c.statusError(resp, body)
	if (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) && e.Kind != BadToken && e.Kind != Gated {
		e.Kind = Gated
		e.Message = "access to the file was refused: the repository is gated or private (accept its licence on the Hub and set HF_TOKEN)"
	}
	return e
}

// parseContentRange reads "bytes a-b/TOTAL", "bytes a-b/*" and
// "bytes */TOTAL"; total is -1 when unknown, start -1 for the last form.
func parseContentRange(h string) (start, end, total int64, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes ")
	if !found {
		return 0, 0, 0, false
	}
	rng, size, found := strings.Cut(spec, "/")
	if !found {
		return 0, 0, 0, false
	}
	total = -1
	if size != "*" {
		n, ok := digits(size)
		if !ok {
			return 0, 0, 0, false
		}
		total = n
	}
	if rng == "*" {
		return -1, -1, total, total >= 0
	}
	a, b, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, 0, false
	}
	s, ok1 := digits(a)
	e, ok2 := digits(b)
	if !ok1 || !ok2 || e < s || (total >= 0 && e >= total) {
		return 0, 0, 0, false
	}
	return s, e, total, true
}

func digits(s string) (int64, bool) {
	if !isDigits(s) {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}
