package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hfcache"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// GetRequest is what `get` is asked (GET_POLICY.md section 1).
type GetRequest struct {
	ID, Label, Revision string
	// Catalog, Machine and Context choose the best variant when no label
	// is given (as check does).
	Catalog compat.Catalog
	Machine fit.Machine
	Context int64
}

// GetFile is one file of the variant to fetch.
type GetFile struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Present is true when the snapshot entry already resolves to a file
	// of the listed size: nothing is fetched.
	Present bool `json:"present"`

	etag   string
	blobID string
	lfs    bool
	// have is the bytes already on disk: the size when the blob exists
	// (only a link is missing), else the .incomplete's size.
	have int64
}

// GetPlan is what get will do: the variant, its files and what is
// missing, before anything is written.
type GetPlan struct {
	Repo    string
	SHA     string
	Variant string
	Format  string
	Files   []GetFile
	// Path is what a worker loads: the first GGUF file's snapshot path,
	// or the snapshot folder of a safetensors variant.
	Path string
	// ToFetch is the bytes still missing, each blob once.
	ToFetch int64
	// Free is the space available at the cache root; FreeKnown is false
	// when it cannot be told.
	Free      uint64
	FreeKnown bool

	cache hfcache.Repo
	ref   string // the ref to write last, "" for none
}

// Complete reports whether every file is present.
func (p GetPlan) Complete() bool {
	for _, f := range p.Files {
		if !f.Present {
			return false
		}
	}
	return true
}

// HFCacheRoot is the Hugging Face cache root of env, absolute, or an error
// when there is none.
func HFCacheRoot(env Env) (string, error) {
	root := hfcache.Root(env.getenv)
	if root == "" {
		return "", hfcache.ErrNoHome
	}
	return filepath.Abs(root)
}

// PlanGet chooses the variant and its files and looks at what the cache
// already holds. It writes nothing.
func (h *Hub) PlanGet(ctx context.Context, req GetRequest) (GetPlan, error) {
	root, err := HFCacheRoot(h.env)
	if err != nil {
		return GetPlan{}, err
	}
	if err := hf.ValidateRepoID(req.ID); err != nil {
		return GetPlan{}, err
	}
	if h.offline {
		return h.planOffline(ctx, root, req)
	}
	var snap hf.Snapshot
	var v fit.Variant
	if req.Label != "" {
		// With a label only the model info is asked.
		if snap, err = h.client.Snapshot(ctx, req.ID, req.Revision); err != nil {
			return GetPlan{}, err
		}
		if v, err = pickLabel(req.ID, listingOf(snap), req.Label); err != nil {
			return GetPlan{}, err
		}
	} else {
		c, err := h.Check(ctx, req.ID, "", req.Revision, req.Catalog, req.Machine, req.Context)
		if err != nil {
			return GetPlan{}, err
		}
		if snap, err = h.client.Blobs(ctx, c.Model.ID, c.Model.SHA); err != nil {
			return GetPlan{}, err
		}
		if v, err = pickBest(req.ID, c); err != nil {
			return GetPlan{}, err
		}
	}
	return planFor(root, req, snap, v)
}

// listingOf is the variants of a snapshot.
func listingOf(s hf.Snapshot) fit.Listing {
	files := make([]fit.File, 0, len(s.Blobs))
	for _, b := range s.Blobs {
		f := fit.File{Path: b.Path}
		if b.Size >= 0 {
			n := uint64(b.Size)
			f.Size = &n
		}
		files = append(files, f)
	}
	return fit.Variants(fit.Repo{Files: files, Parameters: params(s.Model.SafetensorsParams), QuantMethod: s.Model.QuantMethod})
}

// pickLabel finds the variant labelled label: exactly, else ignoring case
// when that names one.
func pickLabel(id string, l fit.Listing, label string) (fit.Variant, error) {
	v, ok := l.Find(label)
	if !ok {
		return v, fmt.Errorf("%s has no variant %q (it has %s)", id, text.OneLine(label, 80), variantNames(l))
	}
	if !v.Complete {
		return v, fmt.Errorf("%s:%s is an incomplete split (%d of %d parts on the Hub): nothing to load", id, v.Name, len(v.Files), v.Parts)
	}
	return v, nil
}

