package gguf

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The recordings describe real headers in JSON (the bytes are not stored):
// write what each describes, in the described byte order and version, and
// read it back.
func TestReadRecordings(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) < 9 {
		t.Fatalf("testdata: %v, %d files", err, len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var f *File
			var want Info
			if strings.HasPrefix(name, "hfjs-spec__") {
				f, want = fromSpec(t, data)
			} else {
				f, want = fromOllama(t, data)
			}
			if strings.Contains(name, "big-endian") != f.BigEndian {
				t.Fatalf("big-endian: %v", f.BigEndian)
			}
			got, err := Read(bytes.NewReader(header(t, f)), limit)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("info = %+v\nwant   %+v", got, want)
			}
			if got.Architecture == "" || got.BlockCount == 0 || got.EmbeddingLength == 0 {
				t.Errorf("the recording's shape was not read: %+v", got)
			}
		})
	}
}

// expect sets the Info field of key (when it is one) from a number.
func expect(info *Info, arch, key string, v uint64) {
	switch strings.TrimPrefix(key, arch+".") {
	case fieldBlocks:
		info.BlockCount = v
	case fieldContext:
		info.ContextLength = v
	case fieldEmbd:
		info.EmbeddingLength = v
	case fieldHeads:
		info.HeadCount = v
	case fieldHeadsKV:
		info.HeadCountKV = []uint64{v}
	case fieldKeyLen:
		info.KeyLength = v
	case fieldValueLen:
		info.ValueLength = v
	case fieldWindow:
		info.SlidingWindow = v
	case fieldFF:
		info.FeedForward = v
	}
}

func fromSpec(t *testing.T, data []byte) (*File, Info) {
	var rec struct {
		URL      string `json:"_url"`
		Metadata json.RawMessage
		Typed    map[string]struct {
			Type, SubType string
			Length        int
		}
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	// Keep the recorded key order: decode the object token by token.
	dec := json.NewDecoder(bytes.NewReader(rec.Metadata))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	f := &File{BigEndian: strings.Contains(rec.URL, "big-endian")}
	var info Info
	var arch string
	for dec.More() {
		tok, _ := dec.Token()
		key := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		switch key {
		case "version":
			n, _ := v.(json.Number).Int64()
			f.Version = uint32(n)
			continue
		case "tensor_count", "kv_count":
			continue
		}
		switch v := v.(type) {
		case string:
			f.KVs = append(f.KVs, KV{key, v})
			if key == "general.architecture" {
				arch, info.Architecture = v, v
			}
		case bool:
			f.KVs = append(f.KVs, KV{key, v})
		case json.Number:
			if n, err := strconv.ParseUint(v.String(), 10, 32); err == nil {
				f.KVs = append(f.KVs, KV{key, uint32(n)})
				expect(&info, arch, key, n)
			} else {
				x, _ := v.Float64()
				f.KVs = append(f.KVs, KV{key, float32(x)})
			}
		default:
			t.Fatalf("%s: unexpected %T", key, v)
		}
	}
	// Typed entries not in metadata, such as the tokens' array header.
	if tk, ok := rec.Typed[tokensKey]; ok {
		f.KVs = append(f.KVs, KV{tokensKey, StringArray{Len: tk.Length, At: func(i int) string { return "t" + strconv.Itoa(i) }}})
		info.VocabSize = uint64(tk.Length)
	}
	return f, info
}

// fromOllama builds a header from ollama's converter output: every value is a
// string; arrays are given as hashes and are left out.
func fromOllama(t *testing.T, data []byte) (*File, Info) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	f := &File{}
	var info Info
	var arch string
	for dec.More() {
		tok, _ := dec.Token()
		key := tok.(string)
		var v string
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(key, ".weight") || strings.HasSuffix(key, ".bias") || len(v) == 64 && strings.HasPrefix(key, "tokenizer.") {
			continue
		}
		if n, err := strconv.ParseUint(v, 10, 32); err == nil {
			f.KVs = append(f.KVs, KV{key, uint32(n)})
			expect(&info, arch, key, n)
		} else if x, err := strconv.ParseFloat(v, 32); err == nil {
			f.KVs = append(f.KVs, KV{key, float32(x)})
		} else if b, err := strconv.ParseBool(v); err == nil {
			f.KVs = append(f.KVs, KV{key, b})
		} else {
			f.KVs = append(f.KVs, KV{key, v})
			if key == "general.architecture" {
				arch, info.Architecture = v, v
			}
		}
	}
	return f, info
}
