// Package hfcache is the Hugging Face hub cache as huggingface_hub and
// @huggingface/hub lay it out (GET_POLICY.md section 2): the cache root,
// each repository's blobs, snapshots and refs, the lock files beside them,
// relative links and a scan of what the cache holds. It knows nothing of
// HTTP; internal/app fetches into it.
package hfcache

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Root is the cache root, in the order both official clients read it:
// HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME/hub,
// XDG_CACHE_HOME/huggingface/hub, ~/.cache/huggingface/hub. "" when none
// can be made (no HOME).
func Root(getenv func(string) string) string {
	if d := getenv("HF_HUB_CACHE"); d != "" {
		return expandHome(d, getenv)
	}
	if d := getenv("HUGGINGFACE_HUB_CACHE"); d != "" {
		return expandHome(d, getenv)
	}
	if d := getenv("HF_HOME"); d != "" {
		return filepath.Join(expandHome(d, getenv), "hub")
	}
	if d := getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(expandHome(d, getenv), "huggingface", "hub")
	}
	if d := getenv("HOME"); d != "" {
		return filepath.Join(d, ".cache", "huggingface", "hub")
	}
	return ""
}

// expandHome expands a leading "~" as Python's expanduser does.
func expandHome(p string, getenv func(string) string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, p[1:])
		}
	}
	return p
}

// FolderName is the folder of a model repository: "models--" + the id
// with each "/" as "--".
func FolderName(id string) string { return "models--" + strings.ReplaceAll(id, "/", "--") }

// Repo is one model repository's place in a cache.
type Repo struct {
	Root string
	ID   string
	// Dir is Root/models--ORG--NAME.
	Dir string
}

// Open names the repository id's place under root (nothing is touched).
func Open(root, id string) Repo {
	return Repo{Root: root, ID: id, Dir: filepath.Join(root, FolderName(id))}
}

// Blob is the path of the blob etag.
func (r Repo) Blob(etag string) string { return filepath.Join(r.Dir, "blobs", etag) }

// Incomplete is the path of the blob etag while it downloads.
func (r Repo) Incomplete(etag string) string { return r.Blob(etag) + ".incomplete" }

// Snapshot is the folder of the commit sha.
func (r Repo) Snapshot(sha string) string { return filepath.Join(r.Dir, "snapshots", sha) }

// SnapshotFile is the path of the repo file p (slash-separated, checked
// with fit.SafePath by the caller) at the commit sha.
func (r Repo) SnapshotFile(sha, p string) string {
	return filepath.Join(r.Snapshot(sha), filepath.FromSlash(p))
}

// LockFile is the lock huggingface_hub takes for the blob etag.
func (r Repo) LockFile(etag string) string {
	return filepath.Join(r.Root, ".locks", FolderName(r.ID), etag+".lock")
}

// Ref is the path of the ref name ("main", a tag, a branch).
func (r Repo) Ref(name string) string { return filepath.Join(r.Dir, "refs", filepath.FromSlash(name)) }

// ReadRef reads the commit a ref names, verbatim; ok is false when there
// is none.
func (r Repo) ReadRef(name string) (string, bool) {
	b, err := os.ReadFile(r.Ref(name))
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(string(b)), true
}

// WriteRef makes the ref name hold sha (exactly the 40 characters, no
// newline) by a temporary file and a rename, only when it differs.
func (r Repo) WriteRef(name, sha string) error {
	if cur, ok := r.ReadRef(name); ok && cur == sha {
		return nil
	}
	p := r.Ref(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		return err
	}
	return replaceFile(p, ".ref-*.tmp", func(w io.Writer) error {
		_, err := io.WriteString(w, sha)
		return err
	})
}

// replaceFile writes dst whole through a temporary file beside it (named
// by pattern), given a new file's mode, and a rename: a reader sees the
// old file or the new one, never a part. The temporary file never stays.
func replaceFile(dst, pattern string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(dst), pattern)
	if err != nil {
		return err
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	_ = os.Chmod(tmp.Name(), NewFileMode())
	if err := os.Rename(tmp.Name(), dst); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// Present reports whether the snapshot entry of p at sha resolves to a
// regular file of size bytes (size < 0: any size): such a file is never
// fetched again.
func (r Repo) Present(sha, p string, size int64) bool {
	fi, err := os.Stat(r.SnapshotFile(sha, p))
	return err == nil && fi.Mode().IsRegular() && (size < 0 || fi.Size() == size)
}

// HasBlob reports whether blobs/etag is a regular file of size bytes.
func (r Repo) HasBlob(etag string, size int64) bool {
	fi, err := os.Lstat(r.Blob(etag))
	return err == nil && fi.Mode().IsRegular() && (size < 0 || fi.Size() == size)
}

// IncompleteSize is the size of blobs/etag.incomplete, 0 when absent.
func (r Repo) IncompleteSize(etag string) int64 {
	fi, err := os.Lstat(r.Incomplete(etag))
	if err != nil || !fi.Mode().IsRegular() {
		return 0
	}
	return fi.Size()
}

// Link makes the snapshot entry of p at sha point at blobs/etag: a
// relative symlink (one more ../ per folder in p), made under a temporary
// name beside it and renamed over. Where symlinks cannot be made, the
// entry is a copy of the blob.
func (r Repo) Link(sha, p, etag string) error {
	dst := r.SnapshotFile(sha, p)
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	rel, err := filepath.Rel(dir, r.Blob(etag))
	if err != nil {
		return err
	}
	if cur, err := os.Readlink(dst); err == nil && cur == rel {
		return nil
	}
	tmp := filepath.Join(dir, "."+filepath.Base(dst)+".link-tmp")
	_ = os.Remove(tmp)
	if err := os.Symlink(rel, tmp); err != nil {
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, errors.ErrUnsupported) {
			return copyFile(r.Blob(etag), dst)
		}
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// copyFile copies src to dst through a temporary file and a rename.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return replaceFile(dst, ".copy-*.tmp", func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// FindBlob looks for a finished blob of etag with size bytes anywhere in
// the repository: blobs/etag itself (another snapshot's, or
// @huggingface/hub's, which files a main download under the file's last
// commit).
func (r Repo) FindBlob(etag string, size int64) bool { return r.HasBlob(etag, size) }

// Commit makes a finished download the blob etag: fsync, the mode of a new
// file, then a rename in the same folder.
func Commit(f *os.File, blob string) error {
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Chmod(NewFileMode()); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), blob)
}

// ErrNoHome is Root's failure to find any cache folder.
var ErrNoHome = fmt.Errorf("no Hugging Face cache folder: set HF_HUB_CACHE or HF_HOME (HOME is not set)")
