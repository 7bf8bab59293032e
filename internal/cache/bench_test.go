package cache

import (
	"fmt"
	"testing"
	"time"
)

var benchSizes = []struct {
	name string
	size int
}{{"small", 512}, {"200KB", 200 << 10}}

func benchEntry(key string, size int) Entry {
	body := make([]byte, size)
	for i := range body {
		body[i] = byte(i)
	}
	return Entry{
		Key:       key,
		FetchedAt: time.Now(),
		ETag:      `"0123456789abcdef"`,
		Status:    200,
		Header:    map[string]string{"Content-Type": "application/json", "Link": `<https://huggingface.co/api/models?cursor=abc>; rel="next"`},
		Body:      body,
	}
}

func BenchmarkGetHit(b *testing.B) {
	for _, bs := range benchSizes {
		b.Run(bs.name, func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			key := Key("GET", "https://huggingface.co/api/models/org/name", "anon")
			if err := s.Put(benchEntry(key, bs.size)); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(bs.size))
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := s.Get(key); !ok {
					b.Fatal("miss")
				}
			}
		})
	}
}

func BenchmarkPut(b *testing.B) {
	for _, bs := range benchSizes {
		b.Run(bs.name, func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			entries := make([]Entry, 16) // a few keys: overwrites, as revalidation does
			for i := range entries {
				entries[i] = benchEntry(fmt.Sprint("https://huggingface.co/api/models/org/name-", i), bs.size)
			}
			b.SetBytes(int64(bs.size))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := s.Put(entries[i%len(entries)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func BenchmarkDecodeEnvelope(b *testing.B) {
	for _, bs := range benchSizes {
		b.Run(bs.name, func(b *testing.B) {
			env := EncodeEnvelope(benchEntry("k", bs.size))
			b.SetBytes(int64(len(env)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeEnvelope(env); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
