package app

import (
	"sort"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Completion answers a shell's completion from what is already on disk:
// the metadata cache and the worker catalog. It never sends a request,
// writes nothing and marks no cache entry used; whatever cannot be read
// completes to nothing.
type Completion struct {
	endpoint string
	peek     cache.Peek
	usable   bool
	loaded   bool
	answers  []cachedAnswer
}

// cachedAnswer is a model info or a file listing in the cache.
type cachedAnswer struct {
	hf.CachedKey
	entry cache.Entry // without its body
}

// NewCompletion reads the cache at its configured place for the endpoint
// in force (HF_ENDPOINT).
func NewCompletion(env Env) *Completion {
	c := &Completion{}
	ep, err := hf.EndpointFromEnv(env.getenv)
	if err != nil {
		return c
	}
	dir, err := cache.Dir(env.getenv)
	if err != nil {
		return c
	}
	maxBytes, err := cacheMaxBytes(env)
	if err != nil {
		return c
	}
	c.endpoint, c.peek, c.usable = ep, cache.NewPeek(dir, maxBytes), true
	return c
}

// cached is every model info and file listing (answers 200 only) the
// cache holds, read once.
func (c *Completion) cached() []cachedAnswer {
	if !c.usable || c.loaded {
		return c.answers
	}
	c.loaded = true
	heads, _ := c.peek.Heads()
	for _, h := range heads {
		if k, ok := hf.ParseCacheKey(h.Key, c.endpoint); ok && h.Status == 200 {
			c.answers = append(c.answers, cachedAnswer{CachedKey: k, entry: h})
		}
	}
	return c.answers
}

// Repos lists the repository ids whose model info the cache holds, sorted.
func (c *Completion) Repos() []string {
	seen := map[string]bool{}
	var ids []string
	for _, a := range c.cached() {
		if !a.Files && !seen[a.ID] {
			seen[a.ID] = true
			ids = append(ids, text.Sanitize(a.ID))
		}
	}
	sort.Strings(ids)
	return ids
}

// Labels lists the variant labels of repository id, largest first, as
// check REPO:LABEL takes them, when the cache holds its model info and
// its file listing at that info's commit (or, without the info, its
// newest file listing). Nothing when it holds neither.
func (c *Completion) Labels(id string) []string {
	var info, files *cachedAnswer
	answers := c.cached()
	newest := func(cur *cachedAnswer, a *cachedAnswer) *cachedAnswer {
		if cur == nil || a.entry.FetchedAt.After(cur.entry.FetchedAt) {
			return a
		}
		return cur
	}
	for i := range answers {
		if a := &answers[i]; a.ID == id && !a.Files && a.Revision == "" {
			info = newest(info, a)
		}
	}
	repo := fit.Repo{}
	sha := ""
	if info != nil {
		if e, ok := c.peek.Get(info.entry.Key); ok {
			if m, err := hf.DecodeModel(e.Body); err == nil {
				sha = m.SHA
				repo.Parameters, repo.QuantMethod = params(m.SafetensorsParams), m.QuantMethod
			}
		}
	}
	for i := range answers {
		if a := &answers[i]; a.ID == id && a.Files && (sha == "" || strings.EqualFold(a.Revision, sha)) {
			files = newest(files, a)
		}
	}
	if files == nil {
		return nil
	}
	e, ok := c.peek.Get(files.entry.Key)
	if !ok {
		return nil
	}
	var err error
	if repo.Files, err = hf.DecodeFiles(e.Body, files.Revision, "the cached file list"); err != nil {
		return nil
	}
	var labels []string
	for _, v := range fit.Variants(repo).Variants {
		// Only what check would take back as REPO:LABEL.
		if gotID, label := SplitPick(id + ":" + v.Name); gotID == id && label == v.Name {
			labels = append(labels, v.Name)
		}
	}
	return labels
}

// Repo completes check's REPO[:LABEL] argument: the cached repository
// ids, or after "REPO:" that repository's labels, as REPO:LABEL.
func (c *Completion) Repo(toComplete string) []string {
	id, _, ok := strings.Cut(toComplete, ":")
	if !ok {
		return c.Repos()
	}
	var out []string
	for _, l := range c.Labels(id) {
		out = append(out, id+":"+l)
	}
	return out
}

// WorkerNames lists the names of the worker catalog in force (file, else
// the configuration directory's, else the built-in one); nothing when it
// cannot be read.
func WorkerNames(env Env, file string) []string {
	env.Note = nil
	cat, err := LoadCatalog(env, file)
	if err != nil {
		return nil
	}
	names := make([]string, len(cat.Workers))
	for i, w := range cat.Workers {
		names[i] = text.Sanitize(w.Name)
	}
	return names
}
