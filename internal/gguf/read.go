package gguf

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Info holds the header keys modelbrowser needs. Zero means absent.
type Info struct {
	Architecture    string   // general.architecture
	BlockCount      uint64   // {arch}.block_count
	ContextLength   uint64   // {arch}.context_length
	EmbeddingLength uint64   // {arch}.embedding_length
	HeadCount       uint64   // {arch}.attention.head_count (max when an array)
	HeadCountKV     []uint64 // {arch}.attention.head_count_kv: one value for all layers, or one per layer
	KeyLength       uint64   // {arch}.attention.key_length
	ValueLength     uint64   // {arch}.attention.value_length
	SlidingWindow   uint64   // {arch}.attention.sliding_window
	SlidingPattern  []bool   // {arch}.attention.sliding_window_pattern when an array of bools (true = sliding)
	VocabSize       uint64   // element count of tokenizer.ggml.tokens
	FeedForward     uint64   // {arch}.feed_forward_length (max when an array)
	// Tensors sums the tensor infos; nil unless Options.Tensors asked for
	// them, or when a tensor has a type this package does not know.
	Tensors *Tensors `json:",omitempty"`
}

// Options change what ReadWith reads.
type Options struct {
	// Tensors reads on past the key/values to the end of the tensor
	// infos and sums them in Info.Tensors (the speed estimate and the
	// layer split need them; the memory estimate does not).
	Tensors bool
}

// Missing lists the needed keys that are absent (zero) in i, by their GGUF
// names, in a fixed order; it is empty when all were read.
func (i Info) Missing() []string {
	arch := i.Architecture
	if arch == "" {
		arch = "{arch}"
	}
	var m []string
	if i.Architecture == "" {
		m = append(m, "general.architecture")
	}
	if i.BlockCount == 0 {
		m = append(m, arch+".block_count")
	}
	if i.HeadCount == 0 {
		m = append(m, arch+".attention.head_count")
	}
	if len(i.HeadCountKV) == 0 {
		m = append(m, arch+".attention.head_count_kv")
	}
	if i.EmbeddingLength == 0 {
		m = append(m, arch+".embedding_length")
	}
	if i.VocabSize == 0 {
		m = append(m, "tokenizer.ggml.tokens")
	}
	return m
}

// Limits of what Read keeps. Values beyond them are malformed (llama.cpp uses
// 32-bit token ids and at most a few hundred layers).
const (
	maxKeyLen      = 256     // longer keys are skipped: none of ours is that long
	maxArchLen     = 128     // general.architecture longer than this is an error
	maxLayerArray  = 1 << 16 // per-layer arrays kept in Info
	maxVocab       = 1 << 31 // token ids are int32 in llama.cpp
	maxPrefixes    = 8       // distinct {arch} prefixes remembered before general.architecture
	maxArrayDepth  = 1       // arrays of arrays are rejected, as llama.cpp does
	bufferSize     = 64 << 10
	tokensKey      = "tokenizer.ggml.tokens"
	architectureKy = "general.architecture"
)

// Read reads the GGUF header at the start of r and returns the keys of Info.
// See ReadCount.
func Read(r io.Reader, max int64) (Info, error) {
	info, _, err := ReadCount(r, max)
	return info, err
}

// ReadCount reads the GGUF header (v1, v2 or v3, little- or big-endian) at the
// start of r and returns the keys of Info and the number of bytes it consumed.
//
// It stops as soon as general.architecture, {arch}.block_count,
// {arch}.attention.head_count, {arch}.attention.head_count_kv,
// {arch}.embedding_length and the element count of tokenizer.ggml.tokens are
// known (the optional keys of Info are taken when they come before that point),
// else at the end of the key/values; it never reads tensor infos. The strings of
// tokenizer.ggml.tokens are skipped by their lengths only when a needed key is
// still missing after the array's header.
//
// It never pulls more than max bytes from r (it may buffer up to 64 KiB beyond
// what it consumes, within max): a header that would need more fails with
// ErrTooLarge. Input that ends inside the header fails with ErrTruncated, a
// header this package cannot read with ErrFormat, and a failing r with ErrRead;
// the message says after how many bytes. On error the Info holds what was read
// so far. Architecture is returned as the file has it: it is data from the
// Hub, to be stripped of control characters before it reaches a terminal.
func ReadCount(r io.Reader, max int64) (Info, int64, error) {
	return ReadWith(r, max, Options{})
}

