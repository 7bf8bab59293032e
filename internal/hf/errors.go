package hf

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Kind says what went wrong talking to the Hub, in terms the UI and the CLI
// can explain to a person.
type Kind int

// The kinds of Hub errors.
const (
	// NotFound: the repository (or revision, or file) does not exist. When
	// asked anonymously the Hub answers 401 for missing and private repos
	// alike, so the message then says "not found or private".
	NotFound Kind = iota + 1
	// Gated: the repository's files need an accepted licence (403 GatedRepo,
	// or 401 GatedRepo when no token was sent).
	Gated
	// BadToken: the Hub refused the token that was sent (401 "Invalid
	// credentials").
	BadToken
	// RateLimited: 429; RetryAfter says how long to wait.
	RateLimited
	// Unavailable: the Hub failed (5xx).
	Unavailable
	// Network: the connection could not be made or broke (refused, DNS,
	// reset).
	Network
	// Timeout: no complete answer within the configured timeout.
	Timeout
	// BadResponse: the answer could not be used (malformed or truncated
	// JSON, wrong types, too large, an unexpected status or link).
	BadResponse
	// Offline: offline mode is on and nothing is cached for the request.
	Offline
	// Invalid: the request was refused before sending (a bad repo id, an
	// unknown sort, a next link to another host).
	Invalid
)

var kindNames = map[Kind]string{
	NotFound: "not found", Gated: "gated", BadToken: "bad token", RateLimited: "rate limited",
	Unavailable: "unavailable", Network: "network", Timeout: "timeout", BadResponse: "bad response",
	Offline: "offline", Invalid: "invalid request",
}

// String names the kind in lower case ("not found", "rate limited", ...).
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "error " + strconv.Itoa(int(k))
}

// Error is every error the Hub client returns about a request. Use
// errors.As to get it, or IsKind to test the kind.
type Error struct {
	Kind Kind
	// Status is the HTTP status when the Hub answered (0 otherwise).
	Status int
	// RequestID is the Hub's X-Request-Id, for bug reports.
	RequestID string
	// RetryAfter is how long the Hub asked to wait (RateLimited), capped
	// at MaxRetryAfter.
	RetryAfter time.Duration
	// Message is one sentence for a person. It never holds the token nor
	// an HTML body.
	Message string
	// Err is the underlying cause, if any (a net error, a JSON error).
	Err error

	code string // the Hub's X-Error-Code, kept for the cache
}

// Error is one line: the message, then status, wait and request id. It
// names no package: the CLI and the browser print it as it is.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	var details []string
	if e.Status != 0 {
		details = append(details, "HTTP "+strconv.Itoa(e.Status))
	}
	if e.RetryAfter > 0 {
		details = append(details, "retry after "+e.RetryAfter.Round(time.Second).String())
	}
	if e.RequestID != "" {
		details = append(details, "request id "+e.RequestID)
	}
	if len(details) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(details, "; "))
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// RetryIn is how long to wait before asking again when the Hub rate-limited
// the request (0 for any other error): the browser counts it down.
func (e *Error) RetryIn() time.Duration {
	if e.Kind != RateLimited {
		return 0
	}
	if e.RetryAfter <= 0 {
		return time.Minute
	}
	return e.RetryAfter
}

// Is makes errors.Is(err, &hf.Error{Kind: hf.NotFound}) match any error of
// that kind.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) && t != nil {
		return t.Kind == e.Kind && (t.Status == 0 || t.Status == e.Status)
	}
	return false
}

// IsKind reports whether err is (or wraps) an *Error of kind k.
func IsKind(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// retryable reports whether a GET that failed with e may be tried again.
func (e *Error) retryable() bool {
	switch e.Kind {
	case Network, Timeout, RateLimited:
		return true
	case Unavailable:
		switch e.Status {
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
	case BadResponse:
		return e.Status == http.StatusRequestTimeout || errors.Is(e.Err, errTruncated)
	}
	return false
}

// MaxRetryAfter caps every wait the Hub may ask for: a longer one is taken
// as this long, so a broken header cannot stall the program for days.
const MaxRetryAfter = time.Hour

// ParseRetryAfter reads a Retry-After header: delay-seconds or an HTTP
// date relative to now. Waits are capped at MaxRetryAfter; a date in the
// past is a zero wait. ok is false when the header is absent or unreadable.
func ParseRetryAfter(header string, now time.Time) (time.Duration, bool) {
	h := strings.TrimSpace(header)
	if h == "" {
		return 0, false
	}
	if isDigits(h) {
		return secondsCapped(h), true
	}
	t, err := http.ParseTime(h)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	switch {
	case d < 0:
		d = 0
	case d > MaxRetryAfter:
		d = MaxRetryAfter
	}
	return d, true
}

// ParseRateLimit reads the IETF RateLimit header the Hub sends, for example
// `"api";r=0;t=55`: r is the requests left in the window and t the seconds
// until it resets (capped at MaxRetryAfter). With several comma-separated
// items the first complete one wins. ok is false when no item has both r
// and t as non-negative integers.
func ParseRateLimit(header string) (remaining int, reset time.Duration, ok bool) {
	for item := range strings.SplitSeq(header, ",") {
		params := strings.Split(item, ";")
		if len(params) < 2 {
			continue
		}
		var r, t string
		for _, p := range params[1:] {
			k, v, found := strings.Cut(strings.TrimSpace(p), "=")
			if !found {
				continue
			}
			switch strings.TrimSpace(k) {
			case "r":
				r = strings.TrimSpace(v)
			case "t":
				t = strings.TrimSpace(v)
			}
		}
		if !isDigits(r) || !isDigits(t) {
			continue
		}
		n, err := strconv.Atoi(r)
		if err != nil {
			n = int(^uint(0) >> 1) // absurdly many: saturate
		}
		return n, secondsCapped(t), true
	}
	return 0, 0, false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// secondsCapped converts a string of digits to seconds, capped.
func secondsCapped(digits string) time.Duration {
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > int64(MaxRetryAfter/time.Second) {
		return MaxRetryAfter
	}
	return time.Duration(n) * time.Second
}

// redact removes the token from a text, as a last line of defence: no
// message ever built from a server answer or a system error can carry it.
func redact(s, token string) string {
	if token == "" || !strings.Contains(s, token) {
		return s
	}
	return strings.ReplaceAll(s, token, "[token]")
}

// newError builds an *Error with a formatted message.
func newError(kind Kind, err error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...), Err: err}
}

// errTruncated marks a body that ended before its Content-Length.
var errTruncated = errors.New("the answer ended before its announced length")

// requestID is the Hub's X-Request-Id of an answer: Hub text like any
// other, so one line and never the token (a hostile or broken server may
// echo the Authorization header into it).
// The token is taken out before the cut, so no prefix of it survives.
func (c *Client) requestID(h http.Header) string {
	return text.OneLine(redact(h.Get("X-Request-Id"), c.cfg.Token), 120)
}
