package hf

import (
	"bytes"
	"testing"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// listPageBody is a page of n models as /api/models answers it with
// ListExpand: about 1.8 KB a model, real shapes.
func listPageBody(n int) []byte {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, r := range hubtest.Synthetic(n) {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(hubtest.ModelJSON(r, ListExpand...))
	}
	buf.WriteByte(']')
	return buf.Bytes()
}

func BenchmarkDecodeListPage(b *testing.B) {
	body := listPageBody(100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		ms, dropped, err := DecodeList(body)
		if err != nil || len(ms) != 100 || len(dropped) != 0 {
			b.Fatal(err, len(ms), dropped)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	var body []byte
	for _, r := range hubtest.Fixtures() {
		if r.ID == "meta-llama/Llama-3.1-8B-Instruct" {
			body = hubtest.ModelJSON(r, ListExpand...)
		}
	}
	cat := compat.DefaultCatalog()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := DecodeModel(body)
		if err != nil {
			b.Fatal(err)
		}
		if v := compat.Check(m, cat); !v.Compatible {
			b.Fatal("llama judged incompatible")
		}
	}
}

// BenchmarkCheckEngine is BenchmarkCheck without the extraction: the
// engine alone on the same model.
func BenchmarkCheckEngine(b *testing.B) {
	var body []byte
	for _, r := range hubtest.Fixtures() {
		if r.ID == "meta-llama/Llama-3.1-8B-Instruct" {
			body = hubtest.ModelJSON(r, ListExpand...)
		}
	}
	m, err := DecodeModel(body)
	if err != nil {
		b.Fatal(err)
	}
	cat := compat.DefaultCatalog()
	b.ReportAllocs()
	for b.Loop() {
		if v := compat.Check(m, cat); !v.Compatible {
			b.Fatal("llama judged incompatible")
		}
	}
}
