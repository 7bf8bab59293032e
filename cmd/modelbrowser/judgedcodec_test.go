package main

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// fill sets every exported field reachable from v to a value of its own,
// so that a field added to compat's types and forgotten here fails the
// round trip.
func fillJudged(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+*seed%26)) + "\x00\xff")
	case reflect.Bool:
		v.SetBool(*seed%2 == 0)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*seed) * -1234567890123)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillJudged(v.Elem(), seed)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fillJudged(v.Index(0), seed)
		fillJudged(v.Index(1), seed)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2025, 3, 4, 5, 6, 7, 8, time.UTC)))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillJudged(v.Field(i), seed)
			}
		}
	default:
		panic("fill: add a case for " + v.Kind().String())
	}
}

func judgedPage(t testing.TB) []compat.Judged {
	cat := compat.DefaultCatalog()
	var js []compat.Judged
	for _, r := range append(hubtest.Fixtures(), hubtest.Synthetic(100)...) {
		m, err := hf.DecodeModel(hubtest.ModelJSON(r, hf.ListExpand...))
		require.NoError(t, err)
		js = append(js, compat.Judged{Model: m, Verdict: compat.Check(m, cat)})
	}
	return js
}

func TestJudgedRoundTrip(t *testing.T) {
	js := judgedPage(t)
	var full compat.Judged
	seed := 0
	fillJudged(reflect.ValueOf(&full).Elem(), &seed)
	empty := compat.Judged{
		Model:   compat.Model{Tags: []string{}, Files: []string{}, Formats: compat.Formats{Values: []string{}}},
		Verdict: compat.Verdict{Formats: []string{}, Reasons: []compat.Message{}, Warnings: []compat.Message{}, Recommendations: []string{}, Evidence: []compat.Evidence{}, Workers: []compat.WorkerResult{{Reasons: []compat.Message{}}}},
	}
	local := compat.Judged{Model: compat.Model{ID: "x", LastModified: time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("", 2*3600))}}
	js = append(js, full, compat.Judged{}, empty, local)
	for _, page := range [][]compat.Judged{js, {}, nil} {
		got, err := decodeJudged(encodeJudged(page))
		require.NoError(t, err)
		require.Len(t, got, len(page))
		for i := range page {
			require.Equal(t, page[i], got[i], "%d", i)
			assert.True(t, page[i].Model.LastModified.Equal(got[i].Model.LastModified))
		}
	}
}

func TestJudgedSlicesDoNotShare(t *testing.T) {
	got, err := decodeJudged(encodeJudged(judgedPage(t)[:3]))
	require.NoError(t, err)
	tags := append(got[0].Model.Tags, "appended")
	assert.Equal(t, "appended", tags[len(tags)-1])
	assert.NotEqual(t, "appended", got[0].Model.Files[0])
	again, _ := decodeJudged(encodeJudged(judgedPage(t)[:3]))
	assert.Equal(t, again[1], got[1])
}

func TestJudgedDecodeRefusesDamage(t *testing.T) {
	b := encodeJudged(judgedPage(t)[:5])
	for _, bad := range [][]byte{nil, []byte("MBJ"), []byte("XXXX"), b[:len(b)-1], append(append([]byte{}, b...), 0)} {
		_, err := decodeJudged(bad)
		assert.ErrorIs(t, err, errCorruptJudged)
	}
}

func FuzzDecodeJudged(f *testing.F) {
	f.Add(encodeJudged(judgedPage(f)[:3]))
	f.Add(encodeJudged(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		js, err := decodeJudged(b)
		if err == nil {
			if _, err := decodeJudged(encodeJudged(js)); err != nil {
				t.Fatal("re-encoded data does not decode")
			}
		}
	})
}

func BenchmarkDecodeJudgedPage(b *testing.B) {
	data := encodeJudged(judgedPage(b)[:100])
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeJudged(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeJudgedPage(b *testing.B) {
	js := judgedPage(b)[:100]
	b.ReportAllocs()
	for b.Loop() {
		encodeJudged(js)
	}
}
