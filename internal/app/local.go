package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/gguf"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hfcache"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

// LocalRow is one variant (or unfinished download) in the Hugging Face
// cache, judged from the local files only; Local is what the cache holds
// (local --json's document, printed by report).
type (
	LocalRow = report.LocalRow
	Local    = report.Local
)

// LocalScan lists the cache at root, whoever wrote it: one row per
// snapshot variant (the GGUF header read from disk, config.json from the
// snapshot; no request), and one per repository with unfinished
// downloads. Rows are sorted by size, largest first.
func LocalScan(root string, cat compat.Catalog, mach fit.Machine, ctxLen int64) (Local, error) {
	out := Local{Root: root, Rows: []LocalRow{}}
	repos, err := hfcache.Scan(root)
	if err != nil {
		return out, err
	}
	for _, r := range repos {
		for _, s := range r.Snapshots {
			out.Rows = append(out.Rows, localRows(r, s, cat, mach, ctxLen)...)
		}
		var partial int64
		for _, p := range r.Incomplete {
			partial += p.Size
		}
		if len(r.Incomplete) > 0 {
			out.Rows = append(out.Rows, LocalRow{Repo: r.ID, Variant: "(partial)", Size: partial, Path: filepath.Join(r.Dir, "blobs")})
		}
	}
	sort.SliceStable(out.Rows, func(i, j int) bool {
		if out.Rows[i].Size != out.Rows[j].Size {
			return out.Rows[i].Size > out.Rows[j].Size
		}
		return out.Rows[i].Repo+out.Rows[i].Variant < out.Rows[j].Repo+out.Rows[j].Variant
	})
	for _, row := range out.Rows {
		out.Total += row.Size
	}
	return out, nil
}

// localRows judges one snapshot's variants.
func localRows(r hfcache.CachedRepo, s hfcache.CachedSnapshot, cat compat.Catalog, mach fit.Machine, ctxLen int64) []LocalRow {
	var files []fit.File
	var names []string
	for _, f := range s.Files {
		if f.Size < 0 {
			continue // a dangling link: not there
		}
		n := uint64(f.Size)
		files = append(files, fit.File{Path: f.Path, Size: &n})
		names = append(names, f.Path)
	}
	// The facts come from the snapshot as the Hub's model answer would
	// give them: the file names as siblings and config.json as the config
	// object, read by the one extraction (hf.Extract), so a local repo is
	// judged by the same rules as a listed one (quantization without
	// quant_method, MLX, class names).
	cfgBody, cfgErr := readSmall(filepath.Join(s.Dir, "config.json"))
	var cfg map[string]any
	if cfgErr == nil && json.Unmarshal(cfgBody, &cfg) != nil {
		cfg = nil
	}
	raw := localRaw(r.ID, s.SHA, names, cfg)
	l := fit.Variants(fit.Repo{Files: files, QuantMethod: compat.Derive(raw).QuantMethod})
	var shape *fit.Shape
	var why *fit.ShapeUnknown
	for _, v := range l.Variants {
		if v.Format != compat.FormatGGUF || len(v.Files) == 0 {
			continue
		}
		info, err := readGGUFHeader(filepath.Join(s.Dir, filepath.FromSlash(v.Files[0].Path)))
		if err != nil {
			why = fit.UnknownHeader(err.Error())
			break
		}
		raw.HasGGUF, raw.GGUFArchitecture, raw.GGUFContextLength = true, info.Architecture, int64(info.ContextLength)
		if sh, u := fit.FromGGUF(info); u == nil {
			shape = &sh
		} else {
			why = u
		}
		break
	}
	m := compat.Derive(raw)
	if cfg != nil {
		m = compat.WithConfigJSON(m, cfg)
		if shape == nil {
			if sh, u := fit.FromConfig(cfg, m.Architecture.Value); u == nil {
				shape, why = &sh, nil
			} else if why == nil {
				why = u
			}
		}
	}
	verdict := compat.Check(m, cat)
	facts := fit.Facts{SHA: s.SHA, Listing: l, Shape: shape, ShapeUnknown: why}
	res, judged := fit.ForVerdict(facts, m, verdict, cat, mach, ctxLen)
	var rows []LocalRow
	for _, v := range l.Variants {
		row := LocalRow{Repo: r.ID, Variant: v.Name, Format: v.Format, Size: int64(v.Size), Commit: s.SHA, Complete: v.Complete,
			Compatible: verdict.Compatible, Worker: verdict.RecommendedWorker}
		if v.Format == compat.FormatGGUF {
			row.Path = filepath.Join(s.Dir, filepath.FromSlash(v.Files[0].Path))
		} else {
			row.Path = s.Dir
		}
		if judged {
			for _, vf := range res.Variants {
				if vf.Name == v.Name {
					if lv := vf.Fit[verdict.RecommendedWorker]; lv != nil {
						row.Fit = *lv
					}
				}
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// localRaw is what the Hub's model answer would say of a snapshot: its
// files and, when there is one, its config.json as the config object.
// Whatever the extraction cannot use is left out, never failing the row.
func localRaw(id, sha string, names []string, cfg map[string]any) compat.Raw {
	sib := make([]map[string]string, len(names))
	for i, n := range names {
		sib[i] = map[string]string{"rfilename": n}
	}
	doc := map[string]any{"id": id, "sha": sha, "siblings": sib}
	if cfg != nil {
		doc["config"] = cfg
	}
	if body, err := json.Marshal(doc); err == nil {
		if raw, _, err := hf.Extract(body); err == nil {
			return raw
		}
	}
	return compat.Raw{ID: id, HasSiblings: true, Siblings: names, SHA: sha}
}

// readGGUFHeader reads a GGUF header from disk (at most
// hf.GGUFMaxBytes-sized reads, as from the Hub).
func readGGUFHeader(p string) (gguf.Info, error) {
	f, err := os.Open(p)
	if err != nil {
		return gguf.Info{}, err
	}
	defer f.Close()
	info, err := gguf.Read(f, 16<<20)
	if err != nil {
		return info, err
	}
	return info, nil
}
