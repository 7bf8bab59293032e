package cache

import (
	"bytes"
	"container/list"
	"maps"
	"time"
)

// memStore is the fallback of a Store whose disk failed: a least recently
// used list bounded by the envelope sizes the entries would have on disk.
// Its caller holds Store.mu.
type memStore struct {
	max   int64
	size  int64
	order list.List // of *memItem, most recently used first
	items map[string]*list.Element
	// gone holds the keys deleted while memory-only: their entries on
	// the disk, which is no longer written, must not answer again.
	gone map[string]struct{}
}

// hide records that key was deleted, so the disk's entry stays unseen.
func (m *memStore) hide(key string) {
	if m.gone == nil {
		m.gone = make(map[string]struct{})
	}
	m.gone[key] = struct{}{}
}

type memItem struct {
	e    Entry
	size int64
	used time.Time
}

// get returns a copy of key's entry and marks it used.
func (m *memStore) get(key string, now time.Time) (Entry, bool) {
	el, ok := m.items[key]
	if !ok {
		return Entry{}, false
	}
	it := el.Value.(*memItem)
	it.used = now
	m.order.MoveToFront(el)
	return cloneEntry(it.e), true
}

// put stores a copy of e, then evicts the least recently used entries
// until the total is within max. size is e's envelope size, at most max.
func (m *memStore) put(e Entry, size int64, now time.Time) {
	if m.items == nil {
		m.items = make(map[string]*list.Element)
	}
	m.remove(e.Key)
	delete(m.gone, e.Key)
	m.items[e.Key] = m.order.PushFront(&memItem{e: cloneEntry(e), size: size, used: now})
	m.size += size
	for m.size > m.max {
		m.remove(m.order.Back().Value.(*memItem).e.Key)
	}
}

func (m *memStore) remove(key string) {
	if el, ok := m.items[key]; ok {
		m.size -= el.Value.(*memItem).size
		m.order.Remove(el)
		delete(m.items, key)
	}
}

func (m *memStore) clear() {
	m.items = nil
	m.gone = nil
	m.order.Init()
	m.size = 0
}

// cloneEntry deep-copies e and normalises it as an envelope round trip
// would: FetchedAt in UTC without a monotonic reading, empty Header and
// Body as nil. So a memory-only Store answers exactly like a disk one.
func cloneEntry(e Entry) Entry {
	e.FetchedAt = e.FetchedAt.Round(0).UTC()
	if len(e.Header) == 0 {
		e.Header = nil
	} else {
		e.Header = maps.Clone(e.Header)
	}
	if len(e.Body) == 0 {
		e.Body = nil
	} else {
		e.Body = bytes.Clone(e.Body)
	}
	if len(e.Aux) == 0 {
		e.Aux = nil
	} else {
		e.Aux = bytes.Clone(e.Aux)
	}
	return e
}