// ReadWith is ReadCount with options. With Options.Tensors it reads every
// key/value (skipping the token strings by their lengths) and then the
// tensor infos, within the same limit, and stops at their end; the shape
// keys are read as ReadCount reads them. A tensor of a type this package
// does not know leaves Info.Tensors nil (the shape is still returned, with
// no error).
func ReadWith(r io.Reader, max int64, o Options) (Info, int64, error) {
	if max < 0 {
		max = 0
	}
	d := &decoder{br: bufio.NewReaderSize(io.LimitReader(r, max), bufferSize), max: max, opts: o}
	err := d.header()
	return d.result(), d.n, err
}

// seen bits of the needed keys.
const (
	seenBlocks = 1 << iota
	seenHeads
	seenHeadsKV
	seenEmbd
	seenAll = seenBlocks | seenHeads | seenHeadsKV | seenEmbd
)

type shape struct {
	info Info
	seen int
}

type decoder struct {
	br      *bufio.Reader
	n, max  int64
	order   binary.ByteOrder
	v1      bool
	scratch [8]byte
	key     [maxKeyLen]byte
	cur     []byte // the key being read, or nil; for errors

	arch      string
	vocab     uint64
	vocabSeen bool
	shapes    map[string]*shape

	opts         Options
	tensorCount  uint64
	split        uint64
	splitTensors uint64
	tensors      *Tensors
}

func (d *decoder) result() Info {
	var info Info
	if s := d.shapes[d.arch]; d.arch != "" && s != nil {
		info = s.info
	}
	info.Architecture = d.arch
	info.VocabSize = d.vocab
	info.Tensors = d.tensors
	return info
}

// done reports whether every needed key has been read (never, when the
// tensor infos after the key/values are wanted).
func (d *decoder) done() bool {
	if d.opts.Tensors || d.arch == "" || !d.vocabSeen {
		return false
	}
	s := d.shapes[d.arch]
	return s != nil && s.seen == seenAll
}

func (d *decoder) errorf(base error, format string, args ...any) error {
	return fmt.Errorf("%w: %s (after %d bytes)", base, fmt.Sprintf(format, args...), d.n)
}

// where names what is being read, for errors only (so that the hot path does
// not build strings): the part and the current key.
func (d *decoder) where(what string) string {
	if d.cur == nil {
		return what
	}
	return fmt.Sprintf("%s of key %q", what, d.cur)
}

// need fails with ErrTooLarge unless k more bytes fit in the limit.
func (d *decoder) need(k uint64, what string) error {
	if k > uint64(d.max-d.n) {
		return fmt.Errorf("%w: %s needs %d more bytes after %d, over the limit of %d", ErrTooLarge, d.where(what), k, d.n, d.max)
	}
	return nil
}

func (d *decoder) failed(err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: input ended after %d bytes, in %s", ErrTruncated, d.n, d.where(what))
	}
	return fmt.Errorf("%w: %s after %d bytes: %v", ErrRead, d.where(what), d.n, err)
}

func (d *decoder) read(p []byte, what string) error {
	if err := d.need(uint64(len(p)), what); err != nil {
		return err
	}
	m, err := io.ReadFull(d.br, p)
	d.n += int64(m)
	if err != nil {
		return d.failed(err, what)
	}
	return nil
}

func (d *decoder) skip(k uint64, what string) error {
	if err := d.need(k, what); err != nil {
		return err
	}
	for k > 0 {
		step := min(k, 1<<30)
		m, err := d.br.Discard(int(step))
		d.n += int64(m)
		if err != nil {
			return d.failed(err, what)
		}
		k -= step
	}
	return nil
}

func (d *decoder) u32(what string) (uint32, error) {
	if err := d.read(d.scratch[:4], what); err != nil {
		return 0, err
	}
	return d.order.Uint32(d.scratch[:4]), nil
}

func (d *decoder) u64(what string) (uint64, error) {
	if err := d.read(d.scratch[:8], what); err != nil {
		return 0, err
	}
	return d.order.Uint64(d.scratch[:8]), nil
}

