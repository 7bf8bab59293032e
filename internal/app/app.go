// Package app runs modelbrowser's use cases: search (paging, limit,
// scan), check, the browser's searcher, and loading the worker catalog and
// the machine. It wires internal/hf (with internal/cache underneath) to
// internal/compat, and builds only what a command uses.
//
// cmd/modelbrowser parses flags, calls app and prints; internal/ui takes
// app's Browser as its small Searcher interface. app prints nothing: what
// a person should be told goes to Env.Note, one line at a time, from the
// caller's goroutine.
package app

import (
	"context"
	"errors"
	"time"
)

// Env is everything app reads from the outside world, injected so that
// the use cases run in tests without touching the real process.
type Env struct {
	// Getenv reads an environment variable; nil reads none.
	Getenv func(string) string
	// ReadFile reads the token file; nil is hf.ReadTokenFile, which
	// refuses a FIFO, a device or a file over 4 KiB.
	ReadFile func(string) ([]byte, error)
	// Now is the clock.
	Now func() time.Time
	// Version is the program's version, sent in the User-Agent.
	Version string
	// Note is told what a person should know about an answer (it came
	// from an old cache, the disk failed, models were left out), one line
	// each; nil drops them.
	Note func(string)
	// FreeSpace is the space available at a path (or its nearest existing
	// parent); nil asks the system (hfcache.FreeSpace).
	FreeSpace func(path string) (uint64, error)
}

func (e Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// getenv is Getenv, or nothing set when there is none.
func (e Env) getenv(key string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(key)
}

func (e Env) note(msg string) {
	if e.Note != nil {
		e.Note(msg)
	}
}

// Options are the cache and catalog choices every Hub command takes.
type Options struct {
	// WorkersFile is a worker catalog replacing the built-in one ("" looks
	// in the configuration directory, then uses the built-in one).
	WorkersFile string
	// Offline sends no request (also HF_HUB_OFFLINE).
	Offline bool
	// Refresh revalidates cached answers with the Hub.
	Refresh bool
	// NoCache neither reads nor writes the cache.
	NoCache bool
	// Wait, when set, replaces the client's waits between attempts (a
	// rate limit's, a retry's backoff): export shows them.
	Wait func(ctx context.Context, d time.Duration) error
}

// Validate refuses choices that exclude each other.
func (o Options) Validate() error {
	n := 0
	for _, b := range []bool{o.Offline, o.Refresh, o.NoCache} {
		if b {
			n++
		}
	}
	if n > 1 {
		return errors.New("--offline, --refresh and --no-cache exclude each other")
	}
	return nil
}
