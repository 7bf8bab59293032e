package hf

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// This file reads the JSON of Hub model objects (a list page, a model
// info) straight into compat.Raw: one pass over the bytes, no reflection,
// and the values nobody reads (chat templates, widget data, most of the
// card data, spaces...) are checked and skipped without being built. A
// page of 100 models decodes several times faster than with encoding/json,
// which a cached search pays for on every run.
//
// It accepts exactly the JSON encoding/json accepts and decodes values the
// same way (invalid UTF-8 becomes U+FFFD, \u escapes and surrogate pairs,
// null leaves a field as it was, a float count saturates), with two
// deliberate differences: object keys match exactly (encoding/json also
// takes "ID" or "Tags"; the Hub never sends those), and a repeated key
// simply replaces the earlier value. FuzzWireMatchesEncodingJSON holds it
// to that.

// maxJSONDepth is how deep values may nest, as in encoding/json.
const maxJSONDepth = 10000

// hubModel is what a Hub model object says that the verdict and the list
// use. Fields the Hub computes are typed strictly (a wrong type is an
// error); cardData, the author's own YAML, is read leniently.
type hubModel struct {
	ID, ModelID, Author, SHA, LastModified string
	// gated is the decoded gated value; badGated names the JSON kind of a
	// value that is neither false, null, true nor a string.
	gated, badGated          string
	Downloads, Likes         int64
	Tags                     []string
	PipelineTag, LibraryName string

	hasConfig     bool
	ModelType     string
	Architectures []string
	hasQuant      bool
	QuantMethod   string

	License string // cardData.license, a list joined with ", "

	hasSiblings bool
	Siblings    []string // rfilename of each sibling, empty ones left out

	hasSafetensors   bool
	SafetensorsTotal int64

	hasGGUF                      bool
	GGUFArchitecture             string
	GGUFContextLength, GGUFTotal int64
}

// wireFault is the first thing wrong with a body.
type wireFault struct {
	eof    bool // the input ended inside a value
	offset int
	// a type mismatch: the dotted field path, the JSON kind expected and
	// the one found
	field, want, got string
}

// wireReader reads JSON from b. A syntax error stops it (every method
// returns at once afterwards); a type mismatch is noted and the value
// skipped, so that a syntax error later in the same value still wins, as
// with encoding/json.
type wireReader struct {
	b      []byte
	i      int
	depth  int
	syntax *wireFault
	mism   *wireFault
	path   []string // the object keys leading to the current value
	buf    []byte   // scratch for strings with escapes
	single bool     // the body is one model, not a list
}

