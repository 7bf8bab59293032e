package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type localJSON struct {
	Root string
	Rows []struct {
		Repo, Variant, Format, Commit, Worker, Fit, Path string
		Size                                             int64
		Complete, Compatible                             bool
	}
	Total int64
}

// TestBinaryLocal: local lists what get wrote and what the official
// clients lay out by hand, judged from the files alone, with no request.
func TestBinaryLocal(t *testing.T) {
	b, root := newGetBin(t)
	require.Equal(t, 0, b.run("get", "getorg/tiny-GGUF:Q4_K_M").code)
	require.Equal(t, 0, b.run("get", "getorg/tiny-safetensors").code)

	// A repo laid out as huggingface_hub does: a blob, a relative link,
	// refs/main; and another client's unfinished download.
	content, err := b.hub.Content("getorg/split-GGUF", "Q8_0/split-Q8_0-00001-of-00003.gguf")
	require.NoError(t, err)
	dir := filepath.Join(root, "models--other--hand-GGUF")
	sha := strings.Repeat("ab", 20)
	etag := strings.Repeat("cd", 32)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "blobs"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "snapshots", sha), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "refs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "blobs", etag), content[:1<<20], 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "blobs", strings.Repeat("ef", 32)+".1a2b3c4d.incomplete"), make([]byte, 1000), 0o644))
	require.NoError(t, os.Symlink("../../blobs/"+etag, filepath.Join(dir, "snapshots", sha, "hand-Q2_K.gguf")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "refs", "main"), []byte(sha), 0o644))

	b.hub.ResetRequests()
	r := b.run("local", "--json")
	require.Equal(t, 0, r.code, "%s", r)
	assert.Empty(t, b.hub.Requests(), "local sends no request")
	var l localJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &l))
	var got []string
	for _, row := range l.Rows {
		got = append(got, row.Repo+":"+row.Variant)
	}
	assert.Equal(t, []string{"getorg/tiny-GGUF:Q4_K_M", "getorg/tiny-safetensors:safetensors", "other/hand-GGUF:Q2_K", "other/hand-GGUF:(partial)"}, got)
	var sum int64
	for _, row := range l.Rows {
		sum += row.Size
	}
	assert.Equal(t, sum, l.Total)
	hand := l.Rows[2]
	assert.Equal(t, int64(1<<20), hand.Size)
	assert.Equal(t, sha, hand.Commit)
	assert.True(t, hand.Complete)
	assert.True(t, hand.Compatible, "judged from the GGUF header on disk")
	assert.Equal(t, "fits", hand.Fit)
	assert.Equal(t, filepath.Join(dir, "snapshots", sha, "hand-Q2_K.gguf"), hand.Path)
	assert.False(t, l.Rows[3].Complete)
	assert.Equal(t, int64(1000), l.Rows[3].Size)
	st := l.Rows[1]
	assert.True(t, st.Compatible, "judged from config.json in the snapshot")
	assert.Equal(t, strings.TrimSpace(b.run("get", "getorg/tiny-safetensors", "--offline").stdout), st.Path)

	r = b.run("local")
	require.Equal(t, 0, r.code, "%s", r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 6)
	assert.True(t, strings.HasPrefix(lines[0], "REPO "))
	assert.True(t, strings.HasPrefix(lines[5], "total "))
	requireInert(t, "local", r.stdout)
}
