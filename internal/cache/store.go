package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxBytes is the size cap of a Store whose Options.MaxBytes is 0.
const DefaultMaxBytes int64 = 200 << 20

const (
	// tempPrefix starts the name of every file a Put is still writing.
	// Readers never open such files; Open, Prune and Clear remove them.
	tempPrefix = ".tmp-modelbrowser-"
	// staleTempAge is how old a temporary file must be before Open and
	// Prune consider its writer dead and remove it.
	staleTempAge = 10 * time.Minute
	// pruneLowWater is the fraction of MaxBytes a Put-triggered prune
	// goes down to, so the next Puts do not each trigger another.
	pruneLowWater = 0.9
)

// ErrTooLarge is returned by Put for an entry whose envelope alone exceeds
// the Store's MaxBytes.
var ErrTooLarge = errors.New("cache: entry larger than the cache size cap")

// TempFile is the file a Put writes an envelope into before renaming it
// into place. *os.File implements it.
type TempFile interface {
	Name() string
	Write(p []byte) (int, error)
	Chmod(mode fs.FileMode) error
	Close() error
}

// Hooks replace the file-system calls that create and write, so tests can
// make the disk fail (read-only, full). A nil field uses the os package.
type Hooks struct {
	// MkdirAll creates the cache directory (os.MkdirAll).
	MkdirAll func(path string, perm fs.FileMode) error
	// CreateTemp creates the temporary file of a Put, and the probe Open
	// makes to learn whether the directory is writable (os.CreateTemp;
	// without a hook Open asks the system, see Store.probe).
	CreateTemp func(dir, pattern string) (TempFile, error)
	// Rename moves a finished temporary file over its entry (os.Rename).
	Rename func(oldpath, newpath string) error
	// UID is the user who must own the cache directory (os.Geteuid).
	UID func() int
}

// Options configure Open. The zero value is usable.
type Options struct {
	// MaxBytes caps the total size of the entries' files (or, memory-only,
	// of their envelopes); 0 means DefaultMaxBytes.
	MaxBytes int64
	// Now is the clock for use times and the stale temporary file age;
	// nil means time.Now.
	Now func() time.Time
	// Warn is told, at most once per Store, that the disk failed and the
	// Store now keeps entries in memory only. Nil means no one is told.
	Warn func(string)
	// Hooks let tests inject disk failures.
	Hooks Hooks
}

// Store is a directory of cached entries shared by any number of
// goroutines and processes. If the disk fails it degrades, once and for
// the rest of its life, to writing in memory only, bounded by MaxBytes:
// it stops writing but keeps reading, so the entries already on disk (a
// read-only mount, a full disk) still answer.
//
// Writes are not fsynced: after a power loss an entry may be empty or
// torn, which its checksums turn into a miss, and a cache can afford that.
type Store struct {
	dir   string
	max   int64
	now   func() time.Time
	warn  func(string)
	hooks Hooks

	warnOnce sync.Once
	memOnly  atomic.Bool
	noDisk   atomic.Bool // the directory is untrusted: not even read
	pruning  atomic.Bool

	mu     sync.Mutex
	approx int64    // approximate bytes on disk; a Put above max prunes
	mem    memStore // the entries once memOnly
}

