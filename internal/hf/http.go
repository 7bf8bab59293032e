package hf

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// answer is a successful (200 or 304) response, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
	// value is the body decoded by the request's decoder.
	value any
	// aux is, from the cache, a page memo made for the entry (fromEntry).
	aux  []byte
	meta Meta
}

// Meta says where an answer came from.
type Meta struct {
	// FromCache is true when the body came from the cache (fresh, stale,
	// or revalidated with a 304).
	FromCache bool
	// Stale is true when a cached answer past its freshness was served
	// because the Hub could not be asked (offline) or failed.
	Stale bool
	// FetchedAt is when the body was received or last revalidated.
	FetchedAt time.Time
	// RequestID is the Hub's X-Request-Id (empty from the cache).
	RequestID string
	// Err is the error that made a stale answer be served.
	Err error
}

var errTooLarge = errors.New("answer too large")

// errorBodyCap bounds what is read of an error answer.
const errorBodyCap = 64 << 10

// once makes one GET attempt, bounded by the configured timeout. A
// non-nil onHeader is called with the headers of a 200 answer as soon as
// they arrive, before its body is read: paging learns the next page's
// address from them.
func (c *Client) once(ctx context.Context, u, etag string, onHeader func(http.Header)) (*answer, error) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
	if err != nil {
		return nil, newError(Invalid, err, "cannot build a request for %s", c.hostName())
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept", "application/json")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, actx, err)
	}
	defer resp.Body.Close()
	if onHeader != nil && resp.StatusCode == http.StatusOK {
		onHeader(resp.Header)
	}

	limit := c.cfg.MaxBodyBytes
	if resp.StatusCode != http.StatusOK {
		limit = errorBodyCap
	}
	body, err := readBody(resp, limit)
	if err != nil && !(errors.Is(err, errTooLarge) && resp.StatusCode != http.StatusOK) {
		return nil, c.bodyError(ctx, actx, err, resp.StatusCode, resp.Header)
	}
	switch resp.StatusCode {
	case http.StatusOK, http.StatusNotModified:
		return &answer{status: resp.StatusCode, header: resp.Header, body: body,
			meta: Meta{FetchedAt: c.cfg.Now(), RequestID: c.requestID(resp.Header)}}, nil
	}
	return nil, c.statusError(resp, body)
}

// readBody reads at most limit bytes; more is errTooLarge, a body shorter
// than its Content-Length is errTruncated. The buffer doubles up to limit
// bytes and no further (a bytes.Buffer would double past the cap, and an
// endless answer would cost four times the cap): reading an endless body
// allocates about twice the cap in all.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, errTooLarge
	}
	size := int64(bodyChunk)
	if resp.ContentLength >= 0 {
		size = resp.ContentLength + 1 // +1: the EOF needs no growth
	}
	buf := make([]byte, 0, min(size, limit))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) >= limit {
				if err := endOfBody(resp.Body); err != nil {
					return nil, err
				}
				return buf, nil
			}
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), limit))
			copy(grown, buf)
			buf = grown
		}
		n, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			if err = bodyReadError(err); err != nil {
				return nil, err
			}
			return buf, nil
		}
	}
}

// endOfBody checks that a body read up to the limit has ended: one byte
// more is errTooLarge.
func endOfBody(body io.Reader) error {
	var one [1]byte
	for {
		n, err := body.Read(one[:])
		if n > 0 {
			return errTooLarge
		}
		if err != nil {
			return bodyReadError(err)
		}
	}
}

// bodyReadError maps the error that ended a body: io.EOF is the end (nil),
// io.ErrUnexpectedEOF a body cut short of its Content-Length.
func bodyReadError(err error) error {
	switch {
	case err == io.EOF:
		return nil
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errTruncated
	}
	return err
}

// bodyChunk is the first buffer of an answer of unknown length.
const bodyChunk = 64 << 10

