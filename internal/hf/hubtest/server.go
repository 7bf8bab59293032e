// Package hubtest is a fake Hugging Face Hub: an HTTP server that answers
// like the real one from a realistic catalogue of repositories (embedded
// from samples/), records every request, and can be told to fail in the
// ways the real one does.
//
// It is an ordinary package, free of the testing package: tests start it
// with hubtest/hubtesting.New, people trying the binary by hand run
// cmd/fakehub and point HF_ENDPOINT at it, and a program can serve it
// in-process, without a socket, through Server.RoundTripper (see
// NewInProcess).
//
// Like the real Hub it answers model info with blobs=true (sizes), and a
// resolve/ of an LFS file (.gguf, .safetensors, .bin ...) with a 302 to a
// second origin, its file storage (Server.FilesURL), which serves the file
// with HTTP Range: a GGUF header written by package gguf, then zeros up to
// the file's size, never materialised.
package hubtest

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options configure a fake Hub.
type Options struct {
	// PageSize is the most list items one page holds, whatever limit the
	// client asks (default 1000).
	PageSize int
	// Synthetic adds that many generated models (see Synthetic).
	Synthetic int
	// NoFixtures starts with an empty catalogue instead of Fixtures().
	NoFixtures bool
	// Addr is where NewServer listens; it must be a loopback address
	// (default 127.0.0.1:0). NewInProcess ignores it.
	Addr string
	// ValidTokens are the tokens the Hub accepts; nil accepts any token.
	// Another token gets 401 "Invalid credentials in Authorization header".
	ValidTokens []string
	// GatedTokens are the tokens granted access to gated repositories.
	GatedTokens []string
	// Log, when set, gets one line per request.
	Log io.Writer
	// Pace, when more than 0, sends every file body (storage, and the
	// files of RealBytes repos) at most this many bytes a second, so that
	// a link and not the CPU is the limit.
	Pace int64
}

// Request is one request the fake Hub received.
type Request struct {
	Method   string
	Route    Route
	Path     string // unescaped
	RawPath  string // as sent
	RawQuery string
	Query    url.Values
	Header   http.Header
	Host     string
}

type entry struct {
	repo Repo
	f    fields
}

// Server is a running fake Hub.
type Server struct {
	// URL is the base URL to use as HF_ENDPOINT. For an in-process
	// server it names no real host (InProcessURL).
	URL string
	// FilesURL is the origin of the Hub's file storage, where resolve/ of
	// an LFS file redirects (another port of the same loopback host, or
	// InProcessFilesURL): a client must not send it the token.
	FilesURL string

	hs       *http.Server // nil in process
	fs       *http.Server // the file storage origin; nil in process
	client   *http.Client // Client's answer
	opts     Options
	life     sync.Mutex     // guards closed and inflight.Add
	closed   bool           // Close has begun
	inflight sync.WaitGroup // requests being served through the socket

	mu        sync.Mutex
	repos     []*entry
	byID      map[string]*entry
	renames   map[string]string
	requests  []Request
	faults    []*Fault
	expects   []string
	seq       int
	remaining int
	headers   map[string][]byte // rendered GGUF headers (see ggufHeaderBytes)
}

// InProcessURL is the URL of a server made by NewInProcess. The .invalid
// top-level domain never resolves, so a request that escapes the
// in-process transport fails instead of reaching a real host.
const InProcessURL = "http://hub.fakehub.invalid"

// newHub builds the catalogue and the state both kinds of server share.
func newHub(opts Options) *Server {
	if opts.PageSize <= 0 {
		opts.PageSize = 1000
	}
	s := &Server{opts: opts, byID: map[string]*entry{}, renames: map[string]string{}, remaining: 500}
	for old, nu := range Renames {
		s.renames[old] = nu
	}
	if !opts.NoFixtures {
		s.AddRepos(Fixtures()...)
	}
	s.AddSynthetic(opts.Synthetic)
	return s
}