// pickBest is the best variant for the recommended worker (check's
// fit.best), or why there is none.
func pickBest(id string, c Checked) (fit.Variant, error) {
	if !c.Verdict.Compatible {
		return fit.Variant{}, fmt.Errorf("%s is not compatible with any worker in the catalog (see modelbrowser check %s)", id, id)
	}
	if c.Fit == nil {
		return fit.Variant{}, fmt.Errorf("the files of %s could not be judged: name a variant, %s:LABEL (it has %s)", id, id, variantNames(c.Listing))
	}
	best := c.Fit.Best[c.Verdict.RecommendedWorker]
	if best == nil {
		why := "no variant of " + id + " fits this machine for " + c.Verdict.RecommendedWorker
		for _, w := range c.Verdict.Warnings {
			if w.Code == fit.CodeMemTooBig {
				why = strings.TrimSuffix(w.Message, ".")
			}
		}
		return fit.Variant{}, fmt.Errorf("%s; name one to fetch it anyway, %s:LABEL (it has %s)", why, id, variantNames(c.Listing))
	}
	v, ok := c.Listing.Variant(*best)
	if !ok {
		return v, fmt.Errorf("%s has no variant %q", id, *best)
	}
	return v, nil
}

// extraExts are the root files fetched beside safetensors weights.
var extraExts = []string{".json", ".txt", ".model", ".tiktoken", ".jinja", ".py"}

// planFor lays the variant's files out in the cache at root.
func planFor(root string, req GetRequest, snap hf.Snapshot, v fit.Variant) (GetPlan, error) {
	id := snap.Model.ID
	if id == "" {
		id = req.ID
	}
	p := GetPlan{Repo: id, SHA: snap.SHA, Variant: v.Name, Format: v.Format, cache: hfcache.Open(root, id)}
	switch {
	case req.Revision == "":
		p.ref = "main"
	case !hf.IsCommit(req.Revision):
		p.ref = req.Revision
	}
	byPath := make(map[string]hf.Blob, len(snap.Blobs))
	for _, b := range snap.Blobs {
		byPath[b.Path] = b
	}
	var paths []string
	for _, f := range v.Files {
		paths = append(paths, f.Path)
	}
	if v.Format != compat.FormatGGUF {
		var extra []string
		for _, b := range snap.Blobs {
			if strings.Contains(b.Path, "/") {
				continue
			}
			for _, ext := range extraExts {
				if strings.HasSuffix(strings.ToLower(b.Path), ext) {
					extra = append(extra, b.Path)
					break
				}
			}
		}
		sort.Strings(extra)
		paths = append(paths, extra...)
	}
	counted := map[string]bool{}
	for _, fp := range paths {
		b, ok := byPath[fp]
		switch {
		case !ok:
			return p, fmt.Errorf("%s: %s is not in the file list at %s", id, text.OneLine(fp, 100), snap.SHA)
		case !fit.SafePath(fp):
			return p, fmt.Errorf("%s: refusing to fetch %q: not a safe relative path", id, text.OneLine(fp, 100))
		case !hf.ValidEtag(b.Etag()):
			return p, fmt.Errorf("%s: refusing to fetch %s: its etag %q is not 40 or 64 lowercase hex digits", id, text.OneLine(fp, 100), text.OneLine(b.Etag(), 80))
		case b.Size < 0:
			return p, fmt.Errorf("%s: the Hub gives no size for %s", id, text.OneLine(fp, 100))
		}
		f := GetFile{Path: fp, Size: b.Size, SHA256: b.SHA256, etag: b.Etag(), blobID: b.BlobID, lfs: b.SHA256 != ""}
		f.Present = p.cache.Present(p.SHA, fp, b.Size)
		switch {
		case f.Present:
			f.have = b.Size
		case p.cache.HasBlob(f.etag, b.Size):
			f.have = b.Size
		default:
			if n := p.cache.IncompleteSize(f.etag); n <= b.Size {
				f.have = n
			}
		}
		if !f.Present && !counted[f.etag] {
			p.ToFetch += b.Size - f.have
			counted[f.etag] = true
		}
		p.Files = append(p.Files, f)
	}
	if len(p.Files) == 0 {
		return p, fmt.Errorf("%s:%s has no file to fetch", id, v.Name)
	}
	if v.Format == compat.FormatGGUF {
		p.Path = p.cache.SnapshotFile(p.SHA, p.Files[0].Path)
	} else {
		p.Path = p.cache.Snapshot(p.SHA)
	}
	return p, nil
}

