package hf

import "github.com/modelbrowser/modelbrowser/internal/cache"

// Cache is the storage the client keeps answers in: internal/cache
// implements it on disk; tests use a map. Freshness is decided here in hf,
// from Entry.FetchedAt, not by the store.
type Cache interface {
	Get(key string) (cache.Entry, bool)
	Put(e cache.Entry) error
}
