package gguf

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

const limit = 16 << 20

func TestReadSmall(t *testing.T) {
	data := header(t, small())
	for _, tc := range []struct {
		name      string
		f         func() *File
		want      func() Info
		wantCount int // -1: the whole key/value section is read
	}{
		{"all keys", small, smallInfo, 0},
		{"big-endian", func() *File { f := small(); f.BigEndian = true; return f }, smallInfo, 0},
		{"v1", func() *File { f := small(); f.Version = 1; return f }, smallInfo, 0},
		{"v2", func() *File { f := small(); f.Version = 2; return f }, smallInfo, 0},
		{"pattern as a period is not kept", func() *File {
			f := small()
			f.KVs[10].Value = uint32(6)
			return f
		}, func() Info { i := smallInfo(); i.SlidingPattern = nil; return i }, 0},
		{"scalar head counts", func() *File {
			f := small()
			f.KVs[5].Value, f.KVs[6].Value = uint32(4), int32(1)
			return f
		}, func() Info { i := smallInfo(); i.HeadCount, i.HeadCountKV = 4, []uint64{1}; return i }, 0},
		{"arch keys before general.architecture", func() *File {
			f := small()
			f.KVs[0], f.KVs[4] = f.KVs[4], f.KVs[0]
			return f
		}, smallInfo, 0},
		{"another architecture's keys are ignored", func() *File {
			f := small()
			f.KVs = append([]KV{{"llama.block_count", uint32(99)}}, f.KVs...)
			f.KVs = append(f.KVs[:3], append([]KV{{"llama.embedding_length", uint32(99)}}, f.KVs[3:]...)...)
			return f
		}, smallInfo, 0},
		{"wrongly typed values are absent", func() *File {
			f := small()
			f.KVs[3].Value = "4096"
			f.KVs[7].Value = float32(32)
			return f
		}, func() Info { i := smallInfo(); i.ContextLength, i.KeyLength = 0, 0; return i }, 0},
		{"missing needed key: reads to the end", func() *File {
			f := small()
			f.KVs = append(f.KVs[:2], f.KVs[3:]...) // no block_count
			return f
		}, func() Info { i := smallInfo(); i.BlockCount = 0; return i }, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f()
			data := header(t, f)
			info, n, err := ReadCount(bytes.NewReader(data), limit)
			if err != nil {
				t.Fatalf("ReadCount: %v", err)
			}
			if want := tc.want(); !reflect.DeepEqual(info, want) {
				t.Errorf("info = %+v\nwant   %+v", info, want)
			}
			kvEnd := kvSectionEnd(t, f)
			if tc.wantCount == -1 && n != kvEnd {
				t.Errorf("read %d bytes, want the whole key/value section (%d)", n, kvEnd)
			}
			if tc.wantCount == 0 && n >= kvEnd {
				t.Errorf("read %d bytes, want fewer than the key/value section (%d): it should stop at the tokens' array header", n, kvEnd)
			}
		})
	}
	if _, err := Read(bytes.NewReader(data), limit); err != nil {
		t.Fatal(err)
	}
}

// kvSectionEnd is the offset where f's tensor infos start: the bytes Read
// consumes when it reads every key/value.
func kvSectionEnd(t *testing.T, f *File) int64 {
	t.Helper()
	e := &encoder{w: bufio.NewWriter(io.Discard), order: binary.LittleEndian, v1: f.Version == 1}
	e.raw([]byte(Magic))
	e.u32(3)
	e.count(uint64(len(f.Tensors)))
	e.count(uint64(len(f.KVs)))
	for _, kv := range f.KVs {
		e.str(kv.Key)
		e.value(kv.Key, kv.Value)
	}
	if e.err != nil {
		t.Fatal(e.err)
	}
	return e.n
}

