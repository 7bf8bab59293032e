// Package gguf reads the few header keys modelbrowser needs from a GGUF file
// streamed over any io.Reader, and writes GGUF v3 headers (key/values and tensor
// infos) for the fake Hub, tests and benchmarks.
//
// The reader is bounded: it never allocates by a count taken from the file, keeps
// only the values listed in Info, skips everything else through a bounded discard,
// stops as soon as the needed keys are known, and never consumes more than a given
// number of bytes. The writer produces headers that llama.cpp loads; with the
// presets in this package and a sparse file of the real size they make
// zero-weight models of real shapes.
package gguf

import (
	"errors"
	"fmt"
)

// Magic is the first four bytes of every GGUF file.
const Magic = "GGUF"

// DefaultAlignment is the data alignment when general.alignment is absent.
const DefaultAlignment = 32

// ValueType is the type tag of a GGUF key/value.
type ValueType uint32

// The GGUF value types.
const (
	TypeUint8   ValueType = 0
	TypeInt8    ValueType = 1
	TypeUint16  ValueType = 2
	TypeInt16   ValueType = 3
	TypeUint32  ValueType = 4
	TypeInt32   ValueType = 5
	TypeFloat32 ValueType = 6
	TypeBool    ValueType = 7
	TypeString  ValueType = 8
	TypeArray   ValueType = 9
	TypeUint64  ValueType = 10
	TypeInt64   ValueType = 11
	TypeFloat64 ValueType = 12
)

// size is the encoded size of a fixed-size value type, or 0 for strings, arrays
// and unknown types.
func (t ValueType) size() uint64 {
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		return 1
	case TypeUint16, TypeInt16:
		return 2
	case TypeUint32, TypeInt32, TypeFloat32:
		return 4
	case TypeUint64, TypeInt64, TypeFloat64:
		return 8
	}
	return 0
}

func (t ValueType) isInt() bool {
	switch t {
	case TypeUint8, TypeInt8, TypeUint16, TypeInt16, TypeUint32, TypeInt32, TypeUint64, TypeInt64:
		return true
	}
	return false
}