// NewServer starts a fake Hub listening on opts.Addr (loopback only;
// default 127.0.0.1:0). Close it when done.
func NewServer(opts Options) (*Server, error) {
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	s := newHub(opts)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("hubtest: %w", err)
	}
	host, _, _ := net.SplitHostPort(ln.Addr().String())
	lnFiles, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("hubtest: %w", err)
	}
	s.hs = &http.Server{Handler: http.HandlerFunc(s.serveSocket), ReadHeaderTimeout: time.Minute}
	s.fs = &http.Server{Handler: http.HandlerFunc(s.serveFilesSocket), ReadHeaderTimeout: time.Minute}
	s.URL = "http://" + ln.Addr().String()
	s.FilesURL = "http://" + lnFiles.Addr().String()
	s.client = &http.Client{Transport: &http.Transport{}}
	go s.hs.Serve(ln)
	go s.fs.Serve(lnFiles)
	return s, nil
}

// NewInProcess makes a fake Hub that opens no socket: it answers only
// through RoundTripper (and Client, which uses it), at InProcessURL.
// opts.Addr is ignored; Close does nothing.
func NewInProcess(opts Options) *Server {
	s := newHub(opts)
	s.URL = InProcessURL
	s.FilesURL = InProcessFilesURL
	s.client = &http.Client{Transport: s.RoundTripper()}
	return s
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("hubtest: address %q: %v", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("hubtest: the fake Hub listens on loopback only, not %q", addr)
	}
	return nil
}

// Close stops a socket server: it closes the listener and every
// connection, then waits for the requests being served to end (a stalled
// answer ends with its connection). It does nothing in process.
func (s *Server) Close() {
	if s.hs == nil {
		return
	}
	s.life.Lock()
	s.closed = true
	s.life.Unlock()
	s.hs.Close()
	s.fs.Close()
	s.inflight.Wait()
	if t, ok := s.client.Transport.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
}

// serveSocket is ServeHTTP for requests from the socket: Close waits for
// them.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	s.serveTracked(w, r, s.ServeHTTP)
}

// serveFilesSocket is ServeFiles for requests from the storage socket.
func (s *Server) serveFilesSocket(w http.ResponseWriter, r *http.Request) {
	s.serveTracked(w, r, s.ServeFiles)
}

func (s *Server) serveTracked(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	s.life.Lock()
	if s.closed {
		s.life.Unlock()
		http.Error(w, "hubtest: server closed", http.StatusServiceUnavailable)
		return
	}
	s.inflight.Add(1)
	s.life.Unlock()
	defer s.inflight.Done()
	h(w, r)
}

// Client returns an HTTP client for the server (a plain http.Client
// works too with a socket server). An in-process server's client goes
// through RoundTripper.
func (s *Server) Client() *http.Client { return s.client }

// AddRepos adds (or replaces) repositories.
func (s *Server) AddRepos(repos ...Repo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.headers = nil // a replaced repo may have another GGUF header
	for _, r := range repos {
		r.normalize()
		r.computeHashes()
		e := &entry{repo: r, f: r.encode()}
		if old, ok := s.byID[r.ID]; ok {
			*old = *e
			continue
		}
		s.byID[r.ID] = e
		s.repos = append(s.repos, e)
	}
}

// AddSynthetic adds n generated models (see Synthetic).
func (s *Server) AddSynthetic(n int) {
	if n > 0 {
		s.AddRepos(Synthetic(n)...)
	}
}

// Rename makes old answer 307 to nu, as the Hub does for moved repos.
func (s *Server) Rename(old, nu string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.renames[old] = nu
}

// Repo returns a repository of the catalogue.
func (s *Server) Repo(id string) (Repo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if !ok {
		return Repo{}, false
	}
	return e.repo, true
}

// Len is the number of repositories served.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.repos)
}

// Requests returns a copy of every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count is the number of requests received on a route (RouteAny: all).
func (s *Server) Count(r Route) int {
	n := 0
	for _, req := range s.Requests() {
		if r == RouteAny || req.Route == r {
			n++
		}
	}
	return n
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Expect announces a request ("GET /api/models/gpt2"); New's cleanup
// fails the test if it never came.
func (s *Server) Expect(method, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expects = append(s.expects, method+" "+path)
}

// Unmet lists the announced requests that have not happened.
func (s *Server) Unmet() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, want := range s.expects {
		found := false
		for _, r := range s.requests {
			if r.Method+" "+r.Path == want {
				found = true
				break
			}
		}
		if !found {
			out = append(out, want)
		}
	}
	return out
}