// count reads a count or string length: 32 bits in GGUF v1, 64 bits after.
func (d *decoder) count(what string) (uint64, error) {
	if d.v1 {
		v, err := d.u32(what)
		return uint64(v), err
	}
	return d.u64(what)
}

func (d *decoder) header() error {
	var head [8]byte
	if err := d.read(head[:], "magic and version"); err != nil {
		return err
	}
	if string(head[:4]) != Magic {
		return d.errorf(ErrFormat, "not a GGUF file (magic %q)", head[:4])
	}
	le, be := binary.LittleEndian.Uint32(head[4:]), binary.BigEndian.Uint32(head[4:])
	var version uint32
	switch {
	case le >= 1 && le <= 3:
		d.order, version = binary.LittleEndian, le
	case be >= 1 && be <= 3:
		d.order, version = binary.BigEndian, be
	default:
		return d.errorf(ErrFormat, "unsupported GGUF version %d", le)
	}
	d.v1 = version == 1
	tc, err := d.count("tensor count")
	if err != nil {
		return err
	}
	d.tensorCount = tc
	kvs, err := d.count("key/value count")
	if err != nil {
		return err
	}
	// Each key/value takes at least 13 bytes, so the limit bounds this loop.
	for i := uint64(0); i < kvs; i++ {
		if err := d.keyValue(); err != nil {
			return err
		}
		if d.done() {
			return nil
		}
	}
	if d.opts.Tensors {
		return d.tensorInfos()
	}
	return nil
}

// tensorInfos reads the tensor infos and sums them in d.tensors. Each
// takes at least 24 bytes, so the limit bounds the loop.
func (d *decoder) tensorInfos() error {
	d.cur = nil
	t := &Tensors{Split: d.split, SplitTensors: d.splitTensors}
	var dims [4]uint64
	for i := uint64(0); i < d.tensorCount; i++ {
		n, err := d.count("tensor name length")
		if err != nil {
			return err
		}
		var name string
		if n <= maxKeyLen {
			if err := d.read(d.key[:n], "tensor name"); err != nil {
				return err
			}
			name = string(d.key[:n])
		} else if err := d.skip(n, "tensor name"); err != nil {
			return err
		}
		nd, err := d.u32("tensor dimension count")
		if err != nil {
			return err
		}
		if nd == 0 || nd > 4 {
			return d.errorf(ErrFormat, "tensor %q has %d dimensions", name, nd)
		}
		elems := uint64(1)
		for j := range nd {
			var v uint64
			if d.v1 {
				x, err := d.u32("tensor dimension")
				if err != nil {
					return err
				}
				v = uint64(x)
			} else if v, err = d.u64("tensor dimension"); err != nil {
				return err
			}
			if v == 0 || elems > math.MaxUint64/v {
				return d.errorf(ErrFormat, "tensor %q has a dimension of %d", name, v)
			}
			dims[j] = v
			elems *= v
		}
		typ, err := d.u32("tensor type")
		if err != nil {
			return err
		}
		if _, err := d.u64("tensor offset"); err != nil {
			return err
		}
		size, err := GGMLType(typ).Bytes(dims[0], elems)
		if err != nil {
			if _, known := ggmlTypes[GGMLType(typ)]; !known {
				return nil // a type this package cannot size: no sums, the shape stands
			}
			return d.errorf(ErrFormat, "%v", err)
		}
		t.add(name, dims[:nd], GGMLType(typ), size, elems)
	}
	d.tensors = t
	return nil
}

func (d *decoder) keyValue() error {
	d.cur = nil
	n, err := d.count("key length")
	if err != nil {
		return err
	}
	var key []byte
	if n <= maxKeyLen {
		if err := d.read(d.key[:n], "key"); err != nil {
			return err
		}
		key = d.key[:n]
		d.cur = key
	} else if err := d.skip(n, "key"); err != nil {
		return err
	}
	vt, err := d.u32("value type")
	if err != nil {
		return err
	}
	t := ValueType(vt)
	switch {
	case string(key) == architectureKy && t == TypeString:
		return d.architecture()
	case string(key) == tokensKey && t == TypeArray:
		return d.tokens()
	case (string(key) == "split.count" || string(key) == "split.tensors.count") && t.isInt():
		v, err := d.uint(t)
		if string(key) == "split.count" {
			d.split = v
		} else {
			d.splitTensors = v
		}
		return err
	}
	if prefix, field, ok := archField(key); ok {
		return d.field(prefix, field, t)
	}
	return d.skipValue(t, 0)
}

