package hf

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Client talks to one Hub endpoint. It is safe for concurrent use and
// reuses connections; make one per program.
type Client struct {
	cfg    Config
	base   *url.URL
	http   *http.Client
	ua     string
	flight flight
	// asked remembers what this client was answered (see asked.go).
	asked asked
	// sent counts the requests sent to any host (redirects included).
	sent *atomic.Int64
	// dl is the client of file downloads (see downloader).
	dl     *http.Client
	dlOnce sync.Once
}

// Requests is how many HTTP requests the client has sent, redirects and
// retries included: what a command spent of the Hub's rate limit.
func (c *Client) Requests() int64 { return c.sent.Load() }

// New builds a client, filling Config's zero fields with the defaults.
func New(cfg Config) (*Client, error) {
	ep, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	cfg.Endpoint = ep
	base, _ := url.Parse(ep)
	if _, err := checkToken(cfg.Token, "Config.Token"); err != nil {
		return nil, err
	}
	if cfg.Token != "" && base.Scheme == "http" && !cfg.AllowHTTPToken && !isLoopback(base.Hostname()) {
		// A bearer token in cleartext through every proxy on the way:
		// ask anonymously instead, and say so once.
		cfg.Token = ""
		warn := cfg.Warn
		if warn == nil {
			warn = func(msg string) {
				httpTokenWarning.Do(func() { fmt.Fprintln(os.Stderr, "modelbrowser: warning: "+msg) })
			}
		}
		warn(fmt.Sprintf("HF_ENDPOINT is plain http to %s: the Hub token is not sent in cleartext; asking anonymously (MODELBROWSER_ALLOW_HTTP_TOKEN=1 sends it anyway)", text.OneLine(base.Host, 100)))
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = DefaultMaxRetryWait
	}
	if cfg.MaxTotalWait <= 0 {
		cfg.MaxTotalWait = DefaultMaxTotalWait
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	rt := cfg.Transport
	if rt == nil {
		rt = newTransport()
	}
	c := &Client{cfg: cfg, base: base, ua: "modelbrowser/" + cfg.Version + " (+Go)", sent: &atomic.Int64{}}
	c.http = &http.Client{
		Transport: &authTransport{next: rt, scheme: base.Scheme, host: base.Host, token: cfg.Token, sent: c.sent},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errTooManyRedirects
			}
			return nil
		},
	}
	return c, nil
}

// httpTokenWarning makes the warning about a withheld token, when no
// Config.Warn takes it, go to standard error once per process, however
// many clients are made.
var httpTokenWarning sync.Once

// isLoopback reports whether host (no port, no brackets) is this machine
// by name or address: localhost, 127.0.0.0/8, ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Endpoint is the base URL the client talks to.
func (c *Client) Endpoint() string { return c.cfg.Endpoint }

var errTooManyRedirects = errors.New("too many redirects")

// newTransport is one pooled transport: the list and the config.json
// fan-out reuse its connections.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          32,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// authTransport adds the token to requests for the endpoint's own scheme
// and host, and to nothing else: a redirect to another host (a CDN, a
// mirror) never sees it, whatever Go's redirect rules would forward.
type authTransport struct {
	next         http.RoundTripper
	scheme, host string
	token        string
	sent         *atomic.Int64
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.sent.Add(1)
	same := strings.EqualFold(req.URL.Scheme, t.scheme) && strings.EqualFold(req.URL.Host, t.host)
	switch {
	case t.token != "" && same:
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", "Bearer "+t.token)
	case req.Header.Get("Authorization") != "":
		req = req.Clone(req.Context())
		req.Header.Del("Authorization")
	}
	return t.next.RoundTrip(req)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// sameHost reports whether u is on the endpoint's scheme and host.
func (c *Client) sameHost(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, c.base.Scheme) && strings.EqualFold(u.Host, c.base.Host)
}

