package cache

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
)

// Peek reads the cache in a directory and does nothing else: it creates no
// directory, removes and rewrites no file and marks no entry used, so
// shell completion can ask it what is known without leaving a trace. A
// directory Open would not trust (another user's, or writable by others)
// reads as empty: its entries could be forged.
type Peek struct {
	dir string
	max int64
	ok  bool
}

// peekHead is how much of an entry file Heads reads first: the key,
// status, time and headers of an entry fit in it but for unusual headers,
// when the whole file is read.
const peekHead = 4 << 10

// NewPeek returns a Peek of the cache in dir, whose entries are at most
// maxBytes (0: DefaultMaxBytes) each.
func NewPeek(dir string, maxBytes int64) Peek {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	dir = filepath.Clean(dir)
	return Peek{dir: dir, max: maxBytes, ok: dir != "" && untrusted(dir, os.Geteuid()) == ""}
}

// Heads returns every intact entry of the directory without its Body, in
// no particular order: what it answers (Key, Status, FetchedAt, ETag,
// Header). Files that are not intact entries are skipped.
func (p Peek) Heads() ([]Entry, error) {
	if !p.ok {
		return nil, nil
	}
	list, err := os.ReadDir(p.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, d := range list {
		if !isEntryName(d.Name()) || !d.Type().IsRegular() {
			continue
		}
		if e, ok := p.head(filepath.Join(p.dir, d.Name())); ok && FileName(e.Key) == d.Name() {
			out = append(out, e)
		}
	}
	return out, nil
}

// head reads the metadata of one entry file: see readHead.
func (p Peek) head(path string) (Entry, bool) { return readHead(path, p.max) }

// readHead reads the metadata of one entry file: its first peekHead bytes,
// and the rest of the metadata when it is longer. The Entry has no Body;
// its Sum is the one the metadata records for the body, which is not read
// and so not checked.
func readHead(path string, maxBytes int64) (Entry, bool) {
	f, err := openEntry(path)
	if err != nil {
		return Entry{}, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxBytes {
		return Entry{}, false
	}
	buf := make([]byte, min(fi.Size(), peekHead))
	if _, err := io.ReadFull(f, buf); err != nil {
		return Entry{}, false
	}
	e, m, err := decodeMeta(buf, true)
	if err != nil && int64(len(buf)) < fi.Size() {
		// Longer metadata (an Aux): read it to its checksum, not the body.
		need := fi.Size()
		if n, w := binary.Uvarint(buf[min(len(buf), len(envelopeMagic)+1):]); w > 0 && n < uint64(fi.Size()) {
			need = min(need, int64(len(envelopeMagic)+1+w)+int64(n)+sumLen)
		}
		if need <= int64(len(buf)) {
			return Entry{}, false
		}
		whole := make([]byte, need)
		copy(whole, buf)
		if _, err := io.ReadFull(f, whole[len(buf):]); err != nil {
			return Entry{}, false
		}
		e, m, err = decodeMeta(whole, true)
	}
	if err != nil || m.bodyLen != uint64(fi.Size())-uint64(m.bodyStart) {
		return Entry{}, false
	}
	e.Sum = m.bodySum
	return e, true
}

// Get returns the intact entry stored under key, as Store.Get does, but
// without marking it used.
func (p Peek) Get(key string) (Entry, bool) {
	if !p.ok {
		return Entry{}, false
	}
	s := Store{dir: p.dir, max: p.max}
	data, err := s.readFile(s.path(key))
	if err != nil {
		return Entry{}, false
	}
	e, err := DecodeEnvelope(data)
	if err != nil || e.Key != key {
		return Entry{}, false
	}
	return e, true
}
