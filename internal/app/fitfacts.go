package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/gguf"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hfcache"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Facts reads what m's fit is weighed from: its files with sizes at its
// commit, its shape (a GGUF header of the repo, else its config.json, else
// its base model's config.json) and which files are already in the local
// Hugging Face cache. Every answer is cached for good (they are at a
// commit), so a second look asks nothing.
func (h *Hub) Facts(ctx context.Context, m compat.Model) (fit.Facts, error) {
	facts := fit.Facts{SHA: m.SHA}
	if !hf.IsCommit(m.SHA) {
		return facts, fmt.Errorf("the Hub gave no commit for %s, so its files cannot be listed", m.ID)
	}
	files, err := h.client.Files(ctx, m.ID, m.SHA)
	if err != nil {
		return facts, err
	}
	facts.Listing = fit.Variants(fit.Repo{Files: files, Parameters: params(m.SafetensorsParams), QuantMethod: m.QuantMethod})
	facts.Shape, facts.ShapeUnknown, facts.Tensors = h.shape(ctx, m, facts.Listing)
	if err := ctx.Err(); err != nil {
		return facts, err // interrupted: a reason made of a cancelled read is no answer
	}
	facts.Downloaded = downloaded(h.env, m.ID, m.SHA, files)
	return facts, nil
}

// Requests is how many HTTP requests the Hub client sent so far: what the
// command spent of the Hub's rate limit.
func (h *Hub) Requests() int64 { return h.client.Requests() }

func params(in map[string]int64) map[string]uint64 {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]uint64, len(in))
	for k, v := range in {
		if v > 0 {
			out[k] = uint64(v)
		}
	}
	return out
}

// shape finds the model's shape from the first source that has it (policy
// section 2), or says why none has: a GGUF header that cannot be read, a
// config.json the Hub refuses (401 without a token, 403 to one), one that
// lacks a key, or no source at all. The first reason met is the one
// reported: it is the most specific.
func (h *Hub) shape(ctx context.Context, m compat.Model, l fit.Listing) (*fit.Shape, *fit.ShapeUnknown, *fit.Tensors) {
	var why *fit.ShapeUnknown
	note := func(u *fit.ShapeUnknown) {
		if why == nil {
			why = u
		}
	}
	for _, v := range l.Variants {
		if v.Format != compat.FormatGGUF || !v.Complete || len(v.Files) == 0 {
			continue
		}
		info, _, err := h.client.GGUFInfoWith(ctx, m.ID, m.SHA, v.Files[0].Path, gguf.Options{Tensors: h.speed})
		if err != nil {
			note(fit.UnknownHeader(hubDetail(err)))
		} else if s, u := fit.FromGGUF(info); u == nil {
			var t *fit.Tensors
			if info.Tensors != nil {
				t = &fit.Tensors{File: v.Files[0].Path, Sums: info.Tensors}
			}
			return &s, nil, t
		} else {
			note(u)
		}
		break // all quants of a repo share the shape: one read
	}
	if s, u := h.configShape(ctx, m.ID, m.SHA, m.Architecture.Value); s != nil {
		return s, nil, nil
	} else if u != nil {
		note(u)
	}
	if len(m.BaseModels) > 0 && hf.ValidateRepoID(m.BaseModels[0]) == nil {
		if s, u := h.configShape(ctx, m.BaseModels[0], "main", m.Architecture.Value); s != nil {
			b := s.FromBase()
			return &b, nil, nil
		} else if u != nil {
			note(u)
		}
	}
	if why == nil {
		why = fit.UnknownNoSource("")
	}
	return nil, why, nil
}

// configShape reads a shape from id's config.json at rev. A missing file
// is no reason (the next source is tried); a refusal or a config without
// the keys is.
func (h *Hub) configShape(ctx context.Context, id, rev, arch string) (*fit.Shape, *fit.ShapeUnknown) {
	cfg, err := h.client.ConfigJSON(ctx, id, rev)
	if err != nil {
		return nil, configRefusal(err)
	}
	s, u := fit.FromConfig(cfg, arch)
	if u != nil {
		return nil, u
	}
	return &s, nil
}

// configRefusal is why a config.json that failed to read leaves the shape
// unknown: 401 (no token) is "gated", 403 to a token is "token-refused",
// a token the Hub rejects is "token-refused" too; a missing file is nil
// (no source); anything else says what failed.
func configRefusal(err error) *fit.ShapeUnknown {
	var he *hf.Error
	if errors.As(err, &he) {
		switch {
		case he.Kind == hf.Gated && he.Status == http.StatusForbidden, he.Kind == hf.BadToken:
			return fit.UnknownTokenRefused()
		case he.Kind == hf.Gated:
			return fit.UnknownGated()
		case he.Kind == hf.NotFound:
			return nil
		}
	}
	return fit.UnknownNoSource("config.json could not be read: " + hubDetail(err))
}

// hubDetail is an error as a clause inside a sentence: one line, without
// the client's package prefix.
func hubDetail(err error) string {
	return text.OneLine(strings.TrimPrefix(err.Error(), "hf: "), 200)
}

// downloaded names the files of id at sha already in the local Hugging
// Face cache ($HF_HUB_CACHE, else $HF_HOME/hub): the snapshot folder of
// that commit holds them.
func downloaded(env Env, id, sha string, files []fit.File) map[string]bool {
	dir := hubCacheDir(env)
	if dir == "" {
		return nil
	}
	snap := filepath.Join(dir, "models--"+strings.ReplaceAll(id, "/", "--"), "snapshots", sha)
	out := map[string]bool{}
	for _, f := range files {
		if !fit.SafePath(f.Path) {
			continue // never looked up: ../../etc/... would be an existence oracle
		}
		if fi, err := os.Stat(filepath.Join(snap, filepath.FromSlash(f.Path))); err == nil && fi.Mode().IsRegular() {
			out[f.Path] = true
		}
	}
	return out
}

// hubCacheDir is the Hugging Face cache root (see hfcache.Root).
func hubCacheDir(env Env) string { return hfcache.Root(env.getenv) }