// hostName is the endpoint's host, for messages.
func (c *Client) hostName() string { return c.base.Host }

// backoff is the jittered exponential wait before attempt+1: 0.5 s, 1 s,
// 2 s ... each between half and all of it.
func (c *Client) backoff(attempt int) time.Duration {
	d := 500 * time.Millisecond << (attempt - 1)
	if d > 4*time.Second {
		d = 4 * time.Second
	}
	r := c.cfg.Rand()
	if r < 0 || r >= 1 {
		r = 0.5
	}
	return d/2 + time.Duration(float64(d/2)*r)
}

// retrying GETs u up to MaxAttempts times (see withRetries); onHeader is
// once's, called on each attempt that gets a 200.
func (c *Client) retrying(ctx context.Context, u, etag string, onHeader func(http.Header)) (*answer, error) {
	var ans *answer
	err := c.withRetries(ctx, func() error {
		var err error
		ans, err = c.once(ctx, u, etag, onHeader)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ans, nil
}

// withRetries runs attempt up to MaxAttempts times while it fails with a
// retryable *Error. Waits honour Retry-After and RateLimit; one longer
// than MaxRetryWait (or beyond MaxTotalWait) ends the attempts at once,
// returning the error with its wait.
func (c *Client) withRetries(ctx context.Context, attempt func() error) error {
	var total time.Duration
	for n := 1; ; n++ {
		err := attempt()
		if err == nil {
			return nil
		}
		var he *Error
		if ctx.Err() != nil || !errors.As(err, &he) || !he.retryable() || n >= c.cfg.MaxAttempts {
			return err
		}
		wait := c.backoff(n)
		switch {
		case he.RetryAfter > c.cfg.MaxRetryWait:
			return err // too long for an interactive wait: let the UI show it
		case he.RetryAfter > 0:
			wait = he.RetryAfter
		}
		if total+wait > c.cfg.MaxTotalWait {
			return err
		}
		total += wait
		if serr := c.cfg.Sleep(ctx, wait); serr != nil {
			return serr
		}
	}
}

// transportError explains a failure to get an answer at all.
func (c *Client) transportError(ctx, attemptCtx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	host := c.hostName()
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, errTooManyRedirects):
		return newError(BadResponse, err, "the Hub redirected too many times")
	case errors.Is(attemptCtx.Err(), context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return newError(Timeout, err, "%s did not answer within %s (HF_HUB_ETAG_TIMEOUT)", host, c.cfg.Timeout)
	case errors.As(err, &dns):
		return newError(Network, err, "cannot resolve %s: %s", text.OneLine(dns.Name, 100), text.OneLine(dns.Err, 100))
	}
	msg := text.OneLine(redact(err.Error(), c.cfg.Token), 200)
	return newError(Network, err, "cannot reach %s: %s", host, msg)
}

// bodyError explains a failure while reading an answer's body.
func (c *Client) bodyError(ctx, attemptCtx context.Context, err error, status int, h http.Header) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var e *Error
	switch {
	case errors.Is(err, errTooLarge):
		e = newError(BadResponse, err, "the Hub's answer is larger than %d MiB; stopped reading", c.cfg.MaxBodyBytes>>20)
	case errors.Is(attemptCtx.Err(), context.DeadlineExceeded):
		e = newError(Timeout, err, "%s stalled while sending its answer (timeout %s)", c.hostName(), c.cfg.Timeout)
	case errors.Is(err, errTruncated):
		e = newError(BadResponse, err, "the Hub's answer was cut short")
	default:
		e = newError(Network, err, "the connection to %s broke while reading: %s", c.hostName(), text.OneLine(redact(err.Error(), c.cfg.Token), 120))
	}
	e.Status, e.RequestID = status, c.requestID(h)
	return e
}

// String keeps the token out of %v of a Client.
func (c *Client) String() string { return fmt.Sprintf("hf.Client(%s)", hideUserinfo(c.cfg.Endpoint)) }
