package hubtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

// GGUFHeader says what the .gguf files of a repo start with. The header
// is written by package gguf's writer; the rest of each file, up to its
// size, is zeros that are never materialised. An mmproj file (a vision
// projector) beside a model gets a bare clip header instead.
type GGUFHeader struct {
	// Preset is a gguf preset name (gguf.Presets): the real keys, tokenizer
	// and tensor infos of that model, with weights of the type each file's
	// quant label names (F32, F16/FP16, BF16, Q8_0; Q4_0 for the others).
	Preset string `json:"preset,omitempty"`
	// KV are key/values written in order, after the preset's when both are
	// given.
	KV []HeaderKV `json:"kv,omitempty"`
}

// HeaderKV is one key/value of a GGUFHeader.
type HeaderKV struct {
	Key string `json:"key"`
	// Type is a GGUF value type (uint8, int8, uint16, int16, uint32, int32,
	// uint64, int64, float32, float64, bool, string) or "[T]", an array of
	// them.
	Type string `json:"type"`
	// Value is the value: a number, a bool, a string, or an array of them.
	Value any `json:"value,omitempty"`
	// Len, for a "[string]" without Value, makes an array of Len distinct
	// synthetic strings (a tokenizer's tokens, never held in memory).
	Len int64 `json:"len,omitempty"`
}

// InProcessFilesURL is the file storage origin of a server made by
// NewInProcess (FilesURL): another host than InProcessURL, so a client
// sees a redirect to another origin, as from the real Hub to its storage.
const InProcessFilesURL = "http://files.fakehub.invalid"

// storageSecret signs the storage URLs the Hub redirects to, so that only
// those URLs serve files, as with the real Hub's signed URLs.
const storageSecret = "hubtest-storage"

// weightsOf is the tensor type a preset header is written with for a file,
// from its quant label.
func weightsOf(file string) gguf.GGMLType {
	u := strings.ToUpper(path0(file))
	switch {
	case strings.Contains(u, "BF16"):
		return gguf.BF16
	case strings.Contains(u, "F32"):
		return gguf.F32
	case strings.Contains(u, "F16"), strings.Contains(u, "FP16"):
		return gguf.F16
	case strings.Contains(u, "Q8_0"):
		return gguf.Q8_0
	}
	return gguf.Q4_0
}

