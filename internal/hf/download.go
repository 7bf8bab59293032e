package hf

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Blob is one file of a repository at a commit, as the model info with
// blobs=true lists it (GET_POLICY.md section 2).
type Blob struct {
	Path string
	// Size is the file's size (lfs.size when given), -1 when unknown.
	Size int64
	// BlobID is the git object id of the file (of its LFS pointer for an
	// LFS file).
	BlobID string
	// SHA256 is lfs.sha256, "" for a file not in LFS.
	SHA256 string
}

// Etag is the name of the file's blob in the Hugging Face cache: the
// sha256 of an LFS file, the git blob id of another.
func (b Blob) Etag() string {
	if b.SHA256 != "" {
		return b.SHA256
	}
	return b.BlobID
}

// Snapshot is a model info asked with blobs=true: the model, the commit
// and its files with their etags.
type Snapshot struct {
	Model compat.Model
	SHA   string
	Blobs []Blob
}

// Snapshot asks the model info with blobs=true (GET
// /api/models/{id}?blobs=true, or /api/models/{id}/revision/{rev}?blobs=true):
// the commit a branch or tag names now, and the files there with their
// sizes, blob ids and sha256. At a 40-hex commit the answer is cached for
// good; at a branch or tag for TTLInfo.
func (c *Client) Snapshot(ctx context.Context, id, revision string) (Snapshot, error) {
	if err := ValidateRepoID(id); err != nil {
		return Snapshot{}, err
	}
	u := c.cfg.Endpoint + "/api/models/" + repoPath(id)
	cl := classInfo
	if revision != "" {
		if err := validateRevision(revision); err != nil {
			return Snapshot{}, err
		}
		u += "/revision/" + url.PathEscape(revision)
		if IsCommit(revision) {
			cl = classFilesAtSHA
		}
	}
	u += "?blobs=true"
	what := "the file list of " + text.OneLine(id, 100)
	want := ""
	if IsCommit(revision) {
		want = revision
	}
	ans, err := c.get(ctx, u, cl, func(body []byte) (any, error) { return DecodeSnapshot(body, want, what) }, nil)
	if err != nil {
		return Snapshot{}, err
	}
	return ans.value.(Snapshot), nil
}

// Blobs lists the files of id at the commit sha with their etags (the same
// answer Files reads, so a second call asks nothing).
func (c *Client) Blobs(ctx context.Context, id, sha string) (Snapshot, error) {
	if !IsCommit(sha) {
		return Snapshot{}, newError(Invalid, nil, "invalid commit %q: files are asked at a 40-hex commit sha", text.OneLine(sha, 60))
	}
	return c.Snapshot(ctx, id, sha)
}

// DecodeSnapshot reads a model info made with blobs=true. sha, when not
// empty, must be the answer's commit.
func DecodeSnapshot(body []byte, sha, what string) (Snapshot, error) {
	m, err := DecodeModel(body)
	if err != nil {
		return Snapshot{}, err
	}
	if !IsCommit(m.SHA) {
		return Snapshot{}, newError(BadResponse, nil, "%s names no commit", what)
	}
	if sha != "" && !strings.EqualFold(m.SHA, sha) {
		return Snapshot{}, newError(BadResponse, nil, "%s names commit %q, not the %s asked for", what, text.OneLine(m.SHA, 60), sha)
	}
	var top struct {
		Siblings []jsontext.Value `json:"siblings"`
	}
	if err := json.Unmarshal(body, &top, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil || top.Siblings == nil {
		return Snapshot{}, newError(BadResponse, err, "%s has no siblings array", what)
	}
	s := Snapshot{Model: m, SHA: strings.ToLower(m.SHA)}
	for _, raw := range top.Siblings {
		var sib struct {
			Name   string         `json:"rfilename"`
			Size   jsontext.Value `json:"size"`
			BlobID string         `json:"blobId"`
			LFS    *struct {
				SHA256 string         `json:"sha256"`
				Size   jsontext.Value `json:"size"`
			} `json:"lfs"`
		}
		if raw.Kind() != '{' || json.Unmarshal(raw, &sib, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true), json.RejectUnknownMembers(false)) != nil || sib.Name == "" {
			continue
		}
		b := Blob{Path: sib.Name, Size: -1, BlobID: sib.BlobID}
		if n := parseSize(sib.Size); n != nil {
			b.Size = int64(*n)
		}
		if sib.LFS != nil {
			b.SHA256 = sib.LFS.SHA256
			if n := parseSize(sib.LFS.Size); n != nil {
				b.Size = int64(*n)
			}
		}
		s.Blobs = append(s.Blobs, b)
	}
	return s, nil
}

var etagRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`) })

// ValidEtag reports whether an etag can name a blob: 40 or 64 lowercase
// hex digits.
func ValidEtag(e string) bool { return etagRE().MatchString(e) }

// FileBody is an open file download.
type FileBody struct {
	// Body yields the bytes from Start on; close it.
	Body io.ReadCloser
	// Start is the offset of Body's first byte: the offset asked for (a
	// 206), or 0 (a 200 from a server that ignored Range).
	Start int64
	// Total is the file's size as the answer gives it, -1 when unknown.
	Total int64
}

// ErrRangeNotSatisfiable is OpenFile's error for a 416: the offset asked
// for is at or past the file's end.
var ErrRangeNotSatisfiable = errors.New("range not satisfiable")

// MaxRedirects is the most redirects a file download follows.
const MaxRedirects = 10

// StallTimeout is how long a download body may send nothing before the
// read fails (a transient failure: it is retried).
var StallTimeout = 30 * time.Second

// downloader is the HTTP client of file bodies: the same origin-bound
// token as every request, up to MaxRedirects, no overall timeout.
func (c *Client) downloader() *http.Client {
	c.dlOnce.Do(func() {
		c.dl = &http.Client{
			Transport: c.http.Transport,
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= MaxRedirects {
					return errTooManyRedirects
				}
				return nil
			},
		}
	})
	return c.dl
}

// OpenFile starts the download of file in repository id at commit sha (GET
// {endpoint}/{id}/resolve/{sha}/{file}, Accept-Encoding: identity), from
// offset (Range: bytes=offset-) when offset > 0. Redirects to the file
// storage are followed; the token goes only to the endpoint's origin. A
// body that sends nothing for StallTimeout fails its read. Errors are
// *Error (IsTransient tells whether trying again may help), or
// ErrRangeNotSatisfiable for a 416.
func (c *Client) OpenFile(ctx context.Context, id, sha, file string, offset int64) (*FileBody, error) {
	if err := ValidateRepoID(id); err != nil {
		return nil, err
	}
	if !IsCommit(sha) {
		return nil, newError(Invalid, nil, "invalid commit %q: files are fetched at a 40-hex commit sha", text.OneLine(sha, 60))
	}
	esc, err := escapeRepoFile(file)
	if err != nil {
		return nil, err
	}
	if c.cfg.Offline {
		return nil, newError(Offline, nil, "offline mode (HF_HUB_OFFLINE): %s is not fetched", text.OneLine(file, 100))
	}
	u := c.cfg.Endpoint + "/" + repoPath(id) + "/resolve/" + sha + "/" + esc
	rctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
	if err != nil {
		cancel()
		return nil, newError(Invalid, err, "cannot build a request for %s", c.hostName())
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept-Encoding", "identity")
	if offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
	}
	// The headers must come within the timeout; the body may take hours
	// as long as it keeps coming.
	headerTimer := time.AfterFunc(c.cfg.Timeout, cancel)
	resp, err := c.downloader().Do(req)
	timedOut := !headerTimer.Stop()
	if err != nil {
		cancel()
		if timedOut && ctx.Err() == nil {
			return nil, newError(Timeout, err, "%s did not answer within %s (HF_HUB_ETAG_TIMEOUT)", c.hostName(), c.cfg.Timeout)
		}
		return nil, c.transportError(ctx, rctx, err)
	}
	fb := &FileBody{Total: -1}
	switch resp.StatusCode {
	case http.StatusOK:
		fb.Total = resp.ContentLength
	case http.StatusPartialContent:
		start, _, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != offset {
			resp.Body.Close()
			cancel()
			return nil, newError(BadResponse, nil, "the file storage answered bytes %q to a request for bytes %d-", text.OneLine(resp.Header.Get("Content-Range"), 60), offset)
		}
		fb.Start, fb.Total = start, total
	case http.StatusRequestedRangeNotSatisfiable:
		resp.Body.Close()
		cancel()
		return nil, ErrRangeNotSatisfiable
	default:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyCap))
		resp.Body.Close()
		cancel()
		return nil, c.statusError(resp, body)
	}
	fb.Body = newStallReader(resp.Body, cancel, StallTimeout)
	return fb, nil
}

// stallReader fails a read when the body sent nothing for a while.
type stallReader struct {
	r      io.ReadCloser
	cancel context.CancelFunc
	timer  *time.Timer
	d      time.Duration
	mu     sync.Mutex
	stall  bool
}

func newStallReader(r io.ReadCloser, cancel context.CancelFunc, d time.Duration) *stallReader {
	s := &stallReader{r: r, cancel: cancel, d: d}
	s.timer = time.AfterFunc(d, func() {
		s.mu.Lock()
		s.stall = true
		s.mu.Unlock()
		cancel()
	})
	return s
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.timer.Reset(s.d)
	}
	if err != nil && err != io.EOF {
		s.mu.Lock()
		stalled := s.stall
		s.mu.Unlock()
		if stalled {
			return n, newError(Timeout, err, "the download stalled: nothing for %s", s.d)
		}
	}
	return n, err
}

func (s *stallReader) Close() error {
	s.timer.Stop()
	err := s.r.Close()
	s.cancel()
	return err
}

// IsTransient reports whether a download failure may pass by trying again
// (GET_POLICY.md section 3.5): a reset or broken connection, a body that
// ended early, a timeout, 408, 429 or a 5xx.
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var he *Error
	if errors.As(err, &he) {
		switch he.Kind {
		case Network, Timeout, RateLimited, Unavailable:
			return true
		}
		return he.Status == http.StatusRequestTimeout
	}
	var ne net.Error
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe")
}
