package gguf

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func FuzzRead(f *testing.F) {
	seed := func(file *File) {
		var buf bytes.Buffer
		if _, err := file.WriteHeader(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	seed(small())
	be := small()
	be.BigEndian = true
	seed(be)
	v1 := small()
	v1.Version = 1
	seed(v1)
	missing := small()
	missing.KVs = append(missing.KVs[:2], missing.KVs[3:]...)
	seed(missing)
	q, err := NewPreset(PresetQwen25_05B, Q8_0)
	if err != nil {
		f.Fatal(err)
	}
	// The first 64 KiB of its header is enough (writing stops at the first error).
	w := &cappedWriter{max: 64 << 10}
	q.WriteHeader(w)
	f.Add(w.buf.Bytes())
	f.Add([]byte("GGUF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const max = 1 << 20
		info, n, err := ReadCount(bytes.NewReader(data), max)
		if n < 0 || n > max || n > int64(len(data)) {
			t.Fatalf("consumed %d of %d bytes", n, len(data))
		}
		if err != nil {
			if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrFormat) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		// Read consumed exactly n bytes: the first n bytes alone give the same answer.
		again, m, err := ReadCount(bytes.NewReader(data[:n]), max)
		if err != nil || m != n || !reflect.DeepEqual(again, info) {
			t.Fatalf("prefix of %d bytes: %+v, %d, %v; want %+v", n, again, m, err, info)
		}
		if len(info.HeadCountKV) > maxLayerArray || len(info.SlidingPattern) > maxLayerArray || info.VocabSize >= maxVocab {
			t.Fatalf("kept too much: %d, %d, %d", len(info.HeadCountKV), len(info.SlidingPattern), info.VocabSize)
		}
	})
}

// cappedWriter keeps the first max bytes and then fails.
type cappedWriter struct {
	buf bytes.Buffer
	max int
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	if c.buf.Len()+len(p) > c.max {
		p = p[:c.max-c.buf.Len()]
		c.buf.Write(p)
		return len(p), errors.New("full")
	}
	return c.buf.Write(p)
}
