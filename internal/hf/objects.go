package hf

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// Objects reads Hub model JSON a caller already holds (modelbrowser judge):
// one object, pretty-printed or not, a JSON array of objects, or JSON lines
// (one object a line), told apart by the content:
//
//   - the first character (after a byte order mark and whitespace) is "[":
//     an array, each element yielded as "element N";
//   - the first line is a JSON value on its own, or the second line is one
//     and the first a value cut short: JSON lines, each line yielded as
//     "line N" (blank lines are skipped, a CR before the LF is whitespace);
//   - otherwise (the first line opens a value it does not close, as a
//     pretty-printed object does): a sequence of JSON values, each
//     yielded as "line N", N the line it starts on.
//
// The reading streams: only the value at hand is held, so memory does not
// grow with the input. A JSON line that is not valid JSON is yielded as it
// is (the caller's decoder says why) and the next line is read: one bad line
// never loses the others. A line longer than maxLine is skipped unread
// (Object.Skip). In an array or a sequence of values, a syntax error ends
// the reading (nothing after it can be delimited) with one Object whose
// Skip says so. A read error ends the iteration with Object.Err.
//
// Object.Value is valid only until the next iteration.
func Objects(r io.Reader, maxLine int) iter.Seq[Object] {
	return func(yield func(Object) bool) {
		o := &objectReader{br: bufio.NewReaderSize(r, 256<<10), max: maxLine, yield: yield}
		o.run()
	}
}

// Where is "element N" for an element of an array, else "line N".
func (o Object) Where() string {
	if o.Element > 0 {
		return fmt.Sprintf("element %d", o.Element)
	}
	return fmt.Sprintf("line %d", o.Line)
}

// Object is one value of the input of Objects.
type Object struct {
	// Value is the JSON text (nil when Skip or Err is set).
	Value []byte
	// Line is the line the value starts on (1-based); Element, when not
	// 0, its place in an array (1-based).
	Line, Element int
	// Skip, when not empty, says why this part of the input was skipped
	// without a value.
	Skip string
	// Err is an error reading the input; it is the last Object.
	Err error
}

type objectReader struct {
	br    *bufio.Reader
	max   int
	yield func(Object) bool
	buf   []byte // the current line when it is longer than br's buffer
	line  int    // lines read so far
	stop  bool
}

func (o *objectReader) emit(ob Object) {
	if !o.stop && !o.yield(ob) {
		o.stop = true
	}
}

// readLine returns the next line without its LF, and whether it was cut
// (longer than max: the rest is skipped); io.EOF when there is none.
func (o *objectReader) readLine() ([]byte, bool, error) {
	s, err := o.br.ReadSlice('\n')
	if err == nil || (err == io.EOF && len(s) > 0) {
		o.line++
		return bytes.TrimSuffix(s, []byte("\n")), false, nil
	}
	if err != bufio.ErrBufferFull {
		return nil, false, err
	}
	o.buf = append(o.buf[:0], s...)
	cut := false
	for {
		s, err = o.br.ReadSlice('\n')
		if !cut {
			if len(o.buf)+len(s) > o.max {
				cut = true
				o.buf = o.buf[:0]
			} else {
				o.buf = append(o.buf, s...)
			}
		}
		switch err {
		case nil, io.EOF:
			o.line++
			if len(o.buf) > 4<<20 && len(o.buf) > cap(o.buf)/2 {
				// Keep no huge buffer after a huge line.
				defer func() { o.buf = nil }()
			}
			return bytes.TrimSuffix(o.buf, []byte("\n")), cut, nil
		case bufio.ErrBufferFull:
			continue
		default:
			return nil, false, err
		}
	}
}

func (o *objectReader) run() {
	// A UTF-8 byte order mark is no JSON: skip it.
	if b, err := o.br.Peek(3); err == nil && bytes.Equal(b, []byte{0xef, 0xbb, 0xbf}) {
		o.br.Discard(3)
	}
	// Skip the blank lines before the first value, counting them.
	var first []byte
	for {
		c, err := o.br.Peek(1)
		if err != nil {
			if err != io.EOF {
				o.emit(Object{Err: err})
			}
			return
		}
		switch c[0] {
		case ' ', '\t', '\r':
			o.br.Discard(1)
			continue
		case '\n':
			o.br.Discard(1)
			o.line++
			continue
		case '[':
			o.values(o.br, true)
			return
		}
		break
	}
	first, cut, err := o.readLine()
	if err != nil {
		o.emit(Object{Err: err})
		return
	}
	if cut || isValue(first) || !isPrefix(first) {
		o.lines(first, cut)
		return
	}
	// The first line opens a value: a pretty-printed object, or a JSON
	// line cut short followed by whole ones.
	held := append([]byte(nil), first...)
	firstLine := o.line
	second, cut2, err := o.readLine()
	switch {
	case err == io.EOF:
		o.emit(Object{Value: held, Line: firstLine})
		return
	case err != nil:
		o.emit(Object{Err: err})
		return
	case !cut2 && isValue(second) && bytes.HasPrefix(bytes.TrimLeft(second, " \t"), []byte("{")):
		o.emit(Object{Value: held, Line: firstLine})
		if !o.stop {
			o.lines(second, false)
		}
		return
	}
	// A sequence of values: the lines read so far, then the rest.
	o.line = firstLine - 1
	head := append(append(held, '\n'), second...)
	head = append(head, '\n')
	o.values(io.MultiReader(bytes.NewReader(head), o.br), false)
}

