package hf

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

// fillAll sets every field of v (a pointer), recursively, to a value that
// is not the zero value and differs from field to field: a field the memo
// forgets, or generated code that no longer matches its types, comes back
// different.
func fillAll(t *testing.T, v reflect.Value, seed *int) {
	t.Helper()
	*seed++
	n := *seed
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d-ü\x00", n))
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(n) * 1_000_003)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fillAll(t, s.Index(i), seed)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fillAll(t, k, seed)
			fillAll(t, e, seed)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2024, 5, 6, 7, 8, 9, n, time.FixedZone("", 3600*2))))
			return
		}
		for i := range v.NumField() {
			require.True(t, v.Type().Field(i).IsExported(), "%s.%s: an unexported field the memo cannot see", v.Type(), v.Type().Field(i).Name)
			fillAll(t, v.Field(i), seed)
		}
	default:
		t.Fatalf("fillAll: no filler for %s (%s): teach the memo and this test about it", v.Type(), v.Kind())
	}
}

// roundTrip writes a page as the memo does and reads it back.
func roundTrip(t *testing.T, lp listPage) listPage {
	t.Helper()
	mp, ok := memoOf(lp)
	require.True(t, ok)
	data, err := mp.MarshalMsg(nil)
	require.NoError(t, err)
	var back memoPage
	rest, err := back.UnmarshalMsg(data)
	require.NoError(t, err)
	require.Empty(t, rest)
	got, ok := back.listPage()
	require.True(t, ok)
	return got
}

// TestPageMemoRoundTrip: every field of compat.Model and Dropped comes
// back from the memo as it went in, nil as nil and empty as empty (the
// JSON output tells null from []), times in their zone.
func TestPageMemoRoundTrip(t *testing.T) {
	seed := 0
	var full compat.Model
	fillAll(t, reflect.ValueOf(&full).Elem(), &seed)
	var dropped Dropped
	fillAll(t, reflect.ValueOf(&dropped).Elem(), &seed)

	empty := compat.Model{ID: "a/b", Tags: []string{}, Files: []string{}, BaseModels: []string{}, SafetensorsParams: map[string]int64{},
		Formats: compat.Formats{Values: []string{}}}
	utc := compat.Model{ID: "a/c", LastModified: time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)}
	pages := map[string]listPage{
		"every field set":      {models: []compat.Model{full, full}, dropped: []Dropped{dropped}},
		"nil everything":       {},
		"empty, not nil":       {models: []compat.Model{}, dropped: []Dropped{}},
		"empty slices and map": {models: []compat.Model{empty}},
		"zero model":           {models: []compat.Model{{}}},
		"UTC time":             {models: []compat.Model{utc}},
	}
	for name, lp := range pages {
		t.Run(name, func(t *testing.T) {
			got := roundTrip(t, lp)
			require.Equal(t, lp, got)
			for i := range lp.models {
				for _, pair := range [][2]any{{lp.models[i].Tags, got.models[i].Tags}, {lp.models[i].Files, got.models[i].Files},
					{lp.models[i].Formats.Values, got.models[i].Formats.Values}, {lp.models[i].BaseModels, got.models[i].BaseModels},
					{lp.models[i].SafetensorsParams, got.models[i].SafetensorsParams}} {
					assert.Equal(t, reflect.ValueOf(pair[0]).IsNil(), reflect.ValueOf(pair[1]).IsNil(), "nil must stay nil, empty empty")
				}
				assert.Equal(t, lp.models[i].LastModified.Location().String(), got.models[i].LastModified.Location().String())
				assert.Equal(t, lp.models[i].LastModified.Format(time.RFC3339Nano), got.models[i].LastModified.Format(time.RFC3339Nano))
			}
			assert.Equal(t, lp.models == nil, got.models == nil)
			assert.Equal(t, lp.dropped == nil, got.dropped == nil)
		})
	}
}

// TestPageMemoOfRealPages: what the memo gives back is what DecodeList
// gives, for every fixture and synthetic model of the fake Hub.
func TestPageMemoOfRealPages(t *testing.T) {
	var all []hubtest.Repo
	all = append(all, hubtest.Fixtures()...)
	all = append(all, hubtest.Synthetic(300)...)
	for start := 0; start < len(all); start += 50 {
		body := []byte{'['}
		for i, r := range all[start:min(start+50, len(all))] {
			if i > 0 {
				body = append(body, ',')
			}
			body = append(body, hubtest.ModelJSON(r, ListExpand...)...)
		}
		body = append(body, ']')
		ms, dropped, err := DecodeList(body)
		require.NoError(t, err)
		lp := listPage{ms, dropped}
		require.Equal(t, lp, roundTrip(t, lp), "models %d-", start)
	}
}

// memoHarness is a client over a real cache store in a directory.
type memoHarness struct {
	hub   *hubtest.Server
	store *cache.Store
	dir   string
}

func newMemoHarness(t *testing.T) *memoHarness {
	t.Helper()
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 20})
	dir := t.TempDir()
	st, err := cache.Open(dir, cache.Options{})
	require.NoError(t, err)
	return &memoHarness{hub: hub, store: st, dir: dir}
}

func (h *memoHarness) client(t *testing.T, mods ...func(*Config)) *Client {
	t.Helper()
	c, _ := newTestClient(t, h.hub.URL, append([]func(*Config){func(cfg *Config) { cfg.Cache = h.store }}, mods...)...)
	return c
}

// pageKey is the cache key of the first page.
func pageKey(t *testing.T, c *Client) string {
	t.Helper()
	u, err := c.pageURL(ListOptions{}, "")
	require.NoError(t, err)
	return cache.Key(http.MethodGet, u, cache.TokenFingerprint(testToken))
}