func (d *decoder) architecture() error {
	n, err := d.count("string length")
	if err != nil {
		return err
	}
	if n > maxArchLen {
		return d.errorf(ErrFormat, "general.architecture is %d bytes long", n)
	}
	var buf [maxArchLen]byte
	if err := d.read(buf[:n], "value"); err != nil {
		return err
	}
	d.arch = string(buf[:n])
	return nil
}

func (d *decoder) tokens() error {
	et, err := d.u32("element type")
	if err != nil {
		return err
	}
	n, err := d.count("array length")
	if err != nil {
		return err
	}
	if n >= maxVocab {
		return d.errorf(ErrFormat, "%s claims %d tokens", tokensKey, n)
	}
	d.vocab, d.vocabSeen = n, true
	if d.done() {
		return nil
	}
	return d.skipElements(ValueType(et), n, 1)
}

// The {arch}.* keys Read keeps, by their part after "{arch}.".
const (
	fieldBlocks   = "block_count"
	fieldContext  = "context_length"
	fieldEmbd     = "embedding_length"
	fieldHeads    = "attention.head_count"
	fieldHeadsKV  = "attention.head_count_kv"
	fieldKeyLen   = "attention.key_length"
	fieldValueLen = "attention.value_length"
	fieldWindow   = "attention.sliding_window"
	fieldPattern  = "attention.sliding_window_pattern"
	fieldFF       = "feed_forward_length"
)

var archFields = []string{fieldBlocks, fieldContext, fieldEmbd, fieldHeads, fieldHeadsKV,
	fieldKeyLen, fieldValueLen, fieldWindow, fieldPattern, fieldFF}

// archField splits "llama.attention.head_count" into "llama" and
// "attention.head_count" when the part after the first dot is a field Read keeps.
func archField(key []byte) (prefix []byte, field string, ok bool) {
	prefix, rest, ok := bytes.Cut(key, []byte("."))
	if !ok || len(prefix) == 0 || string(prefix) == "general" || string(prefix) == "tokenizer" {
		return nil, "", false
	}
	for _, f := range archFields {
		if string(rest) == f {
			return prefix, f, true
		}
	}
	return nil, "", false
}

func (d *decoder) shape(prefix []byte) *shape {
	if s, ok := d.shapes[string(prefix)]; ok {
		return s
	}
	if d.arch != "" && string(prefix) != d.arch {
		return nil // another architecture's key once ours is known: not needed
	}
	if len(d.shapes) >= maxPrefixes {
		return nil
	}
	if d.shapes == nil {
		d.shapes = make(map[string]*shape)
	}
	s := &shape{}
	d.shapes[string(prefix)] = s
	return s
}

func (d *decoder) field(prefix []byte, field string, t ValueType) error {
	s := d.shape(prefix)
	if s == nil {
		return d.skipValue(t, 0)
	}
	if t == TypeArray {
		return d.arrayField(s, field)
	}
	if !t.isInt() || field == fieldPattern {
		// A period (sliding_window_pattern as a number) or an oddly typed value:
		// not kept, as if absent.
		return d.skipValue(t, 0)
	}
	v, err := d.uint(t)
	if err != nil {
		return err
	}
	switch field {
	case fieldBlocks:
		s.info.BlockCount, s.seen = v, s.seen|seenBlocks
	case fieldContext:
		s.info.ContextLength = v
	case fieldEmbd:
		s.info.EmbeddingLength, s.seen = v, s.seen|seenEmbd
	case fieldHeads:
		s.info.HeadCount, s.seen = v, s.seen|seenHeads
	case fieldHeadsKV:
		s.info.HeadCountKV, s.seen = []uint64{v}, s.seen|seenHeadsKV
	case fieldKeyLen:
		s.info.KeyLength = v
	case fieldValueLen:
		s.info.ValueLength = v
	case fieldWindow:
		s.info.SlidingWindow = v
	case fieldFF:
		s.info.FeedForward = v
	}
	return nil
}