// lines reads JSON lines, the first of which (already read) is first.
func (o *objectReader) lines(first []byte, cut bool) {
	l := first
	for !o.stop {
		switch {
		case cut:
			o.emit(Object{Line: o.line, Skip: fmt.Sprintf("longer than %d MiB", o.max>>20)})
		case len(bytes.Trim(l, " \t\r")) > 0:
			o.emit(Object{Value: l, Line: o.line})
		}
		var err error
		l, cut, err = o.readLine()
		if err == io.EOF {
			return
		}
		if err != nil {
			o.emit(Object{Err: err})
			return
		}
	}
}

// values reads JSON values one after another, or (array) the elements of
// one array, with a decoder: a value may span lines.
func (o *objectReader) values(r io.Reader, array bool) {
	nl := &newlines{r: r}
	dec := jsontext.NewDecoder(nl, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	base := o.line // lines before r
	lineAt := func(off int64) int { return base + 1 + nl.before(off) }
	n := 0
	if array {
		if _, err := dec.ReadToken(); err != nil {
			o.emit(o.broken(err, Object{Line: lineAt(dec.InputOffset())}, lineAt))
			return
		}
	}
	for !o.stop {
		if array && dec.PeekKind() == ']' {
			if _, err := dec.ReadToken(); err != nil {
				o.emit(o.broken(err, Object{Line: lineAt(dec.InputOffset())}, lineAt))
				return
			}
			if _, err := dec.ReadToken(); err != io.EOF {
				o.emit(Object{Line: lineAt(dec.InputOffset()), Skip: "data after the end of the array; not read"})
			}
			return
		}
		v, err := dec.ReadValue()
		if err == io.EOF && !array {
			return
		}
		n++
		at := Object{Line: lineAt(dec.InputOffset() - int64(len(v)))}
		if array {
			at.Element = n
		}
		if err != nil {
			at.Line = lineAt(dec.InputOffset())
			o.emit(o.broken(err, at, lineAt))
			return
		}
		if len(v) > o.max {
			at.Skip = fmt.Sprintf("longer than %d MiB", o.max>>20)
		} else {
			at.Value = v
		}
		o.emit(at)
		nl.forget(dec.InputOffset())
	}
}

// broken is the last Object of an array or sequence that stops being
// JSON: what was cut, where, and that the rest cannot be read.
func (o *objectReader) broken(err error, at Object, lineAt func(int64) int) Object {
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		at.Line = lineAt(se.ByteOffset)
	}
	if se != nil || errors.Is(err, io.ErrUnexpectedEOF) {
		at.Skip = fmt.Sprintf("not valid JSON (line %d); the rest of the input cannot be read", at.Line)
		return at
	}
	return Object{Err: err}
}

// isValue reports whether line is one whole JSON value.
func isValue(line []byte) bool {
	return jsontext.Value(line).IsValid(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
}

// isPrefix reports whether line begins a JSON value it does not end.
func isPrefix(line []byte) bool {
	dec := jsontext.NewDecoder(bytes.NewReader(line), jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	_, err := dec.ReadValue()
	return errors.Is(err, io.ErrUnexpectedEOF)
}

// newlines passes a reader through, remembering where its newlines are
// until they are forgotten, so a decoder's offsets can be told as lines.
type newlines struct {
	r       io.Reader
	off     int64   // bytes read so far
	pending []int64 // offsets of the newlines not yet forgotten
	gone    int     // newlines forgotten
}

func (n *newlines) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	for i, b := 0, p[:k]; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			break
		}
		n.pending = append(n.pending, n.off+int64(i+j))
		i += j + 1
	}
	n.off += int64(k)
	return k, err
}

// before counts the newlines before offset off.
func (n *newlines) before(off int64) int {
	c := n.gone
	for _, p := range n.pending {
		if p >= off {
			break
		}
		c++
	}
	return c
}

// forget drops the newlines before off: no value starts there any more.
func (n *newlines) forget(off int64) {
	i := 0
	for i < len(n.pending) && n.pending[i] < off {
		i++
	}
	n.gone += i
	n.pending = append(n.pending[:0], n.pending[i:]...)
}

// ExtractObject is Extract for a value Objects yielded, in one pass when
// it decodes (Extract checks the syntax first, then decodes); the error,
// when it does not, is Extract's.
func ExtractObject(v []byte) (compat.Raw, error) {
	r, _, reason := decodeOne(v)
	if reason == "" {
		return r, nil
	}
	_, _, err := Extract(v)
	if err == nil {
		err = newError(BadResponse, nil, "the model: %s", reason)
	}
	return compat.Raw{}, err
}