// ServeHTTP answers one request like the Hub.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	route, page := s.classify(r)
	s.requests = append(s.requests, Request{
		Method: r.Method, Route: route, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
		Query: r.URL.Query(), Header: r.Header.Clone(), Host: r.Host,
	})
	f := s.takeFault(route, page)
	resp := s.answer(r, route, f)
	s.mu.Unlock()
	if s.opts.Log != nil {
		fmt.Fprintf(s.opts.Log, "%s %s -> %d\n", r.Method, r.URL.RequestURI(), resp.status)
	}
	write(w, r, resp, f)
}

// response is an answer before it is written.
type response struct {
	status int
	header http.Header
	body   []byte
	virt   *virtual // a file body served in pieces instead of body
}

func (s *Server) newResponse(status int, bucket string) *response {
	s.seq++
	h := http.Header{}
	sum := sha1.Sum([]byte(fmt.Sprint(s.seq)))
	h.Set("X-Request-Id", fmt.Sprintf("Root=1-%s-%06d", hex.EncodeToString(sum[:6]), s.seq))
	s.remaining--
	if s.remaining < 0 {
		s.remaining = 499
	}
	h.Set("RateLimit", fmt.Sprintf(`"%s";r=%d;t=%d`, bucket, s.remaining, 300-s.seq%300))
	h.Set("RateLimit-Policy", fmt.Sprintf(`"fixed window";"%s";q=500;w=300`, bucket))
	h.Set("Vary", "Origin")
	h.Set("Access-Control-Expose-Headers", "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range")
	return &response{status: status, header: h}
}

func (s *Server) answer(r *http.Request, route Route, f *Fault) *response {
	bucket := "api"
	if route == RouteResolve {
		bucket = "resolvers"
	}
	if f != nil && (f.Status != 0 || f.RedirectTo != "") {
		return s.faultResponse(f, bucket)
	}
	if r.Method == http.MethodPost && route == RouteInfo && strings.Contains(r.URL.Path, "/paths-info/") {
		return s.pathsInfo(r)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return s.errorJSON(http.StatusMethodNotAllowed, bucket, "", "Method not allowed")
	}
	token, hasToken := bearer(r)
	if hasToken && s.opts.ValidTokens != nil && !slices.Contains(s.opts.ValidTokens, token) {
		resp := s.errorJSON(http.StatusUnauthorized, bucket, "", "Invalid credentials in Authorization header")
		resp.header.Set("X-Error-Message", "Invalid credentials in Authorization header")
		return resp
	}
	switch route {
	case RouteList:
		return s.list(r, f)
	case RouteInfo:
		return s.info(r, hasToken)
	case RouteResolve:
		return s.resolve(r, token, hasToken)
	}
	return s.errorJSON(http.StatusNotFound, bucket, "", "Sorry, we can't find the page you are looking for.")
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	return tok, ok && tok != ""
}

func (s *Server) errorJSON(status int, bucket, code, msg string) *response {
	resp := s.newResponse(status, bucket)
	resp.header.Set("Content-Type", "application/json; charset=utf-8")
	if code != "" {
		resp.header.Set("X-Error-Code", code)
		resp.header.Set("X-Error-Message", msg)
	}
	resp.body = mustJSON(map[string]string{"error": msg})
	return resp
}

// notFound answers like the Hub for a missing repo: 401 when anonymous,
// 404 with a token.
func (s *Server) notFound(bucket string, hasToken bool) *response {
	status := http.StatusUnauthorized
	if hasToken {
		status = http.StatusNotFound
	}
	return s.errorJSON(status, bucket, "RepoNotFound", "Repository not found")
}

// jsonOK answers a JSON body with a weak ETag, honouring If-None-Match.
func (s *Server) jsonOK(r *http.Request, bucket string, body []byte, weak bool) *response {
	resp := s.newResponse(http.StatusOK, bucket)
	sum := sha1.Sum(body)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	if weak {
		etag = fmt.Sprintf(`W/"%x-%s"`, len(body), base64.RawStdEncoding.EncodeToString(sum[:])[:27])
	}
	resp.header.Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
		resp.status = http.StatusNotModified
		return resp
	}
	resp.header.Set("Content-Type", "application/json; charset=utf-8")
	resp.body = body
	return resp
}