func TestReadStopsBeforeTokenStrings(t *testing.T) {
	// A qwen2 header with a 151,936-token vocabulary and 151,387 merges after it.
	merges := StringArray{Len: 151387, At: func(i int) string { return "Ġ t" + strings.Repeat("x", i%7) }}
	f := &File{KVs: []KV{
		{"general.architecture", "qwen2"},
		{"general.name", "Qwen2.5 0.5B Instruct"},
		{"qwen2.block_count", uint32(24)},
		{"qwen2.context_length", uint32(32768)},
		{"qwen2.embedding_length", uint32(896)},
		{"qwen2.attention.head_count", uint32(14)},
		{"qwen2.attention.head_count_kv", uint32(2)},
		{"tokenizer.ggml.model", "gpt2"},
		{"tokenizer.ggml.tokens", StringArray{Len: 151936, At: func(i int) string { return "token" + strings.Repeat("y", i%9) }}},
		{"tokenizer.ggml.token_type", make([]int32, 151936)},
		{"tokenizer.ggml.merges", merges},
	}}
	data := header(t, f)
	src := &countingReader{r: bytes.NewReader(data)}
	info, n, err := ReadCount(src, limit)
	if err != nil {
		t.Fatal(err)
	}
	if info.VocabSize != 151936 || info.BlockCount != 24 || info.HeadCount != 14 {
		t.Errorf("info = %+v", info)
	}
	if n > 1024 {
		t.Errorf("consumed %d bytes of a %d-byte header, want < 1 KiB", n, len(data))
	}
	if src.n > n+bufferSize {
		t.Errorf("pulled %d bytes from the source, more than %d consumed + one buffer", src.n, n)
	}
	if len(data) < 2<<20 {
		t.Fatalf("test header is only %d bytes", len(data))
	}
	t.Logf("header %d bytes; consumed %d, pulled %d", len(data), n, src.n)
}

func TestReadSkipsTokenStringsWhileAKeyIsMissing(t *testing.T) {
	// embedding_length comes after the tokens: their strings are skipped by
	// their lengths; context_length after that point is not taken.
	f := &File{KVs: []KV{
		{"general.architecture", "llama"},
		{"llama.block_count", uint32(16)},
		{"llama.attention.head_count", uint32(32)},
		{"llama.attention.head_count_kv", uint32(8)},
		{"tokenizer.ggml.tokens", StringArray{Len: 1000, At: func(i int) string { return strings.Repeat("z", i%50) }}},
		{"tokenizer.ggml.scores", make([]float32, 1000)},
		{"llama.embedding_length", uint32(2048)},
		{"llama.context_length", uint32(131072)},
		{"tokenizer.ggml.merges", []string{"a b"}},
	}}
	data := header(t, f)
	info, n, err := ReadCount(bytes.NewReader(data), limit)
	if err != nil {
		t.Fatal(err)
	}
	want := Info{Architecture: "llama", BlockCount: 16, HeadCount: 32, HeadCountKV: []uint64{8},
		EmbeddingLength: 2048, VocabSize: 1000}
	if !reflect.DeepEqual(info, want) {
		t.Errorf("info = %+v\nwant   %+v", info, want)
	}
	g := *f
	g.KVs = f.KVs[:7]
	if end := kvSectionEnd(t, &g); n != end {
		t.Errorf("consumed %d bytes, want %d (the end of llama.embedding_length)", n, end)
	}
}