// path0 is the last element of a slash-separated path.
func path0(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// File returns the GGUF header the repo's .gguf file starts with.
func (h *GGUFHeader) File(file string) (*gguf.File, error) {
	f := &gguf.File{}
	if h.Preset != "" {
		var err error
		if f, err = gguf.NewPreset(h.Preset, weightsOf(file)); err != nil {
			return nil, err
		}
	}
	for _, kv := range h.KV {
		v, err := kvValue(kv)
		if err != nil {
			return nil, fmt.Errorf("hubtest: GGUF key %q: %w", kv.Key, err)
		}
		f.KVs = append(f.KVs, gguf.KV{Key: kv.Key, Value: v})
	}
	return f, nil
}

// kvValue converts a HeaderKV's JSON value to the Go type the gguf writer
// writes as kv.Type.
func kvValue(kv HeaderKV) (any, error) {
	if elem, ok := strings.CutPrefix(kv.Type, "["); ok {
		elem, ok = strings.CutSuffix(elem, "]")
		if !ok {
			return nil, fmt.Errorf("bad type %q", kv.Type)
		}
		if elem == "string" && kv.Value == nil {
			if kv.Len < 0 || kv.Len > math.MaxInt32 {
				return nil, fmt.Errorf("len %d out of range", kv.Len)
			}
			return gguf.StringArray{Len: int(kv.Len), At: func(i int) string { return "tok" + strconv.Itoa(i) }}, nil
		}
		list, ok := kv.Value.([]any)
		if !ok {
			return nil, fmt.Errorf("type %s wants an array", kv.Type)
		}
		return arrayValue(elem, list)
	}
	return scalar(kv.Type, kv.Value)
}

func arrayValue(elem string, list []any) (any, error) {
	conv := func(out any, set func(i int, v any)) (any, error) {
		for i, x := range list {
			v, err := scalar(elem, x)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			set(i, v)
		}
		return out, nil
	}
	n := len(list)
	switch elem {
	case "uint8":
		s := make([]uint8, n)
		return conv(s, func(i int, v any) { s[i] = v.(uint8) })
	case "int8":
		s := make([]int8, n)
		return conv(s, func(i int, v any) { s[i] = v.(int8) })
	case "uint16":
		s := make([]uint16, n)
		return conv(s, func(i int, v any) { s[i] = v.(uint16) })
	case "int16":
		s := make([]int16, n)
		return conv(s, func(i int, v any) { s[i] = v.(int16) })
	case "uint32":
		s := make([]uint32, n)
		return conv(s, func(i int, v any) { s[i] = v.(uint32) })
	case "int32":
		s := make([]int32, n)
		return conv(s, func(i int, v any) { s[i] = v.(int32) })
	case "uint64":
		s := make([]uint64, n)
		return conv(s, func(i int, v any) { s[i] = v.(uint64) })
	case "int64":
		s := make([]int64, n)
		return conv(s, func(i int, v any) { s[i] = v.(int64) })
	case "float32":
		s := make([]float32, n)
		return conv(s, func(i int, v any) { s[i] = v.(float32) })
	case "float64":
		s := make([]float64, n)
		return conv(s, func(i int, v any) { s[i] = v.(float64) })
	case "bool":
		s := make([]bool, n)
		return conv(s, func(i int, v any) { s[i] = v.(bool) })
	case "string":
		s := make([]string, n)
		return conv(s, func(i int, v any) { s[i] = v.(string) })
	}
	return nil, fmt.Errorf("unknown array type [%s]", elem)
}

// scalar converts one JSON value (json.Number, float64 or a Go integer
// from the catalogue or a caller) to the Go type of a GGUF type name.
func scalar(typ string, v any) (any, error) {
	switch typ {
	case "bool":
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("want a bool, got %T", v)
		}
		return b, nil
	case "string":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want a string, got %T", v)
		}
		return s, nil
	case "float32", "float64":
		var f float64
		switch x := v.(type) {
		case json.Number:
			var err error
			if f, err = x.Float64(); err != nil {
				return nil, err
			}
		case float64:
			f = x
		case int:
			f = float64(x)
		default:
			return nil, fmt.Errorf("want a number, got %T", v)
		}
		if typ == "float32" {
			return float32(f), nil
		}
		return f, nil
	}
	var n int64
	var neg bool
	var u uint64
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(x.String(), 10, 64); err == nil {
			n, neg, u = i, i < 0, uint64(i)
		} else if p, err := strconv.ParseUint(x.String(), 10, 64); err == nil {
			u = p
			n = -1 // beyond int64: only uint64 takes it
		} else {
			return nil, fmt.Errorf("want an integer, got %s", x)
		}
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return nil, fmt.Errorf("want an integer, got %v", x)
		}
		n, neg, u = int64(x), x < 0, uint64(int64(x))
	case int:
		n, neg, u = int64(x), x < 0, uint64(x)
	case int64:
		n, neg, u = x, x < 0, uint64(x)
	case uint64:
		u, n = x, int64(x)
		if x > math.MaxInt64 {
			n = -1
		}
	default:
		return nil, fmt.Errorf("want an integer, got %T", v)
	}
	inRange := func(lo, hi int64) error {
		if n < lo || n > hi || (n == -1 && !neg) {
			return fmt.Errorf("%d does not fit %s", u, typ)
		}
		return nil
	}
	switch typ {
	case "uint8":
		return uint8(n), inRange(0, math.MaxUint8)
	case "int8":
		return int8(n), inRange(math.MinInt8, math.MaxInt8)
	case "uint16":
		return uint16(n), inRange(0, math.MaxUint16)
	case "int16":
		return int16(n), inRange(math.MinInt16, math.MaxInt16)
	case "uint32":
		return uint32(n), inRange(0, math.MaxUint32)
	case "int32":
		return int32(n), inRange(math.MinInt32, math.MaxInt32)
	case "int64":
		return n, inRange(math.MinInt64, math.MaxInt64)
	case "uint64":
		if neg {
			return nil, fmt.Errorf("%d does not fit uint64", n)
		}
		return u, nil
	}
	return nil, fmt.Errorf("unknown type %q", typ)
}

// ggufHeaderBytes renders (once per repo and weight type) the header of a
// repo's .gguf file. Called with s.mu held.
func (s *Server) ggufHeaderBytes(r *Repo, file string) ([]byte, error) {
	if r.GGUFHeader == nil || !strings.EqualFold(pathExt(file), ".gguf") {
		return nil, nil
	}
	hdr := r.GGUFHeader
	key := r.ID + "\x00" + strconv.Itoa(int(weightsOf(file)))
	switch {
	case strings.Contains(strings.ToLower(path0(file)), "mmproj") && (len(hdr.KV) == 0 || hdr.KV[0].Value != "clip"):
		// A vision projector beside a model is a clip file, not the model.
		hdr, key = &GGUFHeader{KV: []HeaderKV{{Key: "general.architecture", Type: "string", Value: "clip"}}}, r.ID+"\x00mmproj"
	case hdr.Preset == "":
		key = r.ID
	}
	if b, ok := s.headers[key]; ok {
		return b, nil
	}
	f, err := hdr.File(file)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := f.WriteHeader(&buf); err != nil {
		return nil, err
	}
	if s.headers == nil {
		s.headers = map[string][]byte{}
	}
	s.headers[key] = buf.Bytes()
	return buf.Bytes(), nil
}