func (r *wireReader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek skips whitespace and returns the next byte (0 at the end or after
// a syntax error).
func (r *wireReader) peek() byte {
	if r.syntax != nil {
		return 0
	}
	r.ws()
	if r.i >= len(r.b) {
		return 0
	}
	return r.b[r.i]
}

// fail notes a syntax error at the current position.
func (r *wireReader) fail() {
	if r.syntax == nil {
		r.syntax = &wireFault{eof: r.i >= len(r.b), offset: r.i}
	}
}

// mismatch notes that the value at the current position under field is
// not of the kind wanted, and skips it.
func (r *wireReader) mismatch(field, want string) {
	got := "null"
	switch r.peek() {
	case '{':
		got = "an object"
	case '[':
		got = "a list"
	case '"':
		got = "a string"
	case 't', 'f':
		got = "a boolean"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		got = "a number"
	}
	if r.mism == nil {
		path := field
		if len(r.path) > 0 {
			path = strings.Join(append(r.path[:len(r.path):len(r.path)], field), ".")
		}
		r.mism = &wireFault{field: path, want: want, got: got}
	}
	r.skip()
}

// enter and leave bound the nesting depth.
func (r *wireReader) enter() bool {
	r.depth++
	if r.depth > maxJSONDepth {
		r.fail()
		return false
	}
	return true
}

func (r *wireReader) leave() { r.depth-- }

// next moves to the next element of an array or object whose opening
// bracket was consumed: false at its closing bracket (consumed) or on an
// error. first is true until the first element was read.
func (r *wireReader) next(first *bool, end byte) bool {
	c := r.peek()
	if r.syntax != nil {
		return false
	}
	if c == end {
		r.i++
		return false
	}
	if !*first {
		if c != ',' {
			r.fail()
			return false
		}
		r.i++
	}
	*first = false
	return true
}

// key reads the next member name of an object and its colon; false at
// the object's end or on an error. The bytes are valid until the next
// string is read.
func (r *wireReader) key(first *bool) ([]byte, bool) {
	if !r.next(first, '}') {
		return nil, false
	}
	if r.peek() != '"' {
		r.fail()
		return nil, false
	}
	k := r.stringBytes()
	if r.peek() != ':' {
		r.fail()
		return nil, false
	}
	r.i++
	return k, r.syntax == nil
}

// skip checks and skips one value of any kind.
func (r *wireReader) skip() {
	switch c := r.peek(); c {
	case '"':
		r.skipString()
	case '{':
		if !r.enter() {
			return
		}
		r.i++
		first := true
		for {
			if _, ok := r.key(&first); !ok {
				break
			}
			r.skip()
		}
		r.leave()
	case '[':
		if !r.enter() {
			return
		}
		r.i++
		first := true
		for r.next(&first, ']') {
			r.skip()
		}
		r.leave()
	case 't':
		r.literal("true")
	case 'f':
		r.literal("false")
	case 'n':
		r.literal("null")
	default:
		r.number()
	}
}

func (r *wireReader) literal(lit string) {
	for k := 0; k < len(lit); k++ {
		if r.i >= len(r.b) || r.b[r.i] != lit[k] {
			r.fail()
			return
		}
		r.i++
	}
}

// number checks a number and returns its bytes.
func (r *wireReader) number() []byte {
	if r.syntax != nil {
		return nil
	}
	b, start := r.b, r.i
	i := r.i
	digits := func() bool {
		n := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		digits()
	default:
		r.i = i
		r.fail()
		return nil
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			r.i = i
			r.fail()
			return nil
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			r.i = i
			r.fail()
			return nil
		}
	}
	r.i = i
	return b[start:i]
}

// plain marks the bytes that end the quick scan of a string: the quote,
// the backslash, control characters and the start of multi-byte UTF-8.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// skipString checks and skips a string (the position is at its quote).
func (r *wireReader) skipString() {
	b := r.b
	i := r.i + 1
	for {
		for i < len(b) && plain[b[i]] {
			i++
		}
		if i >= len(b) {
			r.i = i
			r.fail()
			return
		}
		switch c := b[i]; {
		case c == '"':
			r.i = i + 1
			return
		case c == '\\':
			n, ok := escapeLen(b[i:])
			if !ok {
				r.i = i
				r.fail()
				return
			}
			i += n
		case c < 0x20:
			r.i = i
			r.fail()
			return
		default: // UTF-8, valid or not: not a syntax error
			i++
		}
	}
}

// escapeLen is the length of the escape sequence at the start of s.
func escapeLen(s []byte) (int, bool) {
	if len(s) < 2 {
		return 0, false
	}
	switch s[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, true
	case 'u':
		if len(s) < 6 {
			return 0, false
		}
		for _, c := range s[2:6] {
			if !isHex(c) {
				return 0, false
			}
		}
		return 6, true
	}
	return 0, false
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// stringBytes reads a string (the position is at its quote) and returns
// its decoded bytes: a slice of the input when it needs no decoding, else
// of the scratch buffer, valid until the next call.
func (r *wireReader) stringBytes() []byte {
	b := r.b
	start := r.i + 1
	i := start
	for i < len(b) && plain[b[i]] {
		i++
	}
	if i < len(b) && b[i] == '"' {
		r.i = i + 1
		return b[start:i]
	}
	// Escapes, control characters, UTF-8 or the end: check it whole,
	// then decode.
	r.skipString()
	if r.syntax != nil {
		return nil
	}
	raw := b[start : r.i-1]
	if !hasEscape(raw) && utf8.Valid(raw) {
		return raw
	}
	r.buf = unquoteInto(r.buf[:0], raw)
	return r.buf
}

func hasEscape(s []byte) bool {
	for _, c := range s {
		if c == '\\' {
			return true
		}
	}
	return false
}

// unquoteInto appends the decoded contents of a checked string (without
// its quotes) to dst, as encoding/json decodes it.
func unquoteInto(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			switch s[i+1] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := hex4(s[i+2:])
				i += 6
				if utf16.IsSurrogate(rr) {
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if dec := utf16.DecodeRune(rr, hex4(s[i+2:])); dec != utf8.RuneError {
							dst = utf8.AppendRune(dst, dec)
							i += 6
							continue
						}
					}
					rr = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, rr)
				continue
			default: // " \ /
				dst = append(dst, s[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			rr, size := utf8.DecodeRune(s[i:])
			if rr == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
		}
	}
	return dst
}

func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// intern returns a string with the contents of b, shared with earlier
// equal strings of the same page: tags and file names repeat from model
// to model, and each copy would otherwise be an allocation to make, to
// keep and to collect.
type internTable map[string]string

func (t internTable) get(b []byte) string {
	if t == nil { // one model: nothing to share with
		return string(b)
	}
	if s, ok := t[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(t) < 4096 {
		t[s] = s
	}
	return s
}

// str reads a string field; null leaves dst as it was.
func (r *wireReader) str(dst *string, field string) {
	switch r.peek() {
	case '"':
		*dst = string(r.stringBytes())
	case 'n':
		r.literal("null")
	default:
		r.mismatch(field, "a string")
	}
}

// strings reads a list of strings (null elements are ""); null makes it
// nil.
func (r *wireReader) strings(dst *[]string, field string, tab internTable) {
	switch r.peek() {
	case '[':
		if !r.enter() {
			return
		}
		r.i++
		out := []string{}
		first := true
		for r.next(&first, ']') {
			switch r.peek() {
			case '"':
				out = append(out, tab.get(r.stringBytes()))
			case 'n':
				r.literal("null")
				out = append(out, "")
			default:
				r.mismatch(field, "a string")
			}
		}
		r.leave()
		*dst = out
	case 'n':
		r.literal("null")
		*dst = nil
	default:
		r.mismatch(field, "a list")
	}
}

// count reads a number field that may come as an integer or a float
// (1.5e6); out-of-range values saturate; null leaves dst as it was.
func (r *wireReader) count(dst *int64, field string) {
	switch c := r.peek(); {
	case c == '-' || c >= '0' && c <= '9':
		if num := r.number(); num != nil {
			*dst = parseCount(num)
		}
	case c == 'n':
		r.literal("null")
	default:
		r.mismatch(field, "a number")
	}
}

// parseCount converts a checked JSON number, saturating.
func parseCount(num []byte) int64 {
	if n, err := strconv.ParseInt(string(num), 10, 64); err == nil {
		return n
	}
	x, _ := strconv.ParseFloat(string(num), 64) // ±Inf when out of range
	switch {
	case math.IsNaN(x):
		return 0
	case x >= math.MaxInt64:
		return math.MaxInt64
	case x <= math.MinInt64:
		return math.MinInt64
	}
	return int64(x)
}

// open starts reading an object field: true when it is an object, whose
// members the caller then reads with key until false, then calls close.
// null reports null (the caller resets the field); any other kind is a
// mismatch, skipped. The field is on the path until close.
func (r *wireReader) open(field string) (opened, null bool) {
	switch r.peek() {
	case '{':
		if !r.enter() {
			return false, false
		}
		r.i++
		r.path = append(r.path, field)
		return true, false
	case 'n':
		r.literal("null")
		return false, r.syntax == nil
	}
	r.mismatch(field, "an object")
	return false, false
}

func (r *wireReader) close() {
	r.path = r.path[:len(r.path)-1]
	r.leave()
}

// model reads one model object (or null, an empty model) into w.
func (r *wireReader) model(w *hubModel, tab internTable) {
	switch r.peek() {
	case '{':
	case 'n':
		r.literal("null")
		return
	default:
		r.mismatch("", "an object")
		return
	}
	if !r.enter() {
		return
	}
	r.i++
	for first := true; ; {
		k, ok := r.key(&first)
		if !ok {
			break
		}
		switch string(k) {
		case "id":
			r.str(&w.ID, "id")
		case "modelId":
			r.str(&w.ModelID, "modelId")
		case "author":
			r.shared(&w.Author, "author", tab)
		case "sha":
			r.str(&w.SHA, "sha")
		case "lastModified":
			r.str(&w.LastModified, "lastModified")
		case "gated":
			r.gatedValue(w)
		case "downloads":
			r.count(&w.Downloads, "downloads")
		case "likes":
			r.count(&w.Likes, "likes")
		case "tags":
			r.strings(&w.Tags, "tags", tab)
		case "pipeline_tag":
			r.shared(&w.PipelineTag, "pipeline_tag", tab)
		case "library_name":
			r.shared(&w.LibraryName, "library_name", tab)
		case "config":
			r.config(w, tab)
		case "cardData":
			r.card(w)
		case "siblings":
			r.siblings(w, tab)
		case "safetensors":
			r.safetensors(w)
		case "gguf":
			r.gguf(w)
		default:
			r.skip()
		}
	}
	r.leave()
}

// shared reads a string field whose values repeat across models.
func (r *wireReader) shared(dst *string, field string, tab internTable) {
	if r.peek() == '"' {
		*dst = tab.get(r.stringBytes())
		return
	}
	r.str(dst, field)
}

func (r *wireReader) config(w *hubModel, tab internTable) {
	opened, null := r.open("config")
	if null {
		w.hasConfig, w.ModelType, w.Architectures, w.hasQuant, w.QuantMethod = false, "", nil, false, ""
	}
	if !opened {
		return
	}
	w.hasConfig = true
	for first := true; ; {
		k, ok := r.key(&first)
		if !ok {
			break
		}
		switch string(k) {
		case "model_type":
			r.shared(&w.ModelType, "model_type", tab)
		case "architectures":
			r.strings(&w.Architectures, "architectures", tab)
		case "quantization_config":
			qo, qnull := r.open("quantization_config")
			if qnull {
				w.hasQuant, w.QuantMethod = false, ""
			}
			if !qo {
				continue
			}
			w.hasQuant = true
			for first := true; ; {
				k, ok := r.key(&first)
				if !ok {
					break
				}
				if string(k) == "quant_method" {
					r.str(&w.QuantMethod, "quant_method")
				} else {
					r.skip()
				}
			}
			r.close()
		default:
			r.skip()
		}
	}
	r.close()
}

func (r *wireReader) card(w *hubModel) {
	opened, null := r.open("cardData")
	if null {
		w.License = ""
	}
	if !opened {
		return
	}
	for first := true; ; {
		k, ok := r.key(&first)
		if !ok {
			break
		}
		if string(k) == "license" {
			w.License = r.license()
		} else {
			r.skip()
		}
	}
	r.close()
}

func (r *wireReader) safetensors(w *hubModel) {
	opened, null := r.open("safetensors")
	if null {
		w.hasSafetensors, w.SafetensorsTotal = false, 0
	}
	if !opened {
		return
	}
	w.hasSafetensors = true
	for first := true; ; {
		k, ok := r.key(&first)
		if !ok {
			break
		}
		if string(k) == "total" {
			r.count(&w.SafetensorsTotal, "total")
		} else {
			r.skip()
		}
	}
	r.close()
}

func (r *wireReader) gguf(w *hubModel) {
	opened, null := r.open("gguf")
	if null {
		w.hasGGUF, w.GGUFArchitecture, w.GGUFContextLength, w.GGUFTotal = false, "", 0, 0
	}
	if !opened {
		return
	}
	w.hasGGUF = true
	for first := true; ; {
		k, ok := r.key(&first)
		if !ok {
			break
		}
		switch string(k) {
		case "architecture":
			r.str(&w.GGUFArchitecture, "architecture")
		case "context_length":
			r.count(&w.GGUFContextLength, "context_length")
		case "total":
			r.count(&w.GGUFTotal, "total")
		default:
			r.skip()
		}
	}
	r.close()
}

// siblings reads the file list: objects whose rfilename is kept.
func (r *wireReader) siblings(w *hubModel, tab internTable) {
	switch r.peek() {
	case '[':
	case 'n':
		r.literal("null")
		w.hasSiblings, w.Siblings = false, nil
		return
	default:
		r.mismatch("siblings", "a list")
		return
	}
	if !r.enter() {
		return
	}
	r.i++
	out := []string{}
	for first := true; r.next(&first, ']'); {
		opened, _ := r.open("siblings")
		if !opened {
			continue
		}
		name := ""
		for first := true; ; {
			k, ok := r.key(&first)
			if !ok {
				break
			}
			if string(k) == "rfilename" {
				r.shared(&name, "rfilename", tab)
			} else {
				r.skip()
			}
		}
		r.close()
		if name != "" {
			out = append(out, name)
		}
	}
	r.leave()
	w.hasSiblings, w.Siblings = true, out
}

// gatedValue reads gated: false, "auto", "manual" (true is taken as
// "auto"); null is not gated; another kind is remembered for raw to
// refuse.
func (r *wireReader) gatedValue(w *hubModel) {
	w.badGated = ""
	switch c := r.peek(); c {
	case '"':
		w.gated = string(r.stringBytes())
	case 't':
		r.literal("true")
		w.gated = "auto"
	case 'f':
		r.literal("false")
		w.gated = ""
	case 'n':
		r.literal("null")
		w.gated = ""
	default:
		switch c {
		case '{':
			w.badGated = "an object"
		case '[':
			w.badGated = "a list"
		default:
			w.badGated = "a number"
		}
		w.gated = ""
		r.skip()
	}
}

// license reads cardData.license: a string, or a list whose strings are
// joined with ", "; anything else is no licence, being the author's YAML.
func (r *wireReader) license() string {
	switch r.peek() {
	case '"':
		return string(r.stringBytes())
	case '[':
		if !r.enter() {
			return ""
		}
		r.i++
		var out []string
		first := true
		for r.next(&first, ']') {
			if r.peek() == '"' {
				if s := r.stringBytes(); len(s) > 0 {
					out = append(out, string(s))
				}
			} else {
				r.skip()
			}
		}
		r.leave()
		return strings.Join(out, ", ")
	}
	r.skip()
	return ""
}

// fault turns what went wrong into the error for what ("the model",
// "model 3 of the list"); nil when nothing did. A list cut short says so;
// a single model cut short is invalid JSON at its end, as encoding/json
// put it.
func (r *wireReader) fault(what string) error {
	switch f := r.syntax; {
	case f != nil && f.eof && r.single:
		return newError(BadResponse, nil, "%s is not valid JSON (at byte %d)", what, len(r.b))
	case f != nil && f.eof:
		return newError(BadResponse, nil, "%s is empty or cut short", what)
	case f != nil:
		return newError(BadResponse, nil, "%s is not valid JSON (at byte %d)", what, f.offset+1)
	}
	if f := r.mism; f != nil {
		field := f.field
		if field == "" {
			field = "the top level"
		}
		return newError(BadResponse, nil, "%s: %s: expected %s, got %s", what, field, f.want, f.got)
	}
	return nil
}

// raw turns the wire shape into compat.Raw, checking what must hold.
func (w *hubModel) raw() (compat.Raw, error) {
	id := w.ID
	if id == "" {
		id = w.ModelID
	}
	if id == "" {
		return compat.Raw{}, newError(BadResponse, nil, "a model object has no id")
	}
	if w.badGated != "" {
		return compat.Raw{}, newError(BadResponse, nil, "model %q: gated: expected false or a string, got %s", oneLine(id, 100), w.badGated)
	}
	r := compat.Raw{
		ID:          id,
		Tags:        w.Tags,
		LibraryName: w.LibraryName,
		Gated:       w.gated,
		Author:      w.Author,
		Downloads:   w.Downloads,
		Likes:       w.Likes,
		PipelineTag: w.PipelineTag,
		SHA:         w.SHA,
		License:     w.License,
	}
	if t, err := time.Parse(time.RFC3339, w.LastModified); err == nil {
		r.LastModified = t
	}
	if w.hasConfig {
		r.ConfigModelType = w.ModelType
		r.ConfigArchitectures = w.Architectures
		if w.hasQuant {
			r.QuantMethod = w.QuantMethod
		}
	}
	if w.hasSiblings {
		r.HasSiblings = true
		r.Siblings = w.Siblings
	}
	if w.hasSafetensors {
		r.HasSafetensors = true
		r.SafetensorsTotal = w.SafetensorsTotal
	}
	if w.hasGGUF {
		r.HasGGUF = true
		r.GGUFArchitecture = w.GGUFArchitecture
		r.GGUFContextLength = w.GGUFContextLength
		r.GGUFTotal = w.GGUFTotal
	}
	return r, nil
}

// atEnd skips whitespace and reports whether the input is over.
func (r *wireReader) atEnd() bool {
	r.ws()
	return r.i >= len(r.b)
}

// readModel decodes one model object that is the whole body.
func readModel(body []byte) (compat.Raw, error) {
	r := wireReader{b: body, single: true}
	if r.atEnd() {
		return compat.Raw{}, newError(BadResponse, nil, "the model is empty or cut short") // an empty 200
	}
	var w hubModel
	r.model(&w, nil)
	if r.syntax == nil && !r.atEnd() {
		r.fail() // data after the object
	}
	if err := r.fault("the model"); err != nil {
		return compat.Raw{}, err
	}
	return w.raw()
}

// readList decodes a list answer: a JSON array of model objects. An error
// names the model it is about.
func readList(body []byte) ([]compat.Model, error) {
	r := wireReader{b: body}
	if r.atEnd() {
		return nil, newError(BadResponse, nil, "the model list is empty or cut short")
	}
	if c := r.b[r.i]; c != '[' {
		kind := ""
		switch c {
		case '{':
			kind = "an object"
		case '"':
			kind = "a string"
		case 't', 'f':
			kind = "a boolean"
		case 'n':
			kind = "null"
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			kind = "a number"
		}
		if kind == "" {
			r.fail()
			return nil, r.fault("the model list")
		}
		return nil, newError(BadResponse, nil, "the model list is not a JSON array (got %s)", kind)
	}
	r.i++
	tab := internTable{}
	models := make([]compat.Model, 0, len(body)/2048+1)
	for i, first := 0, true; r.next(&first, ']'); i++ {
		var w hubModel
		r.model(&w, tab)
		if r.syntax != nil || r.mism != nil {
			return nil, r.fault(fmt.Sprintf("model %d of the list", i))
		}
		raw, err := w.raw()
		if err != nil {
			return nil, newError(BadResponse, err, "model %d of the list: %s", i, err.(*Error).Message)
		}
		models = append(models, compat.Derive(raw))
	}
	if err := r.fault("the model list"); err != nil {
		return nil, err
	}
	if !r.atEnd() {
		return nil, newError(BadResponse, nil, "the model list has data after its end")
	}
	return models, nil
}
