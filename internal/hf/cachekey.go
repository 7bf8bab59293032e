package hf

import (
	"net/url"
	"strings"
)

// EndpointFromEnv is the Hub's base URL from HF_ENDPOINT (DefaultEndpoint
// when unset), checked as ConfigFromEnv checks it, without reading a token.
func EndpointFromEnv(getenv func(string) string) (string, error) {
	return parseEndpoint(getenv("HF_ENDPOINT"))
}

// CachedKey is what a key of the client's cache says about a repository.
type CachedKey struct {
	// ID is the repository id asked for.
	ID string
	// Files marks a file listing (model info with blobs=true at a commit,
	// see Client.Files); else the key is a model info (Client.ModelInfo).
	Files bool
	// Revision is the revision a model info was asked at ("" for main),
	// or the commit of a file listing.
	Revision string
}

// ParseCacheKey reads a cache key the client made at endpoint for a model
// info or a file listing; ok is false for any other key (a page of a
// search, a config.json, another endpoint, an id that is not valid).
func ParseCacheKey(key, endpoint string) (CachedKey, bool) {
	rest, ok := strings.CutPrefix(key, "GET "+endpoint+"/api/models/")
	if !ok {
		return CachedKey{}, false
	}
	i := strings.LastIndexByte(rest, ' ') // the token's fingerprint follows
	if i < 0 {
		return CachedKey{}, false
	}
	path, query, _ := strings.Cut(rest[:i], "?")
	segs := strings.Split(path, "/")
	var k CachedKey
	if n := len(segs); n >= 3 && segs[n-2] == "revision" {
		rev, err := url.PathUnescape(segs[n-1])
		if err != nil {
			return CachedKey{}, false
		}
		k.Revision, segs = rev, segs[:n-2]
	}
	for i, s := range segs {
		var err error
		if segs[i], err = url.PathUnescape(s); err != nil {
			return CachedKey{}, false
		}
	}
	k.ID = strings.Join(segs, "/")
	if ValidateRepoID(k.ID) != nil {
		return CachedKey{}, false
	}
	switch {
	case query == "blobs=true":
		k.Files = true
		if !IsCommit(k.Revision) {
			return CachedKey{}, false
		}
	case !strings.HasPrefix(query, url.QueryEscape("expand[]")+"="):
		return CachedKey{}, false
	case k.Revision != "" && validateRevision(k.Revision) != nil:
		return CachedKey{}, false
	}
	return k, true
}