// statusError maps a non-2xx answer to an *Error, following the Hub's own
// conventions (X-Error-Code, 401 for missing repos when anonymous).
func (c *Client) statusError(resp *http.Response, body []byte) *Error {
	h := resp.Header
	code := h.Get("X-Error-Code")
	msg := c.serverMessage(h, body)
	anonymous := c.cfg.Token == ""
	e := &Error{Status: resp.StatusCode, RequestID: c.requestID(h), code: text.OneLine(code, 40)}
	what := "the repository"
	switch code {
	case "RevisionNotFound":
		what = "the revision"
	case "EntryNotFound":
		what = "the file"
	}
	switch s := resp.StatusCode; {
	case s == http.StatusUnauthorized && strings.Contains(strings.ToLower(msg), "invalid credentials"):
		e.Kind, e.Message = BadToken, "the Hub refused the token: check HF_TOKEN (or the token file)"
	case code == "GatedRepo" && (s == http.StatusUnauthorized || s == http.StatusForbidden):
		e.Kind = Gated
		if anonymous {
			e.Message = "the repository is gated: accept its licence on the Hub and set HF_TOKEN"
		} else {
			e.Message = "the repository is gated and this token is not on its authorized list: request access on its Hub page"
		}
	case s == http.StatusUnauthorized && anonymous:
		e.Kind, e.Message = NotFound, "repository not found, or private (the Hub answers 401 to anonymous requests for both; set HF_TOKEN if it is yours)"
	case s == http.StatusUnauthorized:
		e.Kind, e.Message = NotFound, "repository not found, or this token cannot see it"
	case s == http.StatusForbidden:
		e.Kind, e.Message = Gated, "the Hub refused access"+suffix(msg)
	case s == http.StatusNotFound:
		e.Kind, e.Message = NotFound, what+" was not found on the Hub"
	case s == http.StatusRequestTimeout:
		e.Kind, e.Message = Timeout, "the Hub timed out the request (408)"
	case s == http.StatusTooManyRequests:
		e.Kind, e.Message = RateLimited, "the Hub's rate limit is reached; a token (HF_TOKEN) raises it"
		e.RetryAfter = retryAfter(h, c.cfg.Now())
	case s >= 500:
		e.Kind, e.Message = Unavailable, "the Hub is unavailable ("+http.StatusText(s)+")"
		if d, ok := ParseRetryAfter(h.Get("Retry-After"), c.cfg.Now()); ok {
			e.RetryAfter = d
		}
	case s >= 300 && s < 400:
		e.Kind, e.Message = BadResponse, "the Hub answered an unexpected redirect or "+http.StatusText(s)
	default:
		e.Kind, e.Message = BadResponse, "the Hub refused the request"+suffix(msg)
	}
	return e
}

func suffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}

// retryAfter is the wait a 429 asks for: RateLimit's t when r=0, else
// Retry-After; 0 when neither says.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if r, t, ok := ParseRateLimit(h.Get("RateLimit")); ok && r == 0 && t > 0 {
		return t
	}
	if d, ok := ParseRetryAfter(h.Get("Retry-After"), now); ok {
		return d
	}
	return 0
}

// serverMessage is the Hub's own explanation (X-Error-Message, or a JSON
// {"error": ...} body), one line, never HTML, never the token.
func (c *Client) serverMessage(h http.Header, body []byte) string {
	msg := h.Get("X-Error-Message")
	if msg == "" && strings.Contains(h.Get("Content-Type"), "json") {
		var v struct {
			Error json.RawMessage `json:"error"`
		}
		if json.Unmarshal(body, &v) == nil && len(v.Error) > 0 {
			var s string
			var list []string
			switch {
			case json.Unmarshal(v.Error, &s) == nil:
				msg = s
			case json.Unmarshal(v.Error, &list) == nil:
				msg = strings.Join(list, "; ")
			}
		}
	}
	return text.OneLine(redact(msg, c.cfg.Token), 200)
}
