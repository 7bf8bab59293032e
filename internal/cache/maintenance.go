package cache

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// PruneResult reports what Prune did.
type PruneResult struct {
	// Removed and RemovedBytes count the least recently used entries
	// removed to get under MaxBytes.
	Removed      int
	RemovedBytes int64
	// TempRemoved counts temporary files of dead writers swept away.
	TempRemoved int
	// Entries and Bytes are what remains.
	Entries int
	Bytes   int64
}

// Info describes the cache's contents.
type Info struct {
	// Path is the cache directory.
	Path string
	// Entries and Bytes count the entries and their size (files, or
	// envelopes when memory-only). Temporary files are not counted.
	Entries int
	Bytes   int64
	// Oldest and Newest are the least and most recent use of an entry:
	// the file modification time, which Put and Get set from the Store's
	// clock. They are zero when there are no entries.
	Oldest, Newest time.Time
	// MemoryOnly reports that the disk failed: new entries are kept in
	// memory, and the figures are the disk's entries (still read) plus
	// those in memory.
	MemoryOnly bool
}

// fileStat is one entry or temporary file found by scan.
type fileStat struct {
	name  string
	size  int64
	mtime time.Time
}

// scan lists the entry files and temporary files of the directory; other
// files are none of the cache's business and are left alone.
func (s *Store) scan() (entries, temps []fileStat, err error) {
	list, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range list {
		name := d.Name()
		isEntry, isTemp := isEntryName(name), strings.HasPrefix(name, tempPrefix)
		if (!isEntry && !isTemp) || !d.Type().IsRegular() {
			continue
		}
		fi, err := d.Info()
		if err != nil {
			continue // removed since ReadDir, by another process
		}
		st := fileStat{name: name, size: fi.Size(), mtime: fi.ModTime()}
		if isEntry {
			entries = append(entries, st)
		} else {
			temps = append(temps, st)
		}
	}
	return entries, temps, nil
}

// Prune removes temporary files older than ten minutes (their writer is
// dead) and then entries until they total at most MaxBytes: first any
// entry larger than MaxBytes alone, then the least recently used. Files
// named like entries that are not the cache's are left alone. Several processes may prune at once. A memory-only Store
// is always within its cap and prunes nothing.
func (s *Store) Prune() (PruneResult, error) {
	return s.prune(s.max)
}

func (s *Store) prune(target int64) (PruneResult, error) {
	if s.memOnly.Load() {
		s.mu.Lock()
		defer s.mu.Unlock()
		return PruneResult{Entries: len(s.mem.items), Bytes: s.mem.size}, nil
	}
	entries, temps, err := s.scan()
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
		return PruneResult{}, err
	}
	var res PruneResult
	var firstErr error
	remove := func(name string) bool {
		err := os.Remove(filepath.Join(s.dir, name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			if firstErr == nil {
				firstErr = err
			}
			return false
		}
		return true
	}

	now := s.now()
	for _, t := range temps {
		if now.Sub(t.mtime) > staleTempAge && remove(t.name) {
			res.TempRemoved++
		}
	}

	// An entry larger than the target alone can never fit: it goes first,
	// so that one huge file does not cost every other entry. Then the
	// least recently used.
	alone := func(f fileStat) int {
		if f.size > target {
			return 0
		}
		return 1
	}
	slices.SortFunc(entries, func(a, b fileStat) int {
		return cmp.Or(cmp.Compare(alone(a), alone(b)), a.mtime.Compare(b.mtime), strings.Compare(a.name, b.name))
	})
	sum := func() (total int64) {
		for _, e := range entries {
			total += e.size
		}
		return total
	}
	total := sum()
	if total > target {
		// Over the cap: look inside before removing anything. Files named
		// like entries that are not (someone else's) neither count
		// toward the cap nor are removed.
		entries = ownStats(s.dir, entries)
		total = sum()
	}
	res.Entries = len(entries)
	for _, e := range entries {
		if total <= target {
			break
		}
		if remove(e.name) {
			total -= e.size
			res.Removed++
			res.RemovedBytes += e.size
			res.Entries--
		}
	}
	res.Bytes = total

	s.mu.Lock()
	s.approx = total
	s.mu.Unlock()
	return res, firstErr
}

