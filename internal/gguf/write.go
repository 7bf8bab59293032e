package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// KV is one key/value of a GGUF header. Value is one of uint8, int8, uint16,
// int16, uint32, int32, uint64, int64, float32, float64, bool, string, a slice
// of any of those, or a StringArray.
type KV struct {
	Key   string
	Value any
}

// StringArray is an array of strings produced on demand, so that a tokenizer of
// 262,144 tokens need not be held in memory to be written.
type StringArray struct {
	Len int
	At  func(i int) string
}

// TensorInfo describes one tensor of a GGUF file. Dims are in ggml order (the
// first dimension is the row length). Offset is relative to the data section;
// AssignOffsets computes it.
type TensorInfo struct {
	Name   string
	Dims   []uint64
	Type   GGMLType
	Offset uint64
}

// Bytes is the size of the tensor's data.
func (t TensorInfo) Bytes() (uint64, error) {
	if len(t.Dims) == 0 || len(t.Dims) > 4 {
		return 0, fmt.Errorf("gguf: tensor %q has %d dimensions, want 1 to 4", t.Name, len(t.Dims))
	}
	elems := uint64(1)
	for _, d := range t.Dims {
		if d == 0 || elems > math.MaxUint64/d {
			return 0, fmt.Errorf("gguf: tensor %q has dimensions %v", t.Name, t.Dims)
		}
		elems *= d
	}
	n, err := t.Type.Bytes(t.Dims[0], elems)
	if err != nil {
		return 0, fmt.Errorf("tensor %q: %w", t.Name, err)
	}
	return n, nil
}

// File is a GGUF header to write: key/values in order, then tensor infos.
type File struct {
	KVs     []KV
	Tensors []TensorInfo
	// Version is the GGUF version to write: 3 when zero. Version 1 (32-bit
	// counts and lengths) and BigEndian exist to test readers.
	Version   uint32
	BigEndian bool
}

// Alignment is the value of general.alignment when present, else 32.
func (f *File) Alignment() uint64 {
	for _, kv := range f.KVs {
		if kv.Key == "general.alignment" {
			if v, ok := kv.Value.(uint32); ok && v > 0 {
				return uint64(v)
			}
		}
	}
	return DefaultAlignment
}

func align(n, a uint64) uint64 {
	if r := n % a; r != 0 {
		return n + a - r
	}
	return n
}

// AssignOffsets sets each tensor's Offset the way llama.cpp expects them: in
// order, each tensor's data padded to the alignment. It returns the size of the
// data section.
func AssignOffsets(tensors []TensorInfo, alignment uint64) (uint64, error) {
	if alignment == 0 {
		alignment = DefaultAlignment
	}
	var off uint64
	for i := range tensors {
		n, err := tensors[i].Bytes()
		if err != nil {
			return 0, err
		}
		tensors[i].Offset = off
		off += align(n, alignment)
	}
	return off, nil
}

// Layout returns where the data section starts (the header's size, padded to
// the alignment) and the size of the whole file for f's tensor infos as they
// are (see AssignOffsets): a file of that size, with the header at its start
// and zeros after, is a zero-weight model llama.cpp can load.
func (f *File) Layout() (dataOffset, fileSize uint64, err error) {
	n, err := f.WriteHeader(io.Discard)
	if err != nil {
		return 0, 0, err
	}
	dataOffset = uint64(n)
	a := f.Alignment()
	var end uint64
	for _, t := range f.Tensors {
		b, err := t.Bytes()
		if err != nil {
			return 0, 0, err
		}
		if t.Offset%a != 0 {
			return 0, 0, fmt.Errorf("gguf: tensor %q has offset %d, not a multiple of %d", t.Name, t.Offset, a)
		}
		end = max(end, t.Offset+align(b, a))
	}
	return dataOffset, dataOffset + end, nil
}