// String names the type as the GGUF specification does.
func (t ValueType) String() string {
	names := [...]string{"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32",
		"bool", "string", "array", "uint64", "int64", "float64"}
	if int(t) < len(names) {
		return names[t]
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// GGMLType is the data type of a tensor (enum ggml_type).
type GGMLType uint32

// The ggml tensor types this package knows the size of.
const (
	F32  GGMLType = 0
	F16  GGMLType = 1
	Q4_0 GGMLType = 2
	Q4_1 GGMLType = 3
	Q5_0 GGMLType = 6
	Q5_1 GGMLType = 7
	Q8_0 GGMLType = 8
	Q2_K GGMLType = 10
	Q3_K GGMLType = 11
	Q4_K GGMLType = 12
	Q5_K GGMLType = 13
	Q6_K GGMLType = 14
	BF16 GGMLType = 30
)

// More ggml types, whose sizes the tensor-info reader needs (ggml.c's
// type_traits).
const (
	Q8_1     GGMLType = 9
	Q8_K     GGMLType = 15
	IQ2_XXS  GGMLType = 16
	IQ2_XS   GGMLType = 17
	IQ3_XXS  GGMLType = 18
	IQ1_S    GGMLType = 19
	IQ4_NL   GGMLType = 20
	IQ3_S    GGMLType = 21
	IQ2_S    GGMLType = 22
	IQ4_XS   GGMLType = 23
	I8       GGMLType = 24
	I16      GGMLType = 25
	I32      GGMLType = 26
	I64      GGMLType = 27
	F64      GGMLType = 28
	IQ1_M    GGMLType = 29
	Q4_0_4_4 GGMLType = 31
	Q4_0_4_8 GGMLType = 32
	Q4_0_8_8 GGMLType = 33
	TQ1_0    GGMLType = 34
	TQ2_0    GGMLType = 35
	MXFP4    GGMLType = 39
)

type typeTraits struct {
	name      string
	block     uint64 // elements per block
	blockSize uint64 // bytes per block
}

var ggmlTypes = map[GGMLType]typeTraits{
	F32:  {"F32", 1, 4},
	F16:  {"F16", 1, 2},
	Q4_0: {"Q4_0", 32, 18},
	Q4_1: {"Q4_1", 32, 20},
	Q5_0: {"Q5_0", 32, 22},
	Q5_1: {"Q5_1", 32, 24},
	Q8_0: {"Q8_0", 32, 34},
	Q2_K: {"Q2_K", 256, 84},
	Q3_K: {"Q3_K", 256, 110},
	Q4_K: {"Q4_K", 256, 144},
	Q5_K: {"Q5_K", 256, 176},
	Q6_K: {"Q6_K", 256, 210},
	BF16: {"BF16", 1, 2},

	Q8_1:     {"Q8_1", 32, 36},
	Q8_K:     {"Q8_K", 256, 292},
	IQ2_XXS:  {"IQ2_XXS", 256, 66},
	IQ2_XS:   {"IQ2_XS", 256, 74},
	IQ3_XXS:  {"IQ3_XXS", 256, 98},
	IQ1_S:    {"IQ1_S", 256, 50},
	IQ4_NL:   {"IQ4_NL", 32, 18},
	IQ3_S:    {"IQ3_S", 256, 110},
	IQ2_S:    {"IQ2_S", 256, 82},
	IQ4_XS:   {"IQ4_XS", 256, 136},
	I8:       {"I8", 1, 1},
	I16:      {"I16", 1, 2},
	I32:      {"I32", 1, 4},
	I64:      {"I64", 1, 8},
	F64:      {"F64", 1, 8},
	IQ1_M:    {"IQ1_M", 256, 56},
	Q4_0_4_4: {"Q4_0_4_4", 32, 18},
	Q4_0_4_8: {"Q4_0_4_8", 32, 18},
	Q4_0_8_8: {"Q4_0_8_8", 32, 18},
	TQ1_0:    {"TQ1_0", 256, 54},
	TQ2_0:    {"TQ2_0", 256, 66},
	MXFP4:    {"MXFP4", 32, 17},
}

// String names the type as ggml does ("F16", "Q8_0").
func (t GGMLType) String() string {
	if tr, ok := ggmlTypes[t]; ok {
		return tr.name
	}
	return fmt.Sprintf("ggml_type(%d)", uint32(t))
}

// Bytes is the size in bytes of a row-major tensor of this type whose first
// dimension is dim0 and whose element count is elems.
func (t GGMLType) Bytes(dim0, elems uint64) (uint64, error) {
	tr, ok := ggmlTypes[t]
	if !ok {
		return 0, fmt.Errorf("gguf: unknown ggml type %d", uint32(t))
	}
	if dim0%tr.block != 0 {
		return 0, fmt.Errorf("gguf: %s needs the first dimension to be a multiple of %d, not %d", tr.name, tr.block, dim0)
	}
	blocks := elems / tr.block
	if blocks != 0 && tr.blockSize > ^uint64(0)/blocks {
		return 0, fmt.Errorf("gguf: tensor of %d %s elements overflows", elems, tr.name)
	}
	return blocks * tr.blockSize, nil
}

// Errors of Read. Every error Read returns wraps one of these.
var (
	// ErrTooLarge means the header did not end (or the needed keys were not
	// found) within the byte limit given to Read.
	ErrTooLarge = errors.New("gguf: header exceeds the read limit")
	// ErrTruncated means the input ended inside the header.
	ErrTruncated = errors.New("gguf: header truncated")
	// ErrFormat means the input is not a GGUF header this package can read.
	ErrFormat = errors.New("gguf: malformed header")
	// ErrRead means the underlying reader failed.
	ErrRead = errors.New("gguf: read failed")
)