func pathExt(p string) string {
	base := path0(p)
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		return base[i:]
	}
	return ""
}

// storageSig signs a storage path.
func storageSig(id, sha, file string) string {
	sum := sha256.Sum256([]byte(storageSecret + "\x00" + id + "\x00" + sha + "\x00" + file))
	return hex.EncodeToString(sum[:16])
}

// escapeFile escapes each segment of a file path.
func escapeFile(file string) string {
	parts := strings.Split(file, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// StorageURL is where the Hub redirects a resolve/ of an LFS file: a signed
// URL on the file storage origin (FilesURL).
func (s *Server) StorageURL(id, sha, file string) string {
	return s.FilesURL + "/repos/" + url.PathEscape(id) + "/" + sha + "/" + escapeFile(file) +
		"?X-Amz-Expires=3600&X-Amz-Signature=" + storageSig(id, sha, file)
}

// lfsRedirect answers a resolve/ of an LFS file like the Hub: 302 Found to
// the file storage, with the X-Linked-* headers.
func (s *Server) lfsRedirect(e *entry, file string) *response {
	loc := s.StorageURL(e.repo.ID, e.repo.SHA, file)
	resp := s.newResponse(http.StatusFound, "resolvers")
	resp.header.Set("Location", loc)
	resp.header.Set("X-Repo-Commit", e.repo.SHA)
	resp.header.Set("X-Linked-Size", strconv.FormatInt(e.repo.FileSize(file), 10))
	resp.header.Set("X-Linked-Etag", `"`+e.repo.lfsOID(file)+`"`)
	resp.header.Set("ETag", `"`+e.repo.lfsOID(file)+`"`)
	resp.header.Set("Content-Type", "text/plain; charset=utf-8")
	resp.body = []byte("Found. Redirecting to " + loc)
	return resp
}

// virtual is a file body served from its header and implied zeros.
type virtual struct {
	head       []byte
	start, end int64 // inclusive byte range served
	// real, when set, is the content served instead of head and zeros.
	real *content
	// pace is the most bytes a second sent, 0 for no limit.
	pace int64
}

// ServeFiles answers one request to the file storage origin (FilesURL):
// GET or HEAD of a signed URL the Hub redirected to, honouring a single
// Range (206 with Content-Range, 416 past the end); without a usable
// Range, or with the IgnoreRange fault, the whole file (200). Requests are
// recorded with RouteFiles and faults with that route apply.
func (s *Server) ServeFiles(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{
		Method: r.Method, Route: RouteFiles, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
		Query: r.URL.Query(), Header: r.Header.Clone(), Host: r.Host,
	})
	f := s.takeFault(RouteFiles, 0)
	var resp *response
	if f != nil && (f.Status != 0 || f.RedirectTo != "") {
		resp = s.faultResponse(f, "resolvers")
	} else {
		resp = s.storage(r, f)
	}
	s.mu.Unlock()
	if s.opts.Log != nil {
		fmt.Fprintf(s.opts.Log, "%s %s%s -> %d\n", r.Method, s.FilesURL, r.URL.RequestURI(), resp.status)
	}
	write(w, r, resp, f)
}

// storageError answers like S3: an XML error.
func storageError(status int, code string) *response {
	h := http.Header{}
	h.Set("Content-Type", "application/xml")
	return &response{status: status, header: h,
		body: []byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + code + `</Code></Error>`)}
}

// storage answers a file storage request. Called with s.mu held.
func (s *Server) storage(r *http.Request, f *Fault) *response {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return storageError(http.StatusMethodNotAllowed, "MethodNotAllowed")
	}
	parts := strings.SplitN(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/", 4)
	if len(parts) != 4 || parts[0] != "repos" {
		return storageError(http.StatusNotFound, "NoSuchKey")
	}
	id, err1 := url.PathUnescape(parts[1])
	file, err2 := url.PathUnescape(parts[3])
	sha := parts[2]
	if err1 != nil || err2 != nil || r.URL.Query().Get("X-Amz-Signature") != storageSig(id, sha, file) {
		return storageError(http.StatusForbidden, "AccessDenied")
	}
	e, ok := s.byID[id]
	if !ok || e.repo.SHA != sha || !slices.Contains(e.repo.Files, file) {
		return storageError(http.StatusNotFound, "NoSuchKey")
	}
	size := e.repo.FileSize(file)
	head, err := s.ggufHeaderBytes(&e.repo, file)
	if err != nil {
		return storageError(http.StatusInternalServerError, "InternalError: "+err.Error())
	}
	if int64(len(head)) > size {
		head = head[:size] // a file smaller than its header: truncated
	}
	h := http.Header{}
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Accept-Ranges", "bytes")
	h.Set("ETag", `"`+e.repo.lfsOID(file)+`"`)
	h.Set("X-Amz-Request-Id", strconv.Itoa(len(s.requests)))
	resp := &response{status: http.StatusOK, header: h, virt: &virtual{head: head, start: 0, end: size - 1, pace: s.opts.Pace}}
	if e.repo.RealBytes {
		c, err := e.repo.contentOf(file)
		if err != nil {
			return storageError(http.StatusInternalServerError, "InternalError: "+err.Error())
		}
		resp.virt.real = c
	}
	return rangeOf(r, resp, f, size)
}

