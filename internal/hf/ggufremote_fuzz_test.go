package hf

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

// FuzzGGUFInfoAnswers feeds GGUFInfo any answer a server may give to its
// Range requests: it must end with an Info or a one-line *Error, never
// panic or hang, and never read more than GGUFMaxBytes.
func FuzzGGUFInfoAnswers(f *testing.F) {
	var head bytes.Buffer
	p, _ := gguf.NewPreset(gguf.PresetQwen25_05B, gguf.Q4_0)
	p.WriteHeader(&head)
	f.Add(head.Bytes()[:4096], uint16(206), "bytes 0-4095/1000000", "")
	f.Add(head.Bytes()[:4096], uint16(200), "", "")
	f.Add([]byte("GGUF\x03\x00\x00\x00"), uint16(206), "bytes 0-7/8", "")
	f.Add([]byte{}, uint16(416), "bytes */0", "")
	f.Add([]byte("x"), uint16(206), "bytes 0-0/*", "gzip")
	f.Add([]byte("{}"), uint16(403), "", "")
	f.Fuzz(func(t *testing.T, body []byte, status uint16, contentRange, encoding string) {
		if status < 100 || status > 599 || status == 101 || (status >= 300 && status < 400) {
			return // informational and redirect answers are the transport's
		}
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			h := http.Header{}
			if contentRange != "" {
				h.Set("Content-Range", contentRange)
			}
			if encoding != "" {
				h.Set("Content-Encoding", encoding)
			}
			return &http.Response{StatusCode: int(status), Header: h, Request: r,
				Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}, nil
		})
		c, err := New(Config{Endpoint: "https://hub.example", Transport: rt, MaxAttempts: 1,
			Sleep: func(context.Context, time.Duration) error { return nil }})
		if err != nil {
			t.Fatal(err)
		}
		_, stats, err := c.GGUFInfo(context.Background(), "a/b", "0123456789abcdef0123456789abcdef01234567", "m.gguf")
		if stats.Bytes > GGUFMaxBytes {
			t.Fatalf("read %d bytes", stats.Bytes)
		}
		if err != nil {
			if !IsKind(err, BadResponse) && !IsKind(err, Gated) && !IsKind(err, NotFound) && !IsKind(err, Unavailable) &&
				!IsKind(err, RateLimited) && !IsKind(err, Timeout) && !IsKind(err, BadToken) {
				t.Fatalf("unexpected error %T %v (status %d)", err, err, status)
			}
			if bytes.ContainsAny([]byte(err.Error()), "\n\r") {
				t.Fatalf("multi-line error %q", err.Error())
			}
		}
	})
}

// FuzzParseContentRange: whatever the header, an accepted range is
// ordered and inside the total.
func FuzzParseContentRange(f *testing.F) {
	for _, s := range []string{"bytes 0-99/1000", "bytes */5", "bytes 5-5/*", "bytes 9-3/100", "bytes 0-1/" + strconv.Itoa(1<<62)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		s, e, n, ok := parseContentRange(h)
		if !ok {
			return
		}
		if s == -1 {
			if e != -1 || n < 0 {
				t.Fatalf("%q: %d %d %d", h, s, e, n)
			}
			return
		}
		if s < 0 || e < s || (n >= 0 && e >= n) {
			t.Fatalf("%q: %d %d %d", h, s, e, n)
		}
	})
}

// FuzzDecodeFiles: any body decodes to files with names, or to one
// BadResponse line.
func FuzzDecodeFiles(f *testing.F) {
	f.Add([]byte(`{"siblings":[{"rfilename":"a","size":1,"lfs":{"size":2}}]}`))
	f.Add([]byte(`{"siblings":null}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		files, err := DecodeFiles(body, "", "fuzz")
		if err != nil {
			if !IsKind(err, BadResponse) || bytes.ContainsAny([]byte(err.Error()), "\n\r") {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		for _, fl := range files {
			if fl.Path == "" {
				t.Fatal("empty path")
			}
			if fl.Size != nil && *fl.Size > 1<<63-1 {
				t.Fatalf("size %d", *fl.Size)
			}
		}
	})
}
