package hf

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// DefaultEndpoint is the Hub's base URL when HF_ENDPOINT is not set.
const DefaultEndpoint = "https://huggingface.co"

// Defaults of the client's limits.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultMaxBodyBytes = 32 << 20
	DefaultMaxAttempts  = 3
	// DefaultMaxRetryWait is the longest single wait before a retry: a 429
	// that demands more is returned at once, with its wait, for the UI.
	DefaultMaxRetryWait = 10 * time.Second
	// DefaultMaxTotalWait bounds all the waits of one request together.
	DefaultMaxTotalWait = 20 * time.Second
)

// Config is everything a Client needs. The zero value (plus New's
// defaults) talks anonymously to huggingface.co with no cache.
type Config struct {
	// Endpoint is the Hub's base URL, without trailing slash.
	Endpoint string
	// Token is sent as "Authorization: Bearer" to Endpoint's host only.
	// It never appears in errors, logs or String().
	Token string
	// Timeout bounds each request attempt, body included.
	Timeout time.Duration
	// Version goes into the User-Agent "modelbrowser/<version> (+Go)".
	Version string

	// Offline makes no request at all: answers come from Cache or fail
	// with Kind Offline. OfflineBy names what turned it on, for that
	// error ("--offline", "HF_HUB_OFFLINE=1"); "" says "offline mode".
	Offline   bool
	OfflineBy string
	// Refresh revalidates cached answers (If-None-Match) instead of
	// serving them while fresh.
	Refresh bool
	// NoCache neither reads nor writes Cache.
	NoCache bool
	// NoPageMemo decodes every list page from its body, neither reading
	// nor writing the page memo (pagememo.go); tests compare the two.
	NoPageMemo bool
	// Cache stores answers; nil means no cache.
	Cache Cache

	// MaxBodyBytes caps a response body (default 32 MiB).
	MaxBodyBytes int64
	// MaxAttempts is how many times a GET is tried (default 3).
	MaxAttempts int
	// MaxRetryWait caps one wait before a retry (default 10 s);
	// MaxTotalWait caps all of a request's waits (default 20 s).
	MaxRetryWait time.Duration
	MaxTotalWait time.Duration

	// Now is the clock (default time.Now).
	Now func() time.Time
	// Sleep waits d or until ctx is done (default: a timer).
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0,1) for backoff jitter (default
	// math/rand/v2).
	Rand func() float64
	// Transport replaces the HTTP transport (tests); nil builds one.
	Transport http.RoundTripper

	// AllowHTTPToken sends the token even over plain http to a host that
	// is not loopback (MODELBROWSER_ALLOW_HTTP_TOKEN=1). Without it such
	// an endpoint is asked anonymously and Warn is told once.
	AllowHTTPToken bool
	// Warn is told about a configuration New will not follow as given
	// (a token withheld from plain http), once per New; nil writes to
	// standard error, once per process.
	Warn func(string)
}

// String describes the configuration without the token.
func (c Config) String() string {
	tok := "anonymous"
	if c.Token != "" {
		tok = "token set"
	}
	return fmt.Sprintf("hf.Config{Endpoint: %q, %s, Timeout: %s, Offline: %t, Refresh: %t, NoCache: %t}",
		hideUserinfo(c.Endpoint), tok, c.Timeout, c.Offline, c.Refresh, c.NoCache)
}

// GoString keeps %#v from printing the token.
func (c Config) GoString() string { return c.String() }

// ConfigFromEnv reads the Hub conventions of the environment (HF_ENDPOINT,
// HF_TOKEN, HUGGING_FACE_HUB_TOKEN, HF_TOKEN_PATH, HF_HOME, XDG_CACHE_HOME,
// HOME, HF_HUB_ETAG_TIMEOUT, HF_HUB_OFFLINE) and modelbrowser's own
// MODELBROWSER_ALLOW_HTTP_TOKEN. getenv and readFile are
// os.Getenv and ReadTokenFile in production (os.ReadFile would block on a
// FIFO and read /dev/zero forever); a token file over MaxTokenFileBytes
// is refused whatever reads it. A missing token file means
// anonymous; a malformed variable is an error naming it.
func ConfigFromEnv(getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	cfg := Config{Timeout: DefaultTimeout}

	ep, err := parseEndpoint(getenv("HF_ENDPOINT"))
	if err != nil {
		return Config{}, err
	}
	cfg.Endpoint = ep

	tok, err := tokenFromEnv(getenv, readFile)
	if err != nil {
		return Config{}, err
	}
	cfg.Token = tok

	if v := strings.TrimSpace(getenv("HF_HUB_ETAG_TIMEOUT")); v != "" {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(secs) || secs <= 0 || secs > 24*3600 {
			return Config{}, fmt.Errorf("HF_HUB_ETAG_TIMEOUT must be a positive number of seconds (at most 86400), got %q", text.OneLine(v, 40))
		}
		cfg.Timeout = time.Duration(secs * float64(time.Second))
	}
	cfg.Offline = isTrue(getenv("HF_HUB_OFFLINE"))
	if cfg.Offline {
		cfg.OfflineBy = "HF_HUB_OFFLINE=" + text.OneLine(strings.TrimSpace(getenv("HF_HUB_OFFLINE")), 10)
	}
	cfg.AllowHTTPToken = isTrue(getenv("MODELBROWSER_ALLOW_HTTP_TOKEN"))
	return cfg, nil
}