// rangeOf makes a whole-file answer answer the request's Range: 206 with
// Content-Range, 416 past the end, the whole file without a usable Range
// or with the IgnoreRange fault.
func rangeOf(r *http.Request, resp *response, f *Fault, size int64) *response {
	h := resp.header
	h.Set("Accept-Ranges", "bytes")
	if f != nil && f.IgnoreRange {
		return resp
	}
	start, end, ok := parseRange(r.Header.Get("Range"), size)
	switch {
	case !ok:
		return resp // no Range, or one the server may ignore: the whole file
	case start < 0:
		resp = storageError(http.StatusRequestedRangeNotSatisfiable, "InvalidRange")
		resp.header.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		return resp
	}
	resp.status = http.StatusPartialContent
	resp.virt.start, resp.virt.end = start, end
	h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, size))
	return resp
}

// parseRange reads a single "bytes=a-b", "bytes=a-" or "bytes=-n" range
// of a file of size bytes. ok is false when there is no range the server
// must honour (absent, malformed, several ranges); start is -1 when the
// range is unsatisfiable.
func parseRange(h string, size int64) (start, end int64, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false
	}
	num := func(s string) (int64, bool) {
		if s == "" || strings.Trim(s, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	switch {
	case a == "":
		n, okn := num(b)
		if !okn {
			return 0, 0, false
		}
		if n == 0 || size == 0 {
			return -1, 0, true
		}
		return max(size-n, 0), size - 1, true
	default:
		s0, oka := num(a)
		if !oka {
			return 0, 0, false
		}
		e0 := size - 1
		if b != "" {
			var okb bool
			if e0, okb = num(b); !okb || e0 < s0 {
				return 0, 0, false
			}
		}
		if s0 >= size {
			return -1, 0, true
		}
		return s0, min(e0, size-1), true
	}
}

// zeros is the implied content of a file past its header.
var zeros [64 << 10]byte // in the binary's zeroed data: no allocation at start

// writeVirtual sends a virtual body: the part of the header in range, then
// zeros, in pieces, stopping when the client goes away. The Truncate fault
// sends half of it under the full Content-Length.
func writeVirtual(w http.ResponseWriter, r *http.Request, resp *response, f *Fault) {
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	v := resp.virt
	n := v.end - v.start + 1
	if n < 0 {
		n = 0
	}
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(resp.status)
	if r.Method == http.MethodHead {
		return
	}
	send := n
	if f != nil && f.Truncate {
		send = n / 2
	}
	pace := v.pace
	if f != nil && f.Pace > 0 {
		pace = f.Pace
	}
	corrupt := int64(-1)
	if f != nil && f.Corrupt {
		size := v.end + 1
		if v.real != nil {
			size = v.real.size
		}
		corrupt = size / 2
	}
	var buf []byte
	if v.real != nil {
		buf = make([]byte, 64<<10)
	}
	began := time.Now()
	pos, stop := v.start, v.start+send
	for pos < stop {
		var chunk []byte
		switch {
		case v.real != nil:
			k := v.real.readAt(buf[:min(int64(len(buf)), stop-pos)], pos)
			if k == 0 {
				return
			}
			chunk = buf[:k]
		case pos < int64(len(v.head)):
			chunk = v.head[pos:min(int64(len(v.head)), stop)]
		default:
			chunk = zeros[:min(int64(len(zeros)), stop-pos)]
		}
		if corrupt >= pos && corrupt < pos+int64(len(chunk)) {
			c := append([]byte(nil), chunk...)
			c[corrupt-pos] ^= 0xff
			chunk = c
		}
		if _, err := w.Write(chunk); err != nil || r.Context().Err() != nil {
			return
		}
		pos += int64(len(chunk))
		if pace > 0 {
			due := began.Add(time.Duration(float64(pos-v.start) / float64(pace) * float64(time.Second)))
			if d := time.Until(due); d > 0 {
				select {
				case <-r.Context().Done():
					return
				case <-time.After(d):
				}
			}
		}
	}
}