// WriteSparseFile writes f's header to a new file at path and extends the file
// to its full size without writing the data, so that on most file systems the
// zero weights take no space. It returns the file's size.
func (f *File) WriteSparseFile(path string) (uint64, error) {
	_, size, err := f.Layout()
	if err != nil {
		return 0, err
	}
	if size > math.MaxInt64 {
		return 0, fmt.Errorf("gguf: file size %d is too large", size)
	}
	out, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	_, err = f.WriteHeader(out)
	if err == nil {
		err = out.Truncate(int64(size))
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return size, err
}

// WriteHeader writes the header (magic, version, counts, key/values, tensor
// infos) and the padding up to the data section, and returns the bytes written.
func (f *File) WriteHeader(w io.Writer) (int64, error) {
	version := f.Version
	if version == 0 {
		version = 3
	}
	if version > 3 {
		return 0, fmt.Errorf("gguf: cannot write version %d", version)
	}
	var order binary.ByteOrder = binary.LittleEndian
	if f.BigEndian {
		order = binary.BigEndian
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	e := &encoder{w: bw, order: order, v1: version == 1}
	e.raw([]byte(Magic))
	e.u32(version)
	e.count(uint64(len(f.Tensors)))
	e.count(uint64(len(f.KVs)))
	for _, kv := range f.KVs {
		e.str(kv.Key)
		e.value(kv.Key, kv.Value)
	}
	for _, t := range f.Tensors {
		if len(t.Dims) == 0 || len(t.Dims) > 4 {
			e.fail(fmt.Errorf("gguf: tensor %q has %d dimensions, want 1 to 4", t.Name, len(t.Dims)))
		}
		e.str(t.Name)
		e.u32(uint32(len(t.Dims)))
		for _, d := range t.Dims {
			e.u64(d)
		}
		e.u32(uint32(t.Type))
		e.u64(t.Offset)
	}
	if pad := align(uint64(e.n), f.Alignment()) - uint64(e.n); pad > 0 {
		e.raw(make([]byte, pad))
	}
	if e.err == nil {
		e.err = bw.Flush()
	}
	return e.n, e.err
}

type encoder struct {
	w       *bufio.Writer
	order   binary.ByteOrder
	v1      bool
	n       int64
	err     error
	scratch [8]byte
}

func (e *encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

func (e *encoder) raw(p []byte) {
	if e.err != nil {
		return
	}
	m, err := e.w.Write(p)
	e.n += int64(m)
	e.fail(err)
}

func (e *encoder) u8(v uint8)   { e.raw([]byte{v}) }
func (e *encoder) u16(v uint16) { e.order.PutUint16(e.scratch[:2], v); e.raw(e.scratch[:2]) }
func (e *encoder) u32(v uint32) { e.order.PutUint32(e.scratch[:4], v); e.raw(e.scratch[:4]) }
func (e *encoder) u64(v uint64) { e.order.PutUint64(e.scratch[:8], v); e.raw(e.scratch[:8]) }

func (e *encoder) count(n uint64) {
	if e.v1 {
		if n > math.MaxUint32 {
			e.fail(errors.New("gguf: count too large for GGUF v1"))
		}
		e.u32(uint32(n))
		return
	}
	e.u64(n)
}

func (e *encoder) str(s string) {
	e.count(uint64(len(s)))
	e.raw([]byte(s))
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func writeArray[T any](e *encoder, t ValueType, vs []T, put func(T)) {
	e.u32(uint32(TypeArray))
	e.u32(uint32(t))
	e.count(uint64(len(vs)))
	for _, v := range vs {
		put(v)
	}
}

func (e *encoder) value(key string, v any) {
	switch v := v.(type) {
	case uint8:
		e.u32(uint32(TypeUint8))
		e.u8(v)
	case int8:
		e.u32(uint32(TypeInt8))
		e.u8(uint8(v))
	case uint16:
		e.u32(uint32(TypeUint16))
		e.u16(v)
	case int16:
		e.u32(uint32(TypeInt16))
		e.u16(uint16(v))
	case uint32:
		e.u32(uint32(TypeUint32))
		e.u32(v)
	case int32:
		e.u32(uint32(TypeInt32))
		e.u32(uint32(v))
	case uint64:
		e.u32(uint32(TypeUint64))
		e.u64(v)
	case int64:
		e.u32(uint32(TypeInt64))
		e.u64(uint64(v))
	case float32:
		e.u32(uint32(TypeFloat32))
		e.u32(math.Float32bits(v))
	case float64:
		e.u32(uint32(TypeFloat64))
		e.u64(math.Float64bits(v))
	case bool:
		e.u32(uint32(TypeBool))
		e.u8(b2u(v))
	case string:
		e.u32(uint32(TypeString))
		e.str(v)
	case []uint8:
		writeArray(e, TypeUint8, v, e.u8)
	case []int8:
		writeArray(e, TypeInt8, v, func(x int8) { e.u8(uint8(x)) })
	case []uint16:
		writeArray(e, TypeUint16, v, e.u16)
	case []int16:
		writeArray(e, TypeInt16, v, func(x int16) { e.u16(uint16(x)) })
	case []uint32:
		writeArray(e, TypeUint32, v, e.u32)
	case []int32:
		writeArray(e, TypeInt32, v, func(x int32) { e.u32(uint32(x)) })
	case []uint64:
		writeArray(e, TypeUint64, v, e.u64)
	case []int64:
		writeArray(e, TypeInt64, v, func(x int64) { e.u64(uint64(x)) })
	case []float32:
		writeArray(e, TypeFloat32, v, func(x float32) { e.u32(math.Float32bits(x)) })
	case []float64:
		writeArray(e, TypeFloat64, v, func(x float64) { e.u64(math.Float64bits(x)) })
	case []bool:
		writeArray(e, TypeBool, v, func(x bool) { e.u8(b2u(x)) })
	case []string:
		writeArray(e, TypeString, v, e.str)
	case StringArray:
		e.u32(uint32(TypeArray))
		e.u32(uint32(TypeString))
		e.count(uint64(v.Len))
		for i := 0; i < v.Len && e.err == nil; i++ {
			e.str(v.At(i))
		}
	default:
		e.fail(fmt.Errorf("gguf: key %q has a value of unsupported type %T", key, v))
	}
}
