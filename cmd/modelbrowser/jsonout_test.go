package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// encodingJSON is what search --json printed before appendSearchResult:
// json.Encoder through jsonInert.
func encodingJSON(t testing.TB, v any) []byte {
	var buf bytes.Buffer
	require.NoError(t, json.NewEncoder(jsonInert{&buf}).Encode(v))
	return buf.Bytes()
}

// fill sets every field reachable from v to a value of its own, so that a
// field added to the verdict types shows up in the comparison.
func fill(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s<&>\u2028\x7f\u009b\u202e\"\\\n" + string(rune('a'+*seed%26)))
	case reflect.Bool:
		v.SetBool(*seed%2 == 0)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*seed) * -12345678901)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), seed)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(v.Index(0), seed)
		fill(v.Index(1), seed)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), seed)
			}
		}
	}
}

func TestAppendSearchResultMatchesEncodingJSON(t *testing.T) {
	var results []searchResult
	cat := compat.DefaultCatalog()
	for _, r := range append(hubtest.Fixtures(), hubtest.Synthetic(40)...) {
		m, err := hf.DecodeModel(hubtest.ModelJSON(r, hf.ListExpand...))
		require.NoError(t, err)
		results = append(results, searchResult{Verdict: compat.Check(m, cat), Downloads: m.Downloads, Likes: m.Likes})
	}
	results = append(results, searchResult{}) // every slice and pointer nil
	var full searchResult
	seed := 0
	fill(reflect.ValueOf(&full).Elem(), &seed)
	results = append(results, full)
	empty := searchResult{Verdict: compat.Verdict{Formats: []string{}, Reasons: []compat.Message{}, Workers: []compat.WorkerResult{{}}}}
	results = append(results, empty)
	for _, r := range results {
		require.Equal(t, string(encodingJSON(t, r)), string(appendSearchResult(nil, r)), "%s", r.ID)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "<a href='x'>&amp;</a>", "\x00\x01\x1b[31m\x7f", "\u0080\u009b\u009f\u00a0", "\u2028\u2029",
		"\u200e\u200f\u202a\u202e\u2066\u2069\u2070", "bad \xff\xfe utf8 \xe2\x82", "\ufffd", "tab\tnl\nq\"bs\\", "é中😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := encodingJSON(t, s)
		got := append(appendJSONString(nil, s), '\n')
		if !bytes.Equal(want, got) {
			t.Fatalf("%q: encoding/json %q, appendJSONString %q", s, want, got)
		}
	})
}
