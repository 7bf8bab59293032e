package hubtest

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Fault makes matching requests fail the way the real Hub (or the network
// in front of it) does. Zero fields do nothing.
type Fault struct {
	// Route and Page select the requests (Page: 1-based list page; 0 any).
	Route Route
	Page  int
	// Times is how many matching requests fail; 0 means all of them.
	Times int

	// Status answers this status instead: 429 with the headers below,
	// 5xx with an HTML body like a proxy's error page.
	Status int
	// Header is set on the answer (Retry-After, RateLimit, ...); an empty
	// value removes the header.
	Header map[string]string
	// Body replaces the answer's body.
	Body string
	// RedirectTo answers 307 to this absolute URL (another host, say).
	RedirectTo string

	// Truncate announces a longer Content-Length than it sends.
	Truncate bool
	// Reset resets the connection in the middle of the body.
	Reset bool
	// Stall sends half the body (or, with no body, nothing), then waits
	// this long (or until the client goes away) before the rest.
	Stall time.Duration

	// LoopNext makes the page's next link point at the page itself.
	LoopNext bool
	// GarbageLink sends a Link header that does not parse.
	GarbageLink bool
	// NextLink replaces the page's next link.
	NextLink string

	// Corrupt flips one byte of a file body: the byte in the middle of
	// the file, when the range served holds it.
	Corrupt bool
	// Pace sends a file body at most this many bytes a second.
	Pace int64

	// IgnoreRange makes the file storage (RouteFiles) answer 200 with the
	// whole file whatever Range asks, like a proxy that ignores it.
	IgnoreRange bool
}

// Fail adds a fault. Faults are matched in the order they were added.
func (s *Server) Fail(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fc := f
	s.faults = append(s.faults, &fc)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the first fault matching the request and counts it.
// Called with s.mu held.
func (s *Server) takeFault(route Route, page int) *Fault {
	for i, f := range s.faults {
		if f.Route != RouteAny && f.Route != route {
			continue
		}
		if f.Page != 0 && (route != RouteList || f.Page != page) {
			continue
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return f
	}
	return nil
}

const htmlError = `<!DOCTYPE html>
<html><head><title>%d %s</title></head>
<body><h1>%d %s</h1><p>The server encountered a temporary error. <script>alert("no")</script></p></body></html>
`

// faultResponse builds the answer of a Status or RedirectTo fault.
func (s *Server) faultResponse(f *Fault, bucket string) *response {
	if f.RedirectTo != "" {
		return s.redirect(bucket, f.RedirectTo)
	}
	resp := s.newResponse(f.Status, bucket)
	switch {
	case f.Status == http.StatusTooManyRequests:
		resp.header.Set("Content-Type", "application/json; charset=utf-8")
		resp.header.Set("RateLimit", fmt.Sprintf(`"%s";r=0;t=55`, bucket))
		resp.body = []byte(`{"error":"You have exceeded our rate limit. Please retry later."}`)
	case f.Status >= 500:
		resp.header.Set("Content-Type", "text/html")
		resp.body = fmt.Appendf(nil, htmlError, f.Status, http.StatusText(f.Status), f.Status, http.StatusText(f.Status))
	default:
		resp.header.Set("Content-Type", "application/json; charset=utf-8")
		resp.body = mustJSON(map[string]string{"error": http.StatusText(f.Status)})
	}
	for k, v := range f.Header {
		if v == "" {
			resp.header.Del(k)
		} else {
			resp.header.Set(k, v)
		}
	}
	if f.Body != "" {
		resp.body = []byte(f.Body)
	}
	return resp
}

// write sends the answer, applying the body faults.
func write(w http.ResponseWriter, r *http.Request, resp *response, f *Fault) {
	if resp.virt != nil {
		writeVirtual(w, r, resp, f)
		return
	}
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	body := resp.body
	if r.Method == http.MethodHead {
		body = nil
	}
	half := len(body) / 2
	switch {
	case f != nil && f.Reset:
		resetMidBody(w, resp, body[:half], len(body))
		return
	case f != nil && f.Truncate:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)+100))
		w.WriteHeader(resp.status)
		w.Write(body[:half])
		return
	case f != nil && f.Stall > 0 && len(body) == 0:
		// Nothing to send half of (a 304): stall before the headers.
		select {
		case <-r.Context().Done():
			return
		case <-time.After(f.Stall):
		}
		w.WriteHeader(resp.status)
		return
	case f != nil && f.Stall > 0:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(resp.status)
		w.Write(body[:half])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(f.Stall):
		}
		w.Write(body[half:])
		return
	}
	if resp.status != http.StatusNotModified && resp.status >= 200 {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(resp.status)
	w.Write(body)
}

// resetMidBody writes the status, headers and part of the body on the raw
// connection, then closes it with a TCP reset. In process (no connection
// to hijack) the body ends with an error instead.
func resetMidBody(w http.ResponseWriter, resp *response, part []byte, full int) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		w.Header().Set("Content-Length", strconv.Itoa(full))
		w.WriteHeader(resp.status)
		w.Write(part)
		if a, ok := w.(interface{ abort() }); ok {
			a.abort()
		}
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	bw := bufio.NewWriter(rw)
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", resp.status, http.StatusText(resp.status))
	resp.header.Set("Content-Length", strconv.Itoa(full))
	resp.header.Write(bw)
	bw.WriteString("\r\n")
	bw.Write(part)
	bw.Flush()
	rw.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// RateLimitPage makes list page `page` answer 429 once, with the RateLimit
// header asking to wait `wait` (rounded up to a second), as the Hub does
// when a long walk runs out of its quota mid-way; the next request for
// the page is answered.
func (s *Server) RateLimitPage(page int, wait time.Duration) {
	secs := int((wait + time.Second - 1) / time.Second)
	s.Fail(Fault{Route: RouteList, Page: page, Times: 1, Status: http.StatusTooManyRequests,
		Header: map[string]string{"RateLimit": fmt.Sprintf(`"api";r=0;t=%d`, secs)}})
}