// firstPage lists the first page and returns it with its cache entry.
func (h *memoHarness) firstPage(t *testing.T, c *Client) (Page, cache.Entry) {
	t.Helper()
	p, err := c.ListPage(context.Background(), ListOptions{}, "")
	require.NoError(t, err)
	e, ok := h.store.Get(pageKey(t, c))
	require.True(t, ok, "the page is cached")
	require.Equal(t, sha256.Sum256(e.Body), e.Sum, "Get gives the body's checksum")
	return p, e
}

// TestPageMemoWrittenAndRead: a page fetched from the Hub is stored with
// its memo; the next read of the page is answered by the memo (a memo
// changed on purpose shows through), not by the page's body, and gives the
// same models as decoding the body.
func TestPageMemoWrittenAndRead(t *testing.T) {
	h := newMemoHarness(t)
	cold, entry := h.firstPage(t, h.client(t))
	require.NotEmpty(t, entry.Aux, "the cold read wrote the memo")
	lp, ok := recallPage(entry.Aux)
	require.True(t, ok)
	assert.Equal(t, cold.Models, lp.models)

	warm, _ := h.firstPage(t, h.client(t))
	assert.True(t, warm.Meta.FromCache)
	assert.Equal(t, cold.Models, warm.Models)
	assert.Equal(t, cold.Next, warm.Next, "the next link comes from the page's entry")
	plain, _ := h.firstPage(t, h.client(t, func(cfg *Config) { cfg.NoPageMemo = true }))
	assert.Equal(t, cold.Models, plain.Models)
	assert.Equal(t, 1, h.hub.Count(hubtest.RouteList))

	// A memo of this build that says something else: proof that the
	// memo, not the body, answers; --refresh bypasses it.
	lie := listPage{models: []compat.Model{{ID: "memo/answered"}}}
	lied := entry
	lied.Aux = pageMemoOf(lie)
	require.NoError(t, h.store.Put(lied))
	got, _ := h.firstPage(t, h.client(t))
	assert.Equal(t, lie.models, got.Models)
	refreshed, _ := h.firstPage(t, h.client(t, func(cfg *Config) { cfg.Refresh = true }))
	assert.Equal(t, cold.Models, refreshed.Models, "--refresh reads no memo")
	require.NoError(t, h.store.Put(lied))
	plain, _ = h.firstPage(t, h.client(t, func(cfg *Config) { cfg.NoPageMemo = true }))
	assert.Equal(t, cold.Models, plain.Models)
}

// TestPageMemoUnusableIsRewritten: a memo from another build, one that
// does not read, or none is ignored: the page is decoded from its body,
// the answer is right, no error, no request, and the entry is stored
// again with a good memo.
func TestPageMemoUnusableIsRewritten(t *testing.T) {
	h := newMemoHarness(t)
	cold, good := h.firstPage(t, h.client(t))
	otherBuild := append([]byte{}, good.Aux...)
	otherBuild[0] ^= 1
	cases := map[string][]byte{
		"another build": otherBuild,
		"not msgpack":   append(append([]byte{}, buildStamp()...), 0xc1, 0x00, 0xff),
		"truncated":     good.Aux[:len(good.Aux)-3],
		"stamp only":    buildStamp(),
		"none":          nil,
	}
	for name, aux := range cases {
		t.Run(name, func(t *testing.T) {
			spoiled := good
			spoiled.Aux = aux
			require.NoError(t, h.store.Put(spoiled))
			got, again := h.firstPage(t, h.client(t))
			assert.Equal(t, cold.Models, got.Models)
			assert.Equal(t, good.Aux, again.Aux, "written again")
			assert.Equal(t, good.Body, again.Body)
		})
	}
	assert.Equal(t, 1, h.hub.Count(hubtest.RouteList), "never a request for it")

	// A damaged body under an intact memo: the memo, made from the body
	// as it was, still answers.
	path := filepath.Join(h.dir, cache.FileName(good.Key))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[len(data)-1] ^= 0xff
	require.NoError(t, os.WriteFile(path, data, 0o600))
	p, err := h.client(t).ListPage(context.Background(), ListOptions{}, "")
	require.NoError(t, err)
	assert.Equal(t, cold.Models, p.Models)
	assert.Equal(t, 1, h.hub.Count(hubtest.RouteList))
}

// FuzzRecallPage: a memo that is not one this build wrote (a damaged or
// forged cache file whose checksums were made right) never panics: it is
// a page or a miss.
func FuzzRecallPage(f *testing.F) {
	ms, dropped, err := DecodeList(listPageBody(3))
	require.NoError(f, err)
	good := pageMemoOf(listPage{ms, dropped})
	stamp := buildStamp()
	f.Add(good[len(stamp):])
	f.Add(good[len(stamp) : len(good)/2])
	f.Add([]byte{0x92, 0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		recallPage(append(append([]byte{}, stamp...), data...))
	})
}

// BenchmarkPageMemoRead reads back the memo of a page of 100 models: what
// a warm search does instead of BenchmarkDecodeListPage.
func BenchmarkPageMemoRead(b *testing.B) {
	ms, dropped, err := DecodeList(listPageBody(100))
	require.NoError(b, err)
	aux := pageMemoOf(listPage{ms, dropped})
	b.SetBytes(int64(len(aux)))
	b.ReportAllocs()
	for b.Loop() {
		lp, ok := recallPage(aux)
		if !ok || len(lp.models) != 100 {
			b.Fatal("memo unread")
		}
	}
}

// BenchmarkPageMemoWrite makes the memo of a page of 100 models: what a
// cold search adds to each page.
func BenchmarkPageMemoWrite(b *testing.B) {
	ms, dropped, err := DecodeList(listPageBody(100))
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if pageMemoOf(listPage{ms, dropped}) == nil {
			b.Fatal("no memo")
		}
	}
}
