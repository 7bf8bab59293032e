package cache

import (
	"bytes"
	"maps"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clock is an injected Options.Now that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// warnings records Options.Warn calls.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) Warn(msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

func (w *warnings) Count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.msgs)
}

// sampleEntries covers the shapes an envelope must carry exactly.
func sampleEntries() []Entry {
	big := make([]byte, 200<<10)
	for i := range big {
		big[i] = byte(i * 7)
	}
	return []Entry{
		{Key: "k"},
		{
			Key:       Key("GET", "https://huggingface.co/api/models/org/name", TokenFingerprint("")),
			FetchedAt: time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.UTC),
			ETag:      `W/"abc"`,
			Status:    200,
			Header:    map[string]string{"Link": `<https://x/?p=2>; rel="next"`, "Content-Type": "application/json", "": "empty name"},
			Body:      []byte(`{"id":"org/name"}`),
		},
		{Key: "not found", Status: 404, FetchedAt: time.Unix(1, 0).In(time.FixedZone("X", 3600))},
		{Key: "\xff\xfe not utf-8 \x00", ETag: "\x80", Status: -1, Header: map[string]string{"\xff": "\x00"}, Body: []byte{0, 1, 2, 0xff}},
		{Key: "zero time", FetchedAt: time.Time{}, Status: 1 << 40},
		{Key: "big", FetchedAt: time.Unix(-1e12, 999999999), Body: big},
		{Key: "aux", Status: 200, Header: map[string]string{"Link": "<n>"}, Aux: []byte("made of the body \x00\xff"), Body: []byte(`[1,2]`)},
		{Key: "aux, no body", Aux: big[:5000]},
	}
}

// requireSameEntry compares entries as an envelope round trip keeps them:
// the same instant, and an empty Header or Body equal to a nil one.
func requireSameEntry(t testing.TB, want, got Entry) {
	t.Helper()
	require.Equal(t, want.Key, got.Key)
	require.True(t, want.FetchedAt.Equal(got.FetchedAt), "FetchedAt: want %v, got %v", want.FetchedAt, got.FetchedAt)
	require.Equal(t, want.ETag, got.ETag)
	require.Equal(t, want.Status, got.Status)
	require.True(t, len(want.Header) == len(got.Header) && (len(want.Header) == 0 || maps.Equal(want.Header, got.Header)),
		"Header: want %v, got %v", want.Header, got.Header)
	require.True(t, bytes.Equal(want.Body, got.Body), "Body differs (%d vs %d bytes)", len(want.Body), len(got.Body))
	require.True(t, bytes.Equal(want.Aux, got.Aux), "Aux differs (%d vs %d bytes)", len(want.Aux), len(got.Aux))
}

// dirNames lists the names in dir, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	require.NoError(t, err)
	names := make([]string, 0, len(list))
	for _, d := range list {
		names = append(names, d.Name())
	}
	sort.Strings(names)
	return names
}
