package app

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// realListLines are the items of the recorded real list pages, one JSON
// line each.
func realListLines(tb testing.TB) []byte {
	tb.Helper()
	files, err := filepath.Glob("../hf/testdata/hub-recordings/list__*.json")
	if err != nil || len(files) == 0 {
		tb.Fatal("no recorded list pages")
	}
	var out bytes.Buffer
	for _, f := range files {
		if filepath.Ext(f[:len(f)-5]) == ".headers" {
			continue
		}
		body, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var items []jsontext.Value
		if err := json.Unmarshal(body, &items); err != nil {
			tb.Fatal(err)
		}
		for _, it := range items {
			it.Compact()
			out.Write(it)
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

// BenchmarkJudgeRealLines judges the recorded real list items as JSON
// lines (about 3,000 a run): see BENCHMARKS.md for the comparison with
// jq on 100,000 of them.
func BenchmarkJudgeRealLines(b *testing.B) {
	in := realListLines(b)
	s, err := OpenLocal(context.Background(), Env{}, "", Overrides{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		n, err := s.Judge(bytes.NewReader(in), io.Discard, JudgeOptions{}, func(string, string) {})
		if err != nil || n.Skipped > 0 {
			b.Fatal(err, n)
		}
	}
}
