// judgedcodec stores judged models (compat.Judged: a model's facts and
// its verdict) in a compact binary form, so that a page of search results
// judged once can be read back without decoding the Hub's JSON or running
// the engine again. What the bytes mean, and when they may be reused, is
// the caller's business: this package only encodes and decodes, and never
// panics on damaged input.
//
// The form: the magic "MBJ1", a table of the distinct strings (a count, each
// length, then the bytes of them all), the total number of elements of the
// string, message, evidence and worker slices (so each kind is one
// allocation), the number of models, then each
// model's fields in declaration order: strings as indexes into the table,
// integers as varints, booleans as a byte, a slice as its length plus one
// (0 for nil, which JSON prints as null), a pointer as a flag then its value,
// a time as time.Time's binary form.
package main

import (
	"encoding/binary"
	"errors"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

const judgedMagic = "MBJ1"

// errCorruptJudged is returned by Decode for bytes it did not write.
var errCorruptJudged = errors.New("stored verdicts: corrupt data")

type judgedEncoder struct {
	b     []byte
	index map[string]uint64
	table []string
	// elements of the slices written, so Decode can make one backing
	// array of each kind
	nStrs, nMsgs, nEvs, nWorkers uint64
}

func (e *judgedEncoder) str(s string) {
	i, ok := e.index[s]
	if !ok {
		i = uint64(len(e.table))
		e.index[s] = i
		e.table = append(e.table, s)
	}
	e.b = binary.AppendUvarint(e.b, i)
}

func (e *judgedEncoder) strs(ss []string) {
	if ss == nil {
		e.b = append(e.b, 0)
		return
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(ss))+1)
	e.nStrs += uint64(len(ss))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *judgedEncoder) int(n int64) { e.b = binary.AppendVarint(e.b, n) }

func (e *judgedEncoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *judgedEncoder) intPtr(n *int64) {
	e.bool(n != nil)
	if n != nil {
		e.int(*n)
	}
}

func (e *judgedEncoder) messages(ms []compat.Message) {
	if ms == nil {
		e.b = append(e.b, 0)
		return
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(ms))+1)
	e.nMsgs += uint64(len(ms))
	for _, m := range ms {
		e.str(m.Code)
		e.str(m.Message)
	}
}

func (e *judgedEncoder) model(m *compat.Model) {
	e.str(m.ID)
	e.str(m.Architecture.Value)
	e.str(m.Architecture.Source)
	e.strs(m.Formats.Values)
	e.str(m.Formats.Source)
	e.int(m.ContextLength.Value)
	e.str(m.ContextLength.Source)
	e.int(m.Parameters.Value)
	e.str(m.Parameters.Source)
	e.str(m.Gated)
	e.str(m.Author)
	e.int(m.Downloads)
	e.int(m.Likes)
	e.strs(m.Tags)
	e.str(m.PipelineTag)
	e.str(m.LibraryName)
	e.str(m.License)
	t, _ := m.LastModified.MarshalBinary() // fails only for offsets no Hub date has
	e.b = binary.AppendUvarint(e.b, uint64(len(t)))
	e.b = append(e.b, t...)
	e.str(m.SHA)
	e.strs(m.Files)
}

func (e *judgedEncoder) verdict(v *compat.Verdict) {
	e.str(v.ID)
	e.bool(v.Compatible)
	e.str(string(v.Confidence))
	e.str(v.Architecture)
	e.str(v.Family)
	e.strs(v.Formats)
	e.intPtr(v.ContextLength)
	e.intPtr(v.Parameters)
	e.bool(v.Gated)
	e.messages(v.Reasons)
	e.messages(v.Warnings)
	e.strs(v.Recommendations)
	if v.Evidence == nil {
		e.b = append(e.b, 0)
	} else {
		e.b = binary.AppendUvarint(e.b, uint64(len(v.Evidence))+1)
		e.nEvs += uint64(len(v.Evidence))
		for _, ev := range v.Evidence {
			e.str(ev.Fact)
			e.str(ev.Value)
			e.str(ev.Source)
		}
	}
	if v.Workers == nil {
		e.b = append(e.b, 0)
	} else {
		e.b = binary.AppendUvarint(e.b, uint64(len(v.Workers))+1)
		e.nWorkers += uint64(len(v.Workers))
		for i := range v.Workers {
			w := &v.Workers[i]
			e.str(w.Name)
			e.bool(w.Compatible)
			e.str(string(w.Confidence))
			e.str(w.Format)
			e.messages(w.Reasons)
			e.messages(w.Warnings)
			e.int(w.MaxContext)
		}
	}
	e.str(v.RecommendedWorker)
}

