package app

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/fit"
)

// TestDownloadedReadsTheHubCacheSnapshot: a file of the repo at that
// commit in huggingface_hub's cache (a symlink into blobs, as it makes
// them) is "downloaded"; another commit's, a folder or a dangling link is
// not. HF_HUB_CACHE wins over HF_HOME.
func TestDownloadedReadsTheHubCacheSnapshot(t *testing.T) {
	home := t.TempDir()
	hub := filepath.Join(home, "hub")
	const id, sha, old = "Qwen/Qwen3-8B-GGUF", "0123456789abcdef0123456789abcdef01234567", "fedcba9876543210fedcba9876543210fedcba98"
	repo := filepath.Join(hub, "models--Qwen--Qwen3-8B-GGUF")
	snap := filepath.Join(repo, "snapshots", sha)
	require.NoError(t, os.MkdirAll(filepath.Join(repo, "blobs"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(snap, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "blobs", "abc"), []byte("gguf"), 0o644))
	require.NoError(t, os.Symlink("../../blobs/abc", filepath.Join(snap, "Qwen3-8B-Q4_K_M.gguf")))
	require.NoError(t, os.Symlink("../../blobs/missing", filepath.Join(snap, "Qwen3-8B-Q8_0.gguf")))
	require.NoError(t, os.MkdirAll(filepath.Join(repo, "snapshots", old), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "snapshots", old, "Qwen3-8B-Q6_K.gguf"), []byte("x"), 0o644))

	files := []fit.File{{Path: "Qwen3-8B-Q4_K_M.gguf"}, {Path: "Qwen3-8B-Q8_0.gguf"}, {Path: "Qwen3-8B-Q6_K.gguf"}, {Path: "sub"}}
	vars := map[string]string{"HF_HOME": home}
	env := Env{Getenv: func(k string) string { return vars[k] }}
	assert.Equal(t, map[string]bool{"Qwen3-8B-Q4_K_M.gguf": true}, downloaded(env, id, sha, files))

	vars["HF_HUB_CACHE"] = filepath.Join(home, "elsewhere")
	assert.Empty(t, downloaded(env, id, sha, files), "HF_HUB_CACHE wins")
	assert.Nil(t, downloaded(Env{}, id, sha, files), "no home, no cache")
}

// A sibling path that climbs out of the snapshot is never looked up on
// disk (issue 16 item 7): "../../etc/..." would make the downloaded mark
// an oracle for which files exist on this machine.
func TestDownloadedNeverLooksOutsideTheSnapshot(t *testing.T) {
	home := t.TempDir()
	const id, sha = "o/m", "0123456789abcdef0123456789abcdef01234567"
	snap := filepath.Join(home, "hub", "models--o--m", "snapshots", sha)
	require.NoError(t, os.MkdirAll(snap, 0o755))
	secret := filepath.Join(home, "secret.gguf")
	require.NoError(t, os.WriteFile(secret, []byte("x"), 0o644))
	rel, err := filepath.Rel(snap, secret)
	require.NoError(t, err)
	env := Env{Getenv: func(k string) string { return map[string]string{"HF_HOME": home}[k] }}
	files := []fit.File{{Path: rel}, {Path: secret}, {Path: "./../../../../secret.gguf"}}
	assert.Empty(t, downloaded(env, id, sha, files), "%q exists but is outside the snapshot", rel)
}
