package text

import (
	"bytes"
	"sync"

	"github.com/go-json-experiment/json"
)

// scratch are the buffers AppendJSON encodes into before the inert copy.
var scratch = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// AppendJSON appends v to dst as MarshalJSON encodes it (one line, every
// unsafe character inert), without the allocations of a fresh result: for
// a stream of many values (judge, export).
func AppendJSON(dst []byte, v any) ([]byte, error) {
	buf := scratch.Get().(*bytes.Buffer)
	defer scratch.Put(buf)
	buf.Reset()
	if err := json.MarshalWrite(buf, v, jsonOptions); err != nil {
		return dst, err
	}
	b := buf.Bytes()
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	return AppendInert(dst, b), nil
}
