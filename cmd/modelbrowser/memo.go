package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf"
)

// judgedPages remembers list pages already judged, so that a search
// repeated within the cache's lifetime neither decodes the Hub's JSON nor
// runs the engine again: with a warm cache those were most of its time.
//
// A judged page is a pure function of the page's bytes, the catalog, the
// machine and this build of the program, and it is kept under exactly
// that: the sha256 of the body and a fingerprint of the rest. So it never
// decides anything the page cache decides: the page is still fetched,
// revalidated, served stale or refused offline by the same rules, and its
// judged form is only looked up once its bytes are in hand. A judged page
// that is missing, damaged or made by another build is simply made again.
type judgedPages struct {
	store hf.Cache // nil: nothing kept (--no-cache, or no fingerprint)
	cat   compat.Catalog
	fp    string
}

// judgedVersion changes with the form of what is kept.
const judgedVersion = "judged-page/1"

func newJudgedPages(store hf.Cache, cat compat.Catalog) *judgedPages {
	j := &judgedPages{cat: cat}
	if store == nil {
		return j
	}
	// This build: the executable's identity stands for the rules compiled
	// into it, so a rebuilt or upgraded program never reads verdicts an
	// older one made.
	exe, err := os.Executable()
	if err != nil {
		return j
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return j
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d\x00%d\x00%#v", judgedVersion, exe, fi.Size(), fi.ModTime().UnixNano(), cat))
	j.store, j.fp = store, hex.EncodeToString(sum[:16])
	return j
}

func (j *judgedPages) key(sum [32]byte) string {
	return judgedVersion + " " + hex.EncodeToString(sum[:]) + " " + j.fp
}

// known is the page decoder's Known: the page whose body has this sha256,
// judged, when it is kept. The page cache then need not read the body.
func (j *judgedPages) known(sum [32]byte) (any, bool) {
	if j.store == nil {
		return nil, false
	}
	if e, ok := j.store.Get(j.key(sum)); ok && e.Status == http.StatusOK {
		if js, err := decodeJudged(e.Body); err == nil {
			return js, true
		}
	}
	return nil, false
}

// decode is the page decoder's Decode: the page's models, each with its
// verdict.
func (j *judgedPages) decode(body []byte) (any, error) {
	key := ""
	if j.store != nil {
		sum := sha256.Sum256(body)
		if js, ok := j.known(sum); ok {
			return js, nil
		}
		key = j.key(sum)
	}
	// TODO(cmd): report the models DecodeList left out (a stderr note
	// with their count, issue 11.14).
	models, _, err := hf.DecodeList(body)
	if err != nil {
		return nil, err
	}
	js := make([]compat.Judged, len(models))
	for i, m := range models {
		js[i] = compat.Judged{Model: m, Verdict: compat.Check(m, j.cat)}
	}
	if j.store != nil {
		// Best effort, like every cache write; encoded in the background
		// when the store writes there.
		e := cache.Entry{Key: key, FetchedAt: time.Now(), Status: http.StatusOK}
		if wb, ok := j.store.(*writeBehind); ok {
			wb.putLater(e, func() []byte { return encodeJudged(js) })
		} else {
			e.Body = encodeJudged(js)
			_ = j.store.Put(e)
		}
	}
	return js, nil
}
