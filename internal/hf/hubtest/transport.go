package hubtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// errReset is what a reader of an in-process answer gets when a Reset
// fault cuts the body, like a TCP reset on a socket.
var errReset = errors.New("hubtest: connection reset by peer (in process)")

// RoundTripper serves the fake Hub's handler in process: each request is
// answered by ServeHTTP through a pipe, with no socket and no network, so
// an http.Client using it talks to the fake Hub whatever host its URLs
// name (InProcessURL by convention). Answers stream as the handler writes
// them; cancelling the request's context, or closing the body, ends the
// handler's request context, as a dropped connection would. Faults behave
// as on a socket: Truncate and Reset end the body with an error, Stall
// blocks the reader.
func (s *Server) RoundTripper() http.RoundTripper { return inProcess{s} }

// inProcess is the RoundTripper of a Server.
type inProcess struct{ s *Server }

// RoundTrip answers one request with the fake Hub's handler.
func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL == nil {
		return nil, errors.New("hubtest: request without a URL")
	}
	ctx, cancel := context.WithCancel(req.Context())
	sreq := req.Clone(ctx)
	sreq.RequestURI = req.URL.RequestURI()
	sreq.RemoteAddr = "in-process"
	if sreq.Host == "" {
		sreq.Host = req.URL.Host
	}
	if sreq.Body == nil {
		sreq.Body = http.NoBody
	}
	if sreq.Proto == "" {
		sreq.Proto, sreq.ProtoMajor, sreq.ProtoMinor = "HTTP/1.1", 1, 1
	}
	pr, pw := io.Pipe()
	w := &pipeWriter{req: req, header: http.Header{}, pw: pw, ready: make(chan struct{}),
		body: &pipeBody{pr: pr, cancel: cancel}, contentLength: -1}
	serve := t.s.ServeHTTP
	if fu, err := url.Parse(t.s.FilesURL); err == nil && fu.Host != "" && strings.EqualFold(req.URL.Host, fu.Host) {
		serve = t.s.ServeFiles
	}
	go func() {
		defer func() {
			sreq.Body.Close() // as a server does once its handler returns
			if p := recover(); p != nil {
				w.fail(fmt.Errorf("hubtest: the handler failed: %v", p))
				return
			}
			w.finish()
		}()
		serve(w, sreq)
	}()
	select {
	case <-w.ready:
		if w.err != nil {
			return nil, w.err
		}
		return w.resp, nil
	case <-req.Context().Done():
		cancel()
		pr.CloseWithError(req.Context().Err())
		return nil, req.Context().Err()
	}
}

// pipeWriter is the http.ResponseWriter of an in-process request: the
// status and headers become the Response when first written, the body
// flows through a pipe to the reader.
type pipeWriter struct {
	req    *http.Request
	header http.Header
	pw     *io.PipeWriter
	body   *pipeBody

	once          sync.Once
	ready         chan struct{} // closed when resp is set
	resp          *http.Response
	contentLength int64 // announced; -1 when none
	written       int64
	aborted       bool
	err           error // set before ready when the handler failed first
}

// Header is the header map of the answer to come.
func (w *pipeWriter) Header() http.Header { return w.header }

// WriteHeader makes the Response, once.
func (w *pipeWriter) WriteHeader(code int) {
	w.once.Do(func() {
		h := w.header.Clone()
		if cl, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil && cl >= 0 {
			w.contentLength = cl
		}
		resp := &http.Response{
			Status: fmt.Sprintf("%d %s", code, http.StatusText(code)), StatusCode: code,
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: h, Body: w.body, ContentLength: w.contentLength, Request: w.req,
		}
		if w.req.Method == http.MethodHead || code == http.StatusNotModified || code == http.StatusNoContent {
			// No body follows, whatever Content-Length says.
			resp.Body = http.NoBody
			w.body.pr.Close()
			w.contentLength = -1
		}
		w.resp = resp
		close(w.ready)
	})
}

// Write sends body bytes; it blocks until the reader takes them and
// fails once the reader has gone.
func (w *pipeWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	n, err := w.pw.Write(b)
	w.written += int64(n)
	return n, err
}

// Flush does nothing: every Write already reached the reader.
func (w *pipeWriter) Flush() {}

// abort ends the body with a reset, for the Reset fault.
func (w *pipeWriter) abort() {
	w.aborted = true
	w.pw.CloseWithError(errReset)
}

// fail ends an answer whose handler panicked: RoundTrip returns err when
// nothing was sent yet, else the body ends with it.
func (w *pipeWriter) fail(err error) {
	w.once.Do(func() {
		w.err = err
		close(w.ready)
	})
	w.pw.CloseWithError(err)
}

// finish ends the answer after the handler returns: a body shorter than
// its Content-Length ends in io.ErrUnexpectedEOF, as on a socket, or in
// the request context's error when the client gave up.
func (w *pipeWriter) finish() {
	w.WriteHeader(http.StatusOK)
	switch {
	case w.aborted:
	case w.req.Context().Err() != nil:
		// The client gave up: its reads fail as on a dropped request.
		w.pw.CloseWithError(w.req.Context().Err())
	case w.contentLength >= 0 && w.written < w.contentLength:
		w.pw.CloseWithError(io.ErrUnexpectedEOF)
	default:
		w.pw.Close()
	}
}

// pipeBody is the Response.Body of an in-process answer. Closing it ends
// the handler's request context.
type pipeBody struct {
	pr     *io.PipeReader
	cancel context.CancelFunc
}

// Read reads the answer's body.
func (b *pipeBody) Read(p []byte) (int, error) { return b.pr.Read(p) }

// Close drops the answer, like closing the connection.
func (b *pipeBody) Close() error {
	b.cancel()
	return b.pr.Close()
}
