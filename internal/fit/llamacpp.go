package fit

import (
	"sort"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// llamaCppSkips are the file-name parts for which llama.cpp's `-hf
// REPO:TAG` never picks a file.
var llamaCppSkips = []string{"mmproj", "imatrix", "mtp-", "eagle3-", "dflash-", "dspark-"}

// LlamaCppPick is the file `llama-server -hf REPO:TAG` downloads among a
// repository's GGUF paths (policy section 1): the first, in path order,
// whose path contains TAG followed by "." or "-", ignoring case; files
// whose name contains mmproj, imatrix, mtp-, eagle3-, dflash- or dspark-,
// and split parts other than the first, are skipped. "" when none.
func LlamaCppPick(paths []string, tag string) string {
	sorted := append([]string(nil), paths...)
	sort.Strings(sorted)
	t := strings.ToLower(tag)
	for _, p := range sorted {
		lower := strings.ToLower(p)
		if !strings.HasSuffix(lower, ".gguf") {
			continue
		}
		_, base := splitPath(lower)
		if skipByLlamaCpp(base) {
			continue
		}
		if strings.Contains(lower, t+".") || strings.Contains(lower, t+"-") {
			return p
		}
	}
	return ""
}

func skipByLlamaCpp(base string) bool {
	for _, s := range llamaCppSkips {
		if strings.Contains(base, s) {
			return true
		}
	}
	if m := splitRE().FindStringSubmatch(strings.TrimSuffix(base, ".gguf")); m != nil && m[2] != "00001" {
		return true
	}
	return false
}

// LlamaCppArgs are the llama.cpp arguments that fetch exactly variant v of
// repo: `-hf REPO:LABEL` when that tag picks the variant's first file,
// else `-hf REPO --hf-file PATH`; nil for a variant that is not GGUF.
func (l Listing) LlamaCppArgs(repo string, v Variant) []string {
	if v.Format != compat.FormatGGUF || len(v.Files) == 0 || repo == "" {
		return nil
	}
	if LlamaCppPick(l.ggufPaths(), v.Name) == v.Files[0].Path {
		return []string{"-hf", repo + ":" + v.Name}
	}
	return []string{"-hf", repo, "--hf-file", v.Files[0].Path}
}

// ggufPaths are every .gguf path of the listing: the variants' files and
// the extras.
func (l Listing) ggufPaths() []string {
	var out []string
	for _, v := range l.Variants {
		if v.Format != compat.FormatGGUF {
			continue
		}
		for _, f := range v.Files {
			out = append(out, f.Path)
		}
	}
	for _, x := range l.Extras {
		if strings.HasSuffix(strings.ToLower(x.Path), ".gguf") {
			out = append(out, x.Path)
		}
	}
	return out
}
