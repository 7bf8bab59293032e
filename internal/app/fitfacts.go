package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/hf"
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
	facts.Shape = h.shape(ctx, m, facts.Listing)
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

// shape finds the model's shape from the first source that has it.
func (h *Hub) shape(ctx context.Context, m compat.Model, l fit.Listing) *fit.Shape {
	for _, v := range l.Variants {
		if v.Format != compat.FormatGGUF || !v.Complete || len(v.Files) == 0 {
			continue
		}
		info, _, err := h.client.GGUFInfo(ctx, m.ID, m.SHA, v.Files[0].Path)
		if err == nil {
			if s, ok := fit.FromGGUF(info); ok {
				return &s
			}
		}
		break // all quants of a repo share the shape: one read
	}
	if cfg, err := h.client.ConfigJSON(ctx, m.ID, m.SHA); err == nil {
		if s, ok := fit.FromConfig(cfg, m.Architecture.Value); ok {
			return &s
		}
	}
	if len(m.BaseModels) > 0 && hf.ValidateRepoID(m.BaseModels[0]) == nil {
		if cfg, err := h.client.ConfigJSON(ctx, m.BaseModels[0], "main"); err == nil {
			if s, ok := fit.FromConfig(cfg, m.Architecture.Value); ok {
				s.Source = fit.SourceBaseConfig
				return &s
			}
		}
	}
	return nil
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
		if fi, err := os.Stat(filepath.Join(snap, filepath.FromSlash(f.Path))); err == nil && fi.Mode().IsRegular() {
			out[f.Path] = true
		}
	}
	return out
}

func hubCacheDir(env Env) string {
	if d := env.getenv("HF_HUB_CACHE"); d != "" {
		return d
	}
	if d := env.getenv("HUGGINGFACE_HUB_CACHE"); d != "" {
		return d
	}
	if d := env.getenv("HF_HOME"); d != "" {
		return filepath.Join(d, "hub")
	}
	if d := env.getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "huggingface", "hub")
	}
	if d := env.getenv("HOME"); d != "" {
		return filepath.Join(d, ".cache", "huggingface", "hub")
	}
	return ""
}