func (d *decoder) arrayField(s *shape, field string) error {
	et, err := d.u32("element type")
	if err != nil {
		return err
	}
	t := ValueType(et)
	n, err := d.count("array length")
	if err != nil {
		return err
	}
	wanted := (t.isInt() && (field == fieldHeads || field == fieldHeadsKV || field == fieldFF)) ||
		(t == TypeBool && field == fieldPattern)
	if !wanted {
		return d.skipElements(t, n, 1)
	}
	if n > maxLayerArray {
		return d.errorf(ErrFormat, "%s has %d values", d.cur, n)
	}
	switch field {
	case fieldHeads, fieldFF:
		var m uint64
		for i := uint64(0); i < n; i++ {
			v, err := d.uint(t)
			if err != nil {
				return err
			}
			m = max(m, v)
		}
		if field == fieldFF {
			s.info.FeedForward = m
			break
		}
		s.info.HeadCount, s.seen = m, s.seen|seenHeads
	case fieldHeadsKV:
		var vs []uint64
		for i := uint64(0); i < n; i++ {
			v, err := d.uint(t)
			if err != nil {
				return err
			}
			vs = append(vs, v)
		}
		s.info.HeadCountKV, s.seen = vs, s.seen|seenHeadsKV
	case fieldPattern:
		var bs []bool
		for i := uint64(0); i < n; i++ {
			if err := d.read(d.scratch[:1], "array element"); err != nil {
				return err
			}
			bs = append(bs, d.scratch[0] != 0)
		}
		s.info.SlidingPattern = bs
	}
	return nil
}

// uint reads an integer value of type t (an integer type) as a uint64.
func (d *decoder) uint(t ValueType) (uint64, error) {
	size := t.size()
	if err := d.read(d.scratch[:size], "value"); err != nil {
		return 0, err
	}
	b := d.scratch[:size]
	var v uint64
	var neg bool
	switch t {
	case TypeUint8:
		v = uint64(b[0])
	case TypeInt8:
		v, neg = uint64(int8(b[0])), int8(b[0]) < 0
	case TypeUint16:
		v = uint64(d.order.Uint16(b))
	case TypeInt16:
		x := int16(d.order.Uint16(b))
		v, neg = uint64(x), x < 0
	case TypeUint32:
		v = uint64(d.order.Uint32(b))
	case TypeInt32:
		x := int32(d.order.Uint32(b))
		v, neg = uint64(x), x < 0
	case TypeUint64:
		v = d.order.Uint64(b)
	case TypeInt64:
		x := int64(d.order.Uint64(b))
		v, neg = uint64(x), x < 0
	}
	if neg {
		return 0, d.errorf(ErrFormat, "%s is negative", d.cur)
	}
	return v, nil
}

func (d *decoder) skipValue(t ValueType, depth int) error {
	if size := t.size(); size > 0 {
		return d.skip(size, "value")
	}
	switch t {
	case TypeString:
		n, err := d.count("string length")
		if err != nil {
			return err
		}
		return d.skip(n, "string")
	case TypeArray:
		if depth >= maxArrayDepth {
			return d.errorf(ErrFormat, "%s is an array of arrays", d.where("value"))
		}
		et, err := d.u32("element type")
		if err != nil {
			return err
		}
		n, err := d.count("array length")
		if err != nil {
			return err
		}
		return d.skipElements(ValueType(et), n, depth+1)
	}
	return d.errorf(ErrFormat, "%s has unknown type %d", d.where("value"), uint32(t))
}

// skipElements skips n array elements of type t without allocating.
func (d *decoder) skipElements(t ValueType, n uint64, depth int) error {
	if size := t.size(); size > 0 {
		if n > math.MaxUint64/size {
			return fmt.Errorf("%w: %s claims %d elements", ErrTooLarge, d.where("array"), n)
		}
		return d.skip(n*size, "array")
	}
	if t != TypeString && t != TypeArray {
		return d.errorf(ErrFormat, "%s has unknown element type %d", d.where("array"), uint32(t))
	}
	// Each element takes at least 8 bytes (4 in v1), so the limit bounds this loop.
	for i := uint64(0); i < n; i++ {
		if err := d.skipValue(t, depth); err != nil {
			return err
		}
	}
	return nil
}