// Encode returns the compact form of js.
func encodeJudged(js []compat.Judged) []byte {
	e := judgedEncoder{index: map[string]uint64{}, b: make([]byte, 0, 64*len(js)+16)}
	e.b = binary.AppendUvarint(e.b, uint64(len(js)))
	for i := range js {
		e.model(&js[i].Model)
		e.verdict(&js[i].Verdict)
	}
	size := len(judgedMagic) + binary.MaxVarintLen64*(5+len(e.table)) + len(e.b)
	for _, s := range e.table {
		size += len(s)
	}
	out := make([]byte, 0, size)
	out = append(out, judgedMagic...)
	out = binary.AppendUvarint(out, uint64(len(e.table)))
	for _, s := range e.table {
		out = binary.AppendUvarint(out, uint64(len(s)))
	}
	for _, s := range e.table {
		out = append(out, s...)
	}
	for _, n := range []uint64{e.nStrs, e.nMsgs, e.nEvs, e.nWorkers} {
		out = binary.AppendUvarint(out, n)
	}
	return append(out, e.b...)
}

// decoder reads what encoder wrote. The first fault sets bad; every read
// after it returns zero values, so Decode checks once at the end.
type judgedDecoder struct {
	b     []byte
	table []string
	bad   bool
	// backing arrays shared by the page's slices, carved with full slice
	// expressions so that appending to one never writes into another
	strs    []string
	msgs    []compat.Message
	evs     []compat.Evidence
	workers []compat.WorkerResult
}

// take returns the next n elements of a backing array, capped so that
// appending to one slice never writes into the next; false when the
// array, sized by the header, is too short (damaged data).
func take[T any](backing *[]T, n int) ([]T, bool) {
	if len(*backing) < n {
		return nil, false
	}
	out := (*backing)[:n:n]
	*backing = (*backing)[n:]
	return out, true
}

// fail marks the data damaged and stops reading it.
func (d *judgedDecoder) fail() {
	d.bad = true
	d.b = nil
}

// list reads a slice written as a count: its elements come from one of the
// decoder's backing arrays, each filled by one.
func list[T any](d *judgedDecoder, backing *[]T, one func(*T)) []T {
	n := d.count()
	if n < 0 {
		return nil
	}
	out, ok := take(backing, n)
	if !ok {
		d.fail()
		return nil
	}
	for i := range out {
		one(&out[i])
	}
	return out
}

func (d *judgedDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *judgedDecoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *judgedDecoder) bool() bool {
	if len(d.b) == 0 || d.b[0] > 1 {
		d.fail()
		return false
	}
	v := d.b[0] == 1
	d.b = d.b[1:]
	return v
}

func (d *judgedDecoder) str() string {
	i := d.uvarint()
	if i >= uint64(len(d.table)) {
		d.fail()
		return ""
	}
	return d.table[i]
}

// count reads a slice length plus one: -1 for nil. A length longer than
// what is left to read (every element takes a byte at least) is a fault,
// so damaged data never makes Decode allocate much.
func (d *judgedDecoder) count() int {
	n := d.uvarint()
	switch {
	case n == 0:
		return -1
	case n-1 > uint64(len(d.b)):
		d.fail()
		return -1
	}
	return int(n - 1)
}

func (d *judgedDecoder) strings() []string {
	return list(d, &d.strs, func(s *string) { *s = d.str() })
}

func (d *judgedDecoder) messages() []compat.Message {
	return list(d, &d.msgs, func(m *compat.Message) { *m = compat.Message{Code: d.str(), Message: d.str()} })
}