// parseEndpoint validates HF_ENDPOINT: an absolute http(s) URL with a host,
// no credentials, query or fragment. Trailing slashes are dropped.
func parseEndpoint(raw string) (string, error) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return DefaultEndpoint, nil
	}
	v = strings.TrimRight(v, "/")
	u, err := url.Parse(v)
	bad := func(why string) error {
		return fmt.Errorf("HF_ENDPOINT must be an absolute http(s) URL such as %s (%s), got %q", DefaultEndpoint, why, text.OneLine(hideUserinfo(raw), 80))
	}
	switch {
	case err != nil:
		return "", bad("it does not parse")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", bad("the scheme must be http or https")
	case u.Host == "" || u.Hostname() == "":
		return "", bad("it has no host")
	case u.User != nil:
		return "", bad("credentials belong in HF_TOKEN, not in the URL")
	case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(v, "?#"):
		return "", bad("it must not have a query or fragment")
	}
	return v, nil
}

// hideUserinfo replaces whatever precedes '@' in the authority of a
// URL-like text, so a refused HF_ENDPOINT never echoes credentials (often a
// token). When the text parses as a URL with an authority, that authority
// is the parser's (so "https://u:p@h/p@q" keeps its path); otherwise -- a
// password holding '/', '?' or '#' breaks the parse, "//u:p@h" has no
// scheme -- everything from the authority's start to the last '@' goes.
func hideUserinfo(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	if u, err := url.Parse(s); err == nil && u.Opaque == "" {
		if u.User == nil {
			return s // an '@' in the path, query or fragment: no credentials
		}
		start := strings.Index(s, "//") + 2 // a User implies "//"
		rest := s[start:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
			return s[:start] + "[credentials]" + rest[at:]
		}
	}
	at := strings.LastIndex(s, "@")
	return s[:authorityStart(s[:at])] + "[credentials]" + s[at:]
}

// authorityStart is where the authority of an unparsable URL-like text
// begins: after the first "//" (or "\\"), else after "scheme:", else 0.
func authorityStart(s string) int {
	if i := strings.IndexAny(s, "/\\"); i >= 0 && i+1 < len(s) && (s[i+1] == '/' || s[i+1] == '\\') {
		i += 2
		for i < len(s) && (s[i] == '/' || s[i] == '\\') {
			i++
		}
		return i
	}
	if i := strings.Index(s, ":"); i > 0 {
		scheme := strings.TrimSpace(s[:i])
		if scheme != "" && strings.Trim(scheme, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") == "" {
			return i + 1
		}
	}
	return 0
}

func tokenFromEnv(getenv func(string) string, readFile func(string) ([]byte, error)) (string, error) {
	for _, name := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		if t := strings.TrimSpace(getenv(name)); t != "" {
			return checkToken(t, name)
		}
	}
	path := strings.TrimSpace(getenv("HF_TOKEN_PATH"))
	source := "HF_TOKEN_PATH"
	if path == "" {
		home := hfHome(getenv)
		if home == "" {
			return "", nil
		}
		path = filepath.Join(home, "token")
		source = "the token file " + path
	}
	if readFile == nil {
		return "", nil
	}
	b, err := readFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err == nil && len(b) > MaxTokenFileBytes {
		err = errTokenFileTooLarge
	}
	if err != nil {
		return "", fmt.Errorf("reading the Hub token from %s: %w", path, err)
	}
	return checkToken(strings.TrimSpace(string(b)), source)
}

// hfHome is $HF_HOME, else $XDG_CACHE_HOME/huggingface, else
// ~/.cache/huggingface; "" when none can be formed.
func hfHome(getenv func(string) string) string {
	if h := strings.TrimSpace(getenv("HF_HOME")); h != "" {
		return h
	}
	if x := strings.TrimSpace(getenv("XDG_CACHE_HOME")); x != "" {
		return filepath.Join(x, "huggingface")
	}
	if home := strings.TrimSpace(getenv("HOME")); home != "" {
		return filepath.Join(home, ".cache", "huggingface")
	}
	return ""
}

// checkToken refuses a token that cannot travel in a header, without ever
// printing it.
func checkToken(t, source string) (string, error) {
	for i := 0; i < len(t); i++ {
		if t[i] <= ' ' || t[i] >= 0x7f {
			return "", fmt.Errorf("the Hub token from %s holds spaces or characters that cannot be sent in a header", source)
		}
	}
	return t, nil
}

// isTrue follows huggingface_hub: 1, ON, YES and TRUE, in any case.
func isTrue(v string) bool {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "1", "ON", "YES", "TRUE":
		return true
	}
	return false
}
