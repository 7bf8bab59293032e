package app

import "github.com/modelbrowser/modelbrowser/internal/report"

// Document is get --json's document of the plan: each file with its
// sha256 (read from disk for a present file outside LFS); with dry, also
// whether each file is present, the bytes to fetch and the free bytes.
func (p GetPlan) Document(dry bool) report.Get {
	return p.document(p.WithHashes(), dry)
}

func (p GetPlan) document(files []GetFile, dry bool) report.Get {
	out := report.Get{Repo: p.Repo, SHA: p.SHA, Variant: p.Variant, Path: p.Path, Files: []report.GetFile{}}
	for _, f := range files {
		j := report.GetFile{Path: f.Path, Size: f.Size, SHA256: f.SHA256}
		if dry {
			present := f.Present
			j.Present = &present
		}
		out.Files = append(out.Files, j)
	}
	if dry {
		toFetch := p.ToFetch
		out.ToFetch = &toFetch
		if p.FreeKnown {
			free := p.Free
			out.Free = &free
		}
	}
	return out
}

// DryRun is what get --dry-run prints as text: the plan's files as they
// are listed (no hash read), the bytes to fetch and the free bytes.
func (p GetPlan) DryRun() report.Get { return p.document(p.Files, true) }

// Count is where the export stands, as its progress shows it.
func (s ExportState) Count() report.ExportCount {
	return report.ExportCount{Pages: s.Pages, Scanned: s.Scanned, Kept: s.Kept}
}