func (d *judgedDecoder) intPtr() *int64 {
	if !d.bool() {
		return nil
	}
	n := d.int()
	return &n
}

func (d *judgedDecoder) model(m *compat.Model) {
	m.ID = d.str()
	m.Architecture = compat.String{Value: d.str(), Source: d.str()}
	m.Formats.Values = d.strings()
	m.Formats.Source = d.str()
	m.ContextLength = compat.Int{Value: d.int(), Source: d.str()}
	m.Parameters = compat.Int{Value: d.int(), Source: d.str()}
	m.Gated = d.str()
	m.Author = d.str()
	m.Downloads = d.int()
	m.Likes = d.int()
	m.Tags = d.strings()
	m.PipelineTag = d.str()
	m.LibraryName = d.str()
	m.License = d.str()
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return
	}
	if err := m.LastModified.UnmarshalBinary(d.b[:n]); err != nil {
		d.fail()
		return
	}
	d.b = d.b[n:]
	m.SHA = d.str()
	m.Files = d.strings()
}

func (d *judgedDecoder) verdict(v *compat.Verdict) {
	v.ID = d.str()
	v.Compatible = d.bool()
	v.Confidence = compat.Confidence(d.str())
	v.Architecture = d.str()
	v.Family = d.str()
	v.Formats = d.strings()
	v.ContextLength = d.intPtr()
	v.Parameters = d.intPtr()
	v.Gated = d.bool()
	v.Reasons = d.messages()
	v.Warnings = d.messages()
	v.Recommendations = d.strings()
	v.Evidence = list(d, &d.evs, func(e *compat.Evidence) {
		*e = compat.Evidence{Fact: d.str(), Value: d.str(), Source: d.str()}
	})
	v.Workers = list(d, &d.workers, func(w *compat.WorkerResult) {
		w.Name = d.str()
		w.Compatible = d.bool()
		w.Confidence = compat.Confidence(d.str())
		w.Format = d.str()
		w.Reasons = d.messages()
		w.Warnings = d.messages()
		w.MaxContext = d.int()
	})
	v.RecommendedWorker = d.str()
}

// Decode reads what Encode wrote. Bytes it did not write are errCorruptJudged
// (never a panic); a caller that checksums its storage will see that only
// for data of another version.
func decodeJudged(b []byte) ([]compat.Judged, error) {
	if len(b) < len(judgedMagic) || string(b[:len(judgedMagic)]) != judgedMagic {
		return nil, errCorruptJudged
	}
	d := judgedDecoder{b: b[len(judgedMagic):]}
	n := d.uvarint()
	if d.bad || n > uint64(len(d.b)) {
		return nil, errCorruptJudged
	}
	lens := make([]uint64, n)
	total := uint64(0)
	for i := range lens {
		lens[i] = d.uvarint()
		total += lens[i]
		if d.bad || total > uint64(len(d.b)) {
			return nil, errCorruptJudged
		}
	}
	// One string holds every string of the page; the table slices it.
	blob := string(d.b[:total])
	d.b = d.b[total:]
	d.table = make([]string, n)
	off := uint64(0)
	for i, l := range lens {
		d.table[i] = blob[off : off+l]
		off += l
	}
	// The backing arrays, each element of which takes a byte at least.
	var sizes [4]uint64
	for i := range sizes {
		sizes[i] = d.uvarint()
		if d.bad || sizes[i] > uint64(len(d.b)) {
			return nil, errCorruptJudged
		}
	}
	d.strs = make([]string, sizes[0])
	d.msgs = make([]compat.Message, sizes[1])
	d.evs = make([]compat.Evidence, sizes[2])
	d.workers = make([]compat.WorkerResult, sizes[3])
	count := d.uvarint()
	if d.bad || count > uint64(len(d.b)) {
		return nil, errCorruptJudged
	}
	js := make([]compat.Judged, count)
	for i := range js {
		d.model(&js[i].Model)
		d.verdict(&js[i].Verdict)
		if d.bad {
			return nil, errCorruptJudged
		}
	}
	if len(d.b) != 0 {
		return nil, errCorruptJudged
	}
	return js, nil
}