func TestReadTruncated(t *testing.T) {
	f, err := NewPreset(PresetQwen25_05B, F16)
	if err != nil {
		t.Fatal(err)
	}
	data := header(t, f)
	_, stop, err := ReadCount(bytes.NewReader(data), limit)
	if err != nil {
		t.Fatal(err)
	}
	for cut := int64(0); cut < stop; cut++ {
		_, n, err := ReadCount(bytes.NewReader(data[:cut]), limit)
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut at %d: err = %v, want ErrTruncated", cut, err)
		}
		if n != cut {
			t.Fatalf("cut at %d: consumed %d", cut, n)
		}
	}
	_, err = Read(bytes.NewReader(data[:stop-1]), limit)
	if !strings.Contains(err.Error(), "input ended after") {
		t.Errorf("error %q does not say how far it got", err)
	}
	// Cut inside the token strings of a header that needs to read past them.
	g := small()
	g.KVs = append(g.KVs[:2], g.KVs[3:12]...) // no block_count; ends with the tokens
	g.Tensors = nil
	data = header(t, g)
	end := kvSectionEnd(t, g)
	if _, n, err := ReadCount(bytes.NewReader(data[:end-2]), limit); !errors.Is(err, ErrTruncated) || n != end-2 {
		t.Errorf("cut in the tokens: err = %v after %d bytes, want ErrTruncated after %d", err, n, end-2)
	}
}

// raw builds a little-endian v3 header by hand.
type raw struct{ bytes.Buffer }

func (r *raw) u32(v uint32) *raw { binary.Write(&r.Buffer, binary.LittleEndian, v); return r }
func (r *raw) u64(v uint64) *raw { binary.Write(&r.Buffer, binary.LittleEndian, v); return r }
func (r *raw) str(s string) *raw { r.u64(uint64(len(s))); r.WriteString(s); return r }
func (r *raw) start(kvs uint64) *raw {
	r.WriteString(Magic)
	return r.u32(3).u64(0).u64(kvs)
}
func (r *raw) arch() *raw { return r.str("general.architecture").u32(uint32(TypeString)).str("llama") }