// Open opens (creating it 0700 if need be) the cache in dir, removes
// temporary files left by dead writers and prunes to MaxBytes. A directory
// that cannot be created or written is not an error: Open warns through
// Options.Warn and returns a memory-only Store. Nor is a directory that
// another user owns or could write into (group or other write permission):
// its entries could be forged, so Open warns and the Store keeps to
// memory, neither reading nor writing the directory.
func Open(dir string, opt Options) (*Store, error) {
	if dir == "" {
		return nil, errors.New("cache: no directory given")
	}
	if opt.MaxBytes < 0 {
		return nil, fmt.Errorf("cache: negative MaxBytes %d", opt.MaxBytes)
	}
	s := &Store{dir: filepath.Clean(dir), max: opt.MaxBytes, now: opt.Now, warn: opt.Warn, hooks: opt.Hooks}
	if s.max == 0 {
		s.max = DefaultMaxBytes
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.hooks.MkdirAll == nil {
		s.hooks.MkdirAll = os.MkdirAll
	}
	probe := s.probe
	if s.hooks.CreateTemp == nil {
		s.hooks.CreateTemp = func(dir, pattern string) (TempFile, error) { return os.CreateTemp(dir, pattern) }
		probe = mayCreateIn
	}
	if s.hooks.Rename == nil {
		s.hooks.Rename = os.Rename
	}
	if s.hooks.UID == nil {
		s.hooks.UID = os.Geteuid
	}
	s.mem.max = s.max

	if err := s.hooks.MkdirAll(s.dir, 0o700); err != nil {
		s.degrade(err)
		return s, nil
	}
	if why := untrusted(s.dir, s.hooks.UID()); why != "" {
		s.distrust(why)
		return s, nil
	}
	if err := probe(s.dir); err != nil {
		s.degrade(err)
		return s, nil
	}
	// A file Prune cannot remove leaves the cache above its cap, working.
	_, _ = s.Prune()
	return s, nil
}

// probe learns whether files can be made in dir by making one, with the
// CreateTemp hook a test gave. Without one, Open asks the system instead
// (mayCreateIn): creating and removing a file at every start cost up to a
// millisecond on a busy ext4, more than the rest of opening the cache. A
// disk that refuses writes all the same is found by the first Put, which
// degrades the Store then, with the same single warning.
func (s *Store) probe(dir string) error {
	f, err := s.hooks.CreateTemp(dir, tempPrefix+"probe-*")
	if err != nil {
		return err
	}
	err = f.Close()
	if rmErr := os.Remove(f.Name()); err == nil {
		err = rmErr
	}
	return err
}

// Path is the cache directory.
func (s *Store) Path() string { return s.dir }

// MemoryOnly reports whether the Store has given up on the disk.
func (s *Store) MemoryOnly() bool { return s.memOnly.Load() }

// Get returns the entry stored under key and marks it used. Anything but an
// intact entry for exactly this key (absent, unreadable, corrupt, of an
// unknown format version, a hash collision) is a miss. The Body is the
// caller's to keep. A memory-only Store answers from memory, then from
// the disk it no longer writes.
func (s *Store) Get(key string) (Entry, bool) {
	if s.memOnly.Load() {
		s.mu.Lock()
		e, ok := s.mem.get(key, s.now())
		_, gone := s.mem.gone[key]
		s.mu.Unlock()
		if ok || gone || s.noDisk.Load() {
			return e, ok
		}
	}
	path := s.path(key)
	data, err := s.readFile(path)
	if err != nil {
		return Entry{}, false
	}
	e, err := DecodeEnvelope(data)
	if err != nil || e.Key != key {
		return Entry{}, false
	}
	s.touch(path)
	return e, true
}

// Head is Get without reading the body: the entry's Body is nil and its
// Sum is the checksum its metadata records for the body, unchecked (Get
// checks it). A caller that holds something derived from a body with that
// checksum needs no more. A memory-only Store answers as Get does.
func (s *Store) Head(key string) (Entry, bool) {
	if s.memOnly.Load() {
		return s.Get(key)
	}
	path := s.path(key)
	e, ok := readHead(path, s.max)
	if !ok || e.Key != key {
		return Entry{}, false
	}
	s.touch(path)
	return e, true
}

// touch marks an entry file used for the LRU, unless the Store has stopped
// writing; losing the mark is harmless.
func (s *Store) touch(path string) {
	if !s.memOnly.Load() {
		now := s.now()
		_ = os.Chtimes(path, now, now)
	}
}

// Put stores e under e.Key, replacing any entry there, atomically: a
// reader in any process sees the old entry or the new one, never a mix.
// When the disk fails Put keeps e in memory, warns once and returns nil; it
// fails only for an empty key or an entry over MaxBytes (ErrTooLarge).
func (s *Store) Put(e Entry) error {
	if e.Key == "" {
		return errors.New("cache: entry without a key")
	}
	env := EncodeEnvelope(e)
	if int64(len(env)) > s.max {
		return fmt.Errorf("%w: %d bytes, cap %d", ErrTooLarge, len(env), s.max)
	}
	if !s.memOnly.Load() {
		err := s.writeFile(s.path(e.Key), env)
		if err == nil {
			s.maybePrune()
			return nil
		}
		if errors.Is(err, errSwept) {
			return nil // a concurrent Clear removed it: as if cleared after
		}
		s.degrade(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mem.put(e, int64(len(env)), s.now())
	return nil
}

// Delete removes the entry stored under key, if any. A memory-only Store
// leaves the disk alone and hides the disk's entry for the rest of its life.
func (s *Store) Delete(key string) {
	s.mu.Lock()
	s.mem.remove(key)
	if s.memOnly.Load() {
		s.mem.hide(key)
	}
	s.mu.Unlock()
	if !s.memOnly.Load() {
		_ = os.Remove(s.path(key))
	}
}

// FileName is the name of the file holding key's entry: the hex sha256 of
// the key, so no part of a URL or repository id ever reaches the file
// system.
func FileName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

func (s *Store) path(key string) string { return filepath.Join(s.dir, FileName(key)) }

// isEntryName reports whether name is a FileName.
func isEntryName(name string) bool {
	if len(name) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(name) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// distrust makes the Store memory-only without reading the directory
// either, and tells Warn why.
func (s *Store) distrust(why string) {
	s.noDisk.Store(true)
	s.memOnly.Store(true)
	s.warnOnce.Do(func() {
		if s.warn != nil {
			s.warn(distrustMessage(s.dir, why))
		}
	})
}

// distrustMessage is the warning about a directory Open does not trust.
func distrustMessage(dir, why string) string {
	return fmt.Sprintf("cache: not using %s: it is %s, so its entries could be forged; caching in memory only until exit (chmod 700 it, as its owner)", dir, why)
}

// degrade switches the Store to writing in memory only and tells Warn,
// once. It keeps reading the disk.
func (s *Store) degrade(err error) {
	s.memOnly.Store(true)
	s.warnOnce.Do(func() {
		if s.warn != nil {
			s.warn(fmt.Sprintf("cache: cannot write to %s (%v); caching in memory only until exit (entries already there are still read)", s.dir, err))
		}
	})
}

// errSwept says a Put's temporary file vanished before its rename: a
// concurrent Clear (or removal of the directory) took it.
var errSwept = errors.New("cache: temporary file removed during write")

// writeFile writes env to a new temporary file and renames it to path. On
// any error the temporary file is removed, so no partial file remains.
func (s *Store) writeFile(path string, env []byte) (err error) {
	f, err := s.hooks.CreateTemp(s.dir, tempPrefix+"*")
	if errors.Is(err, fs.ErrNotExist) { // the directory was removed: recreate it
		if err = s.hooks.MkdirAll(s.dir, 0o700); err == nil {
			f, err = s.hooks.CreateTemp(s.dir, tempPrefix+"*")
		}
	}
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
			if errors.Is(err, fs.ErrNotExist) {
				err = errSwept
			}
		}
	}()
	if _, err = f.Write(env); err == nil {
		err = f.Chmod(0o600)
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return err
	}
	now := s.now()
	if err = os.Chtimes(tmp, now, now); err != nil {
		return err
	}
	var old int64
	if fi, statErr := os.Lstat(path); statErr == nil {
		old = fi.Size()
	}
	if err = s.hooks.Rename(tmp, path); err != nil {
		return err
	}
	s.mu.Lock()
	s.approx += int64(len(env)) - old
	s.mu.Unlock()
	return nil
}

// readFile reads a regular file no larger than MaxBytes, opened with
// openEntry: never through a symlink, never blocking on a FIFO.
func (s *Store) readFile(path string) ([]byte, error) {
	f, err := openEntry(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > s.max {
		return nil, fmt.Errorf("%w: %s is not an entry file", ErrCorrupt, path)
	}
	data := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, err
	}
	return data, nil
}

// maybePrune prunes to the low-water mark when the running size estimate
// passes MaxBytes, unless another goroutine is already pruning.
func (s *Store) maybePrune() {
	s.mu.Lock()
	over := s.approx > s.max
	s.mu.Unlock()
	if over && s.pruning.CompareAndSwap(false, true) {
		defer s.pruning.Store(false)
		_, _ = s.prune(int64(float64(s.max) * pruneLowWater))
	}
}
