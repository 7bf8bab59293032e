package hubtest

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// Renames are the legacy ids the fake Hub redirects (307), like the real
// one does for repos moved under an organisation.
var Renames = map[string]string{
	"bert-base-uncased": "google-bert/bert-base-uncased",
	"gpt2":              "openai-community/gpt2",
}

// samples holds the fake Hub's catalogue as data (samples/README.md says
// how it is laid out), embedded so that the package serves it from any
// binary, tests or not.
//
//go:embed samples/catalog.json
var samples embed.FS

// catalog is the layout of samples/catalog.json.
type catalog struct {
	Repos []Repo `json:"repos"`
}

// loadCatalog decodes the embedded catalogue. Numbers inside config.json
// bodies stay json.Number so they are served exactly as written.
func loadCatalog() ([]Repo, error) {
	b, err := samples.ReadFile("samples/catalog.json")
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var c catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("hubtest: samples/catalog.json: %w", err)
	}
	seen := map[string]bool{}
	for i := range c.Repos {
		r := &c.Repos[i]
		if r.ID == "" || seen[r.ID] {
			return nil, fmt.Errorf("hubtest: samples/catalog.json: repo %d: empty or repeated id %q", i, r.ID)
		}
		seen[r.ID] = true
		r.normalize()
	}
	return c.Repos, nil
}

// catalogOnce decodes the catalogue once per process.
var catalogOnce = sync.OnceValues(loadCatalog)

// Fixtures is the fake Hub's catalogue (samples/catalog.json): real
// repository ids with shapes modelled on real answers, covering every
// branch of the verdict. Each call returns a fresh deep copy the caller
// may change.
func Fixtures() []Repo {
	repos, err := catalogOnce()
	if err != nil {
		// The catalogue is embedded at build time and checked by the
		// package's tests: a failure here is a broken build, not input.
		panic(err)
	}
	out := make([]Repo, len(repos))
	for i, r := range repos {
		out[i] = r.clone()
	}
	return out
}

// clone copies a repo so that no slice or map is shared with r.
func (r Repo) clone() Repo {
	c := r
	c.Architectures = slices.Clone(r.Architectures)
	c.Files = slices.Clone(r.Files)
	c.Tags = slices.Clone(r.Tags)
	c.SafetensorsParams = maps.Clone(r.SafetensorsParams)
	if r.GGUF != nil {
		g := *r.GGUF
		c.GGUF = &g
	}
	c.BaseModel = cloneJSON(r.BaseModel)
	if r.ConfigJSON != nil {
		c.ConfigJSON = cloneJSON(r.ConfigJSON).(map[string]any)
	}
	return c
}

// cloneJSON deep-copies a decoded JSON value.
func cloneJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = cloneJSON(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = cloneJSON(e)
		}
		return s
	}
	return v
}
