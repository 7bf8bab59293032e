package hfcache

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// CachedRepo is one model repository found in a cache, whoever wrote it.
type CachedRepo struct {
	ID  string
	Dir string
	// Refs are the refs (main, tags, branches) and the commit each names.
	Refs map[string]string
	// Snapshots are the commits with a snapshot folder, in name order.
	Snapshots []CachedSnapshot
	// Incomplete are the downloads left unfinished in blobs/: ours
	// (<etag>.incomplete) and other clients' (<etag>.<hex>.incomplete).
	Incomplete []Partial
}

// CachedSnapshot is one commit's snapshot folder.
type CachedSnapshot struct {
	SHA   string
	Dir   string
	Files []CachedFile
}

// CachedFile is one entry of a snapshot.
type CachedFile struct {
	// Path is the repo path, slash-separated.
	Path string
	// Abs is the snapshot entry's path.
	Abs string
	// Size is the size of the file it resolves to, -1 when it resolves to
	// nothing (a dangling link).
	Size int64
	// Etag is the blob it links to, "" for a regular file.
	Etag string
}

// Partial is an unfinished download.
type Partial struct {
	Etag string
	Size int64
}

// Scan lists the model repositories under root (models--* folders), with
// their refs, snapshots and unfinished downloads. A root that does not
// exist holds nothing; folders that are no repository are skipped.
func Scan(root string) ([]CachedRepo, error) {
	ents, err := os.ReadDir(root)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []CachedRepo
	for _, e := range ents {
		name, ok := strings.CutPrefix(e.Name(), "models--")
		if !ok || !e.IsDir() || name == "" {
			continue
		}
		r := CachedRepo{ID: strings.ReplaceAll(name, "--", "/"), Dir: filepath.Join(root, e.Name()), Refs: map[string]string{}}
		refs := filepath.Join(r.Dir, "refs")
		_ = filepath.WalkDir(refs, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if b, err := os.ReadFile(p); err == nil {
				rel, _ := filepath.Rel(refs, p)
				r.Refs[filepath.ToSlash(rel)] = strings.TrimSpace(string(b))
			}
			return nil
		})
		snaps, _ := os.ReadDir(filepath.Join(r.Dir, "snapshots"))
		for _, s := range snaps {
			if !s.IsDir() {
				continue
			}
			r.Snapshots = append(r.Snapshots, scanSnapshot(s.Name(), filepath.Join(r.Dir, "snapshots", s.Name())))
		}
		blobs, _ := os.ReadDir(filepath.Join(r.Dir, "blobs"))
		for _, b := range blobs {
			etag, ok := strings.CutSuffix(b.Name(), ".incomplete")
			if !ok {
				continue
			}
			if i := strings.IndexByte(etag, '.'); i >= 0 {
				etag = etag[:i] // huggingface_hub >= 1.18: <etag>.<hex>.incomplete
			}
			var size int64
			if fi, err := b.Info(); err == nil {
				size = fi.Size()
			}
			r.Incomplete = append(r.Incomplete, Partial{Etag: etag, Size: size})
		}
		out = append(out, r)
	}
	return out, nil
}

func scanSnapshot(sha, dir string) CachedSnapshot {
	s := CachedSnapshot{SHA: sha, Dir: dir}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		f := CachedFile{Path: filepath.ToSlash(rel), Abs: p, Size: -1}
		if strings.HasPrefix(d.Name(), ".") && (strings.HasSuffix(d.Name(), ".link-tmp") || strings.HasSuffix(d.Name(), ".tmp")) {
			return nil // our own temporary names
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if t, err := os.Readlink(p); err == nil {
				f.Etag = filepath.Base(t)
			}
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			f.Size = fi.Size()
		}
		s.Files = append(s.Files, f)
		return nil
	})
	sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Path < s.Files[j].Path })
	return s
}

// BlobBytes is the size on disk of the repository's blobs (finished and
// unfinished), each counted once.
func (r CachedRepo) BlobBytes() int64 {
	var n int64
	ents, _ := os.ReadDir(filepath.Join(r.Dir, "blobs"))
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
	}
	return n
}
