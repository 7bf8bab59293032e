package gguf

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// header writes f's header and fails the test on error.
func header(t testing.TB, f *File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := f.WriteHeader(&buf); err != nil {
		t.Fatalf("WriteHeader: %v", err)
	}
	return buf.Bytes()
}

// countingReader counts the bytes pulled from r.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// repeatReader yields head, then body over and over, forever.
type repeatReader struct {
	head, body []byte
	off        int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(r.head) > 0 {
			c := copy(p[n:], r.head)
			r.head = r.head[c:]
			n += c
			continue
		}
		c := copy(p[n:], r.body[r.off:])
		r.off = (r.off + c) % len(r.body)
		n += c
	}
	return n, nil
}

type failingReader struct{ after []byte }

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.after) == 0 {
		return 0, errors.New("connection reset")
	}
	n := copy(p, f.after)
	f.after = f.after[n:]
	return n, nil
}

// small is a little header with every key Read keeps, in llama.cpp's order.
func small() *File {
	return &File{KVs: []KV{
		{"general.architecture", "gemma3"},
		{"general.name", "tiny"},
		{"gemma3.block_count", uint32(6)},
		{"gemma3.context_length", uint32(4096)},
		{"gemma3.embedding_length", uint32(64)},
		{"gemma3.attention.head_count", []int32{4, 4, 8, 4, 4, 8}},
		{"gemma3.attention.head_count_kv", []uint16{1, 1, 2, 1, 1, 2}},
		{"gemma3.attention.key_length", uint64(32)},
		{"gemma3.attention.value_length", uint8(16)},
		{"gemma3.attention.sliding_window", int64(512)},
		{"gemma3.attention.sliding_window_pattern", []bool{true, true, false, true, true, false}},
		{"tokenizer.ggml.model", "llama"},
		{"tokenizer.ggml.tokens", []string{"<pad>", "a", "b", "c"}},
		{"tokenizer.ggml.scores", []float32{0, 1, 2, 3}},
	}, Tensors: []TensorInfo{{Name: "token_embd.weight", Dims: []uint64{64, 4}, Type: F16}}}
}

func smallInfo() Info {
	return Info{Architecture: "gemma3", BlockCount: 6, ContextLength: 4096, EmbeddingLength: 64,
		HeadCount: 8, HeadCountKV: []uint64{1, 1, 2, 1, 1, 2}, KeyLength: 32, ValueLength: 16,
		SlidingWindow: 512, SlidingPattern: []bool{true, true, false, true, true, false}, VocabSize: 4}
}