// isOwnFile reports whether the file at path is a regular file that
// starts with the envelope's magic. A file named like an entry that does
// not is none of the cache's business: housekeeping neither counts nor
// removes it.
func isOwnFile(path string) bool {
	f, err := openEntry(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return false
	}
	var head [len(envelopeMagic)]byte
	_, err = io.ReadFull(f, head[:])
	return err == nil && string(head[:]) == envelopeMagic
}

// ownStats keeps the stats of the files in dir that are the cache's own.
func ownStats(dir string, stats []fileStat) []fileStat {
	return slices.DeleteFunc(stats, func(st fileStat) bool { return !isOwnFile(filepath.Join(dir, st.name)) })
}

// Info counts the entries. A directory that does not exist holds none.
// Files named like entries that are not the cache's are not counted.
func (s *Store) Info() (Info, error) {
	info := Info{Path: s.dir, MemoryOnly: s.memOnly.Load()}
	var stats []fileStat
	if !s.noDisk.Load() {
		var err error
		stats, _, err = s.scan()
		if err != nil && !errors.Is(err, fs.ErrNotExist) && !info.MemoryOnly {
			return info, err
		}
		stats = ownStats(s.dir, stats)
	}
	if info.MemoryOnly {
		// The disk's entries (still read), then memory's, which shadow
		// the disk's of the same key; deleted ones are gone.
		s.mu.Lock()
		shadowed := make(map[string]bool, len(s.mem.items)+len(s.mem.gone))
		for key := range s.mem.gone {
			shadowed[FileName(key)] = true
		}
		for key := range s.mem.items {
			shadowed[FileName(key)] = true
		}
		stats = slices.DeleteFunc(stats, func(st fileStat) bool { return shadowed[st.name] })
		for _, it := range s.mem.items {
			v := it.Value.(*memItem)
			stats = append(stats, fileStat{size: v.size, mtime: v.used})
		}
		s.mu.Unlock()
	}
	for i, st := range stats {
		info.Entries++
		info.Bytes += st.size
		if i == 0 || st.mtime.Before(info.Oldest) {
			info.Oldest = st.mtime
		}
		if i == 0 || st.mtime.After(info.Newest) {
			info.Newest = st.mtime
		}
	}
	return info, nil
}

// Clear removes every entry, in memory and on disk, and every temporary
// file, keeping the directory and any file that is not the cache's. A Put running meanwhile in another process
// loses its entry (as if it came just before the Clear), nothing else.
// A memory-only Store tries the disk too: clearing is what a full disk
// needs. A directory Open did not trust is left alone.
func (s *Store) Clear() error {
	s.mu.Lock()
	s.mem.clear()
	s.approx = 0
	s.mu.Unlock()
	if s.noDisk.Load() {
		return nil // not the Store's directory to clear
	}

	entries, temps, err := s.scan()
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	var firstErr error
	for _, f := range append(ownStats(s.dir, entries), temps...) {
		err := os.Remove(filepath.Join(s.dir, f.name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// Stat describes the cache in dir without opening it, for `cache info`:
// it creates no directory, removes no file (not even a dead writer's
// temporary one), prunes nothing and marks no entry used. A directory that
// does not exist holds no entry. Only the cache's own files are counted. A
// directory Open would not trust is described all the same, after the
// warning Open would give through opt.Warn.
func Stat(dir string, opt Options) (Info, error) {
	if dir == "" {
		return Info{}, errors.New("cache: no directory given")
	}
	s := &Store{dir: filepath.Clean(dir), warn: opt.Warn}
	uid := os.Geteuid
	if opt.Hooks.UID != nil {
		uid = opt.Hooks.UID
	}
	if why := untrusted(s.dir, uid()); why != "" && opt.Warn != nil {
		opt.Warn(distrustMessage(s.dir, why))
	}
	// A path Open could not use (a file where a directory should be, a
	// directory that cannot be read) holds no entry; say why, as Open
	// would, and describe an empty cache.
	fi, err := os.Stat(s.dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err == nil && !fi.IsDir():
		err = fmt.Errorf("%s is not a directory", s.dir)
		fallthrough
	case err != nil:
		if opt.Warn != nil {
			opt.Warn(fmt.Sprintf("the cache directory cannot be used (%v); answers are kept in memory only", err))
		}
		return Info{Path: s.dir, MemoryOnly: true}, nil
	}
	return s.Info()
}