// planOffline plans from the cache alone: the ref names the snapshot, the
// variant comes from the cached model info or the snapshot's files.
func (h *Hub) planOffline(ctx context.Context, root string, req GetRequest) (GetPlan, error) {
	repo := hfcache.Open(root, req.ID)
	sha := req.Revision
	if !hf.IsCommit(sha) {
		ref := sha
		if ref == "" {
			ref = "main"
		}
		var ok bool
		if sha, ok = repo.ReadRef(ref); !ok || !hf.IsCommit(sha) {
			return GetPlan{}, fmt.Errorf("offline: %s has no refs/%s in %s; get it once online", req.ID, ref, root)
		}
	}
	snap, err := h.client.Blobs(ctx, req.ID, sha)
	if err != nil {
		// The answer a get with a label asked, if it names this commit.
		if s, e := h.client.Snapshot(ctx, req.ID, req.Revision); e == nil && s.SHA == sha {
			snap, err = s, nil
		}
	}
	if err != nil {
		snap, err = snapshotFromDisk(repo, req.ID, sha)
		if err != nil {
			return GetPlan{}, err
		}
	}
	l := listingOf(snap)
	var v fit.Variant
	switch {
	case req.Label != "":
		if v, err = pickLabel(req.ID, l, req.Label); err != nil {
			err = fmt.Errorf("offline: %w", err)
		}
	default:
		var c Checked
		if c, err = h.Check(ctx, req.ID, "", sha, req.Catalog, req.Machine, req.Context); err == nil {
			v, err = pickBest(req.ID, c)
		} else {
			v, err = onlyVariant(req.ID, l)
		}
	}
	if err != nil {
		return GetPlan{}, err
	}
	p, err := planFor(root, req, snap, v)
	if err != nil {
		return p, err
	}
	if !p.Complete() {
		return p, fmt.Errorf("offline: %s:%s is not all in the cache (%s missing); run get online", req.ID, v.Name, text.Bytes(p.ToFetch))
	}
	return p, nil
}

// snapshotFromDisk lists a snapshot's files as a model info would, with
// the sizes on disk (no hashes: only present files are ever used).
func snapshotFromDisk(repo hfcache.Repo, id, sha string) (hf.Snapshot, error) {
	snap := hf.Snapshot{SHA: sha}
	snap.Model.ID = id
	rs, err := hfcache.Scan(repo.Root)
	if err != nil {
		return snap, err
	}
	for _, r := range rs {
		if r.Dir != repo.Dir {
			continue
		}
		for _, s := range r.Snapshots {
			if s.SHA != sha {
				continue
			}
			for _, f := range s.Files {
				etag := f.Etag
				if !hf.ValidEtag(etag) {
					etag = strings.Repeat("0", 40) // a regular file: present, never fetched
				}
				b := hf.Blob{Path: f.Path, Size: f.Size, BlobID: etag}
				if len(etag) == 64 {
					b.BlobID, b.SHA256 = "", etag
				}
				snap.Blobs = append(snap.Blobs, b)
			}
			return snap, nil
		}
	}
	return snap, fmt.Errorf("offline: no snapshot of %s at %s in %s", id, sha, repo.Root)
}

// onlyVariant is the one complete variant of a listing, for an offline
// get without a label and without a cached verdict.
func onlyVariant(id string, l fit.Listing) (fit.Variant, error) {
	var found []fit.Variant
	for _, v := range l.Variants {
		if v.Complete {
			found = append(found, v)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return fit.Variant{}, fmt.Errorf("offline: no cached verdict for %s to choose a variant: name one, %s:LABEL (the cache has %s)", id, id, variantNames(l))
}

// contentSHA256 is the sha256 of a present non-LFS file, for --json.
func contentSHA256(p string) string {
	b, err := readSmall(p)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Root is the cache root the plan writes under.
func (p GetPlan) Root() string { return p.cache.Root }

// WithHashes is the plan's files with the sha256 of each present file's
// content filled in (read from disk for files not in LFS).
func (p GetPlan) WithHashes() []GetFile {
	out := append([]GetFile(nil), p.Files...)
	for i := range out {
		if out[i].SHA256 == "" && out[i].Present {
			out[i].SHA256 = contentSHA256(p.cache.SnapshotFile(p.SHA, out[i].Path))
		}
	}
	return out
}
