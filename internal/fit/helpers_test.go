package fit

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// treeEntry is one element of a recorded /tree answer or a model info
// sibling, with the fields the Hub uses for sizes.
type treeEntry struct {
	Type      string  `json:"type"`
	Path      string  `json:"path"`
	RFilename string  `json:"rfilename"`
	Size      *uint64 `json:"size"`
	LFS       *struct {
		Size *uint64 `json:"size"`
	} `json:"lfs"`
}

// file converts an entry to a File: lfs.size when present, else size.
func (e treeEntry) file() File {
	f := File{Path: e.Path, Size: e.Size}
	if f.Path == "" {
		f.Path = e.RFilename
	}
	if e.LFS != nil && e.LFS.Size != nil {
		f.Size = e.LFS.Size
	}
	return f
}

// loadTree reads a recorded tree listing (directories skipped).
func loadTree(t *testing.T, name string) []File {
	t.Helper()
	var entries []treeEntry
	readJSON(t, name, &entries)
	var out []File
	for _, e := range entries {
		if e.Type != "directory" {
			out = append(out, e.file())
		}
	}
	return out
}

// loadSiblings reads the siblings of a recorded model info answer.
func loadSiblings(t *testing.T, name string) []File {
	t.Helper()
	var info struct {
		Siblings []treeEntry `json:"siblings"`
	}
	readJSON(t, name, &info)
	var out []File
	for _, e := range info.Siblings {
		out = append(out, e.file())
	}
	return out
}

// loadConfig reads a config.json fixture as a JSON decoder gives it.
func loadConfig(t *testing.T, name string) map[string]any {
	t.Helper()
	var cfg map[string]any
	readJSON(t, name, &cfg)
	return cfg
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func u64(v uint64) *uint64 { return &v }

// files builds a file list from path/size pairs; a negative size is nil.
func files(pairs ...any) []File {
	var out []File
	for i := 0; i+1 < len(pairs); i += 2 {
		f := File{Path: pairs[i].(string)}
		if n := pairs[i+1].(int); n >= 0 {
			f.Size = u64(uint64(n))
		}
		out = append(out, f)
	}
	return out
}

// names lists the variants' labels in order.
func names(vs []Variant) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out
}

// extras lists the extra files as "role:path".
func extras(es []Extra) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Role+":"+e.Path)
	}
	return out
}
