// Package cache is modelbrowser's on-disk cache of HTTP answers: one file
// per key, written atomically, checked on read, pruned least recently used
// first. It knows disks, not the Hub: how long an entry stays fresh is the
// caller's decision, made from FetchedAt.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Entry is one cached answer.
type Entry struct {
	// Key identifies the request: see Key.
	Key string
	// FetchedAt is when the answer was received (or last revalidated).
	FetchedAt time.Time
	// ETag is the validator the server sent, if any.
	ETag string
	// Status is the HTTP status of the answer (200, or 404 for a cached
	// "not found").
	Status int
	// Header holds the few response headers the caller needs again (for
	// example Link for paging). Never the request's headers.
	Header map[string]string
	// Body is the response body.
	Body []byte
	// Aux is what the caller made of Body and keeps with it (hf keeps a
	// list page's decoded models): stored in the entry's metadata, under
	// its checksum, so Head reads it without the body. Empty is none.
	Aux []byte
	// Sum is the SHA-256 of Body as the envelope on disk checked it: set
	// by Get from a file (zero from memory). A Put with Sum set trusts it
	// rather than hash Body again; a wrong one makes the entry read as
	// corrupt, a miss.
	Sum [32]byte
}

// Key builds the cache key of a request: method, full URL and a fingerprint
// of the token it was made with, so anonymous and authenticated answers
// never mix. The token itself is never part of a key.
func Key(method, url, tokenFingerprint string) string {
	return method + " " + url + " " + tokenFingerprint
}

// TokenFingerprint is a one-way hash of a token, "anon" for none. It lets
// answers made with different tokens be told apart without storing the
// token.
func TokenFingerprint(token string) string {
	if token == "" {
		return "anon"
	}
	sum := sha256.Sum256([]byte("modelbrowser-token-fingerprint\x00" + token))
	return hex.EncodeToString(sum[:8])
}