func TestReadAbsurd(t *testing.T) {
	// A small key/value, repeated forever after the given head.
	filler := new(raw).str("x").u32(uint32(TypeUint8)).Bytes()
	filler = append(filler, 7)
	zeros := make([]byte, 4096)
	for _, tc := range []struct {
		name string
		in   func() []byte // finite input
		gen  func() *repeatReader
		want error
	}{
		{"10^12 tokens", func() []byte {
			return new(raw).start(3).arch().str("tokenizer.ggml.tokens").u32(uint32(TypeArray)).u32(uint32(TypeString)).u64(1e12).Bytes()
		}, nil, ErrFormat},
		{"10^12 tokens after the needed keys are missing, endless empty strings", nil, func() *repeatReader {
			return &repeatReader{head: new(raw).start(3).arch().str("tokenizer.ggml.merges").u32(uint32(TypeArray)).u32(uint32(TypeString)).u64(1e12).Bytes(), body: zeros}
		}, ErrTooLarge},
		{"string value of 2^62 bytes", func() []byte {
			return new(raw).start(2).arch().str("general.name").u32(uint32(TypeString)).u64(1 << 62).Bytes()
		}, nil, ErrTooLarge},
		{"key of 2^62 bytes", func() []byte { return new(raw).start(2).arch().u64(1 << 62).Bytes() }, nil, ErrTooLarge},
		{"architecture of 2^40 bytes", func() []byte {
			return new(raw).start(1).str("general.architecture").u32(uint32(TypeString)).u64(1 << 40).Bytes()
		}, nil, ErrFormat},
		{"2^40 key/values, input ends", func() []byte {
			b := new(raw).start(1 << 40).arch().Bytes()
			return append(b, filler...)
		}, nil, ErrTruncated},
		{"2^40 key/values, endless input", nil, func() *repeatReader {
			return &repeatReader{head: new(raw).start(1 << 40).arch().Bytes(), body: filler}
		}, ErrTooLarge},
		{"2^62 uint64 elements", func() []byte {
			return new(raw).start(2).arch().str("a").u32(uint32(TypeArray)).u32(uint32(TypeUint64)).u64(1 << 62).Bytes()
		}, nil, ErrTooLarge},
		{"2^40 float32 elements", func() []byte {
			return new(raw).start(2).arch().str("a").u32(uint32(TypeArray)).u32(uint32(TypeFloat32)).u64(1 << 40).Bytes()
		}, nil, ErrTooLarge},
		{"head_count_kv of 2^40 values", func() []byte {
			return new(raw).start(2).arch().str("llama.attention.head_count_kv").u32(uint32(TypeArray)).u32(uint32(TypeUint32)).u64(1 << 40).Bytes()
		}, nil, ErrFormat},
		{"array of arrays", func() []byte {
			return new(raw).start(2).arch().str("a").u32(uint32(TypeArray)).u32(uint32(TypeArray)).u64(1).u32(uint32(TypeUint8)).u64(0).Bytes()
		}, nil, ErrFormat},
		{"unknown value type", func() []byte { return new(raw).start(2).arch().str("a").u32(13).Bytes() }, nil, ErrFormat},
		{"negative block count", func() []byte {
			return new(raw).start(2).arch().str("llama.block_count").u32(uint32(TypeInt32)).u32(math.MaxUint32).Bytes()
		}, nil, ErrFormat},
		{"not GGUF", func() []byte { return []byte("PK\x03\x04 zip file, not a model") }, nil, ErrFormat},
		{"version 4", func() []byte { b := new(raw); b.WriteString(Magic); return b.u32(4).u64(0).u64(0).Bytes() }, nil, ErrFormat},
		{"empty", func() []byte { return nil }, nil, ErrTruncated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var err error
			var n int64
			if tc.in != nil {
				_, n, err = ReadCount(bytes.NewReader(tc.in()), 1<<20)
			} else {
				_, n, err = ReadCount(tc.gen(), 1<<20)
			}
			runtime.ReadMemStats(&after)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if n > 1<<20 {
				t.Errorf("consumed %d bytes, over the limit", n)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<10 {
				t.Errorf("allocated %d bytes", grew)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestReadLimit(t *testing.T) {
	f := small()
	f.KVs = append(f.KVs[:2], f.KVs[3:]...) // no block_count: reads the whole key/values
	data := header(t, f)
	end := kvSectionEnd(t, f)
	for _, tc := range []struct {
		max  int64
		want error
	}{
		{end, nil},
		{end - 1, ErrTooLarge},
		{8, ErrTooLarge},
		{0, ErrTooLarge},
	} {
		src := &countingReader{r: bytes.NewReader(data)}
		_, n, err := ReadCount(src, tc.max)
		if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
			t.Errorf("max %d: err = %v, want %v", tc.max, err, tc.want)
		}
		if src.n > tc.max || n > tc.max {
			t.Errorf("max %d: pulled %d, consumed %d", tc.max, src.n, n)
		}
	}
	// An endless source never yields more than the limit.
	src := &countingReader{r: &repeatReader{body: zeros64()}}
	if _, err := Read(src, 1000); !errors.Is(err, ErrFormat) {
		t.Errorf("zeros: err = %v, want ErrFormat", err)
	}
	if src.n > 1000 {
		t.Errorf("pulled %d bytes from an endless source with a limit of 1000", src.n)
	}
}

func zeros64() []byte { return make([]byte, 64) }

func TestReadSourceError(t *testing.T) {
	data := header(t, small())
	_, err := Read(&failingReader{after: data[:40]}, limit)
	if !errors.Is(err, ErrRead) || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("err = %v, want ErrRead with the cause", err)
	}
}

func TestMissing(t *testing.T) {
	if m := smallInfo().Missing(); len(m) != 0 {
		t.Errorf("Missing() = %v for a full Info", m)
	}
	got := Info{Architecture: "bert", BlockCount: 12, HeadCount: 12, EmbeddingLength: 384}.Missing()
	want := []string{"bert.attention.head_count_kv", "tokenizer.ggml.tokens"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Missing() = %v, want %v", got, want)
	}
	if got := (Info{}).Missing(); len(got) != 6 || got[0] != "general.architecture" {
		t.Errorf("Missing() of zero Info = %v", got)
	}
}
