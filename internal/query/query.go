// Package query holds the types every layer shares about a Hub search: the
// Query a user asks, the table of sort orders, and the Page of models an
// answer brings. It is a leaf: hf sends it, app pages with it, ui shows it,
// and none of them needs the others' types to do so.
package query

import (
	"strings"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// Query is one Hub search.
type Query struct {
	// Text is a substring of the repo id, owner included.
	Text string
	// Author is an exact user or organisation name.
	Author string
	// Filters are tags that must all be present (gguf, license:mit, ...).
	Filters []string
	// Sort is a Sort's Name; "" is SortDownloads.
	Sort string
}

// Equal reports whether two queries ask the same thing.
func (q Query) Equal(o Query) bool {
	if q.Text != o.Text || q.Author != o.Author || q.SortName() != o.SortName() || len(q.Filters) != len(o.Filters) {
		return false
	}
	for i := range q.Filters {
		if q.Filters[i] != o.Filters[i] {
			return false
		}
	}
	return true
}

// SortName is the query's sort order, SortDownloads when unset.
func (q Query) SortName() string {
	if q.Sort == "" {
		return SortDownloads
	}
	return q.Sort
}

// Sort names, as users type them.
const (
	SortDownloads = "downloads"
	SortLikes     = "likes"
	SortTrending  = "trending"
	SortUpdated   = "updated"
	SortCreated   = "created"

	// Local orders: search sorts the kept results by them after the scan,
	// the browser the loaded ones (internal/rank); the Hub never sees
	// them.
	SortFit     = "fit"
	SortSize    = "size"
	SortParams  = "params"
	SortContext = "context"
	SortSpeed   = "speed"
)

// Sort is one order the Hub can list models in (always descending).
type Sort struct {
	// Name is what users type (--sort) and see.
	Name string
	// Param is the Hub's value of the sort= parameter.
	Param string
	// Browse is true for the Hub orders the browser's o key cycles
	// through (then the local ones).
	Browse bool
	// Local orders are applied here over results the Hub listed in its
	// default order; Param is empty.
	Local bool
}

// HubSort is the order to ask the Hub for: the sort itself, or the
// Hub's default for a local one.
func (s Sort) HubSort() string {
	if s.Local {
		return SortDownloads
	}
	return s.Name
}

// Sorts is the one table of sort orders, in the order o cycles them.
var Sorts = []Sort{
	{Name: SortDownloads, Param: "downloads", Browse: true},
	{Name: SortLikes, Param: "likes", Browse: true},
	{Name: SortTrending, Param: "trendingScore", Browse: true},
	{Name: SortUpdated, Param: "lastModified", Browse: true},
	{Name: SortCreated, Param: "createdAt"},
	{Name: SortFit, Local: true},
	{Name: SortSize, Local: true},
	{Name: SortParams, Local: true},
	{Name: SortContext, Local: true},
	{Name: SortSpeed, Local: true},
}

// LookupSort finds a sort order by its name or the Hub's own parameter
// value, case-insensitively.
func LookupSort(name string) (Sort, bool) {
	name = strings.TrimSpace(name)
	for _, s := range Sorts {
		if strings.EqualFold(name, s.Name) || s.Param != "" && strings.EqualFold(name, s.Param) {
			return s, true
		}
	}
	return Sort{}, false
}

// SortNames lists the names of the sorts, all (the Hub's and the local
// ones) or only the Hub orders the browser starts with.
func SortNames(browseOnly bool) []string {
	var out []string
	for _, s := range Sorts {
		if s.Browse || !browseOnly {
			out = append(out, s.Name)
		}
	}
	return out
}

// LocalSortNames lists the local orders, in the order o cycles them.
func LocalSortNames() []string {
	var out []string
	for _, s := range Sorts {
		if s.Local {
			out = append(out, s.Name)
		}
	}
	return out
}

// NextSort is the browser's sort order after name (o key): the Hub's
// orders, then the local ones, then round again.
func NextSort(name string) string {
	names := append(SortNames(true), LocalSortNames()...)
	for i, n := range names {
		if n == name {
			return names[(i+1)%len(names)]
		}
	}
	return names[0]
}

// Page is one page of search results.
type Page struct {
	Models []compat.Model
	// Next is where the following page is; "" on the last page.
	Next string
	// FetchedAt is when the Hub gave this answer.
	FetchedAt time.Time
	// FromCache: the answer came from the cache, not from the Hub now.
	FromCache bool
	// Stale: the Hub could not be asked or did not answer, and the cached
	// answer is older than its freshness.
	Stale bool
	// Offline: no request is sent at all (--offline), or the Hub failed.
	Offline bool
	// Dropped counts the models of the page left out because the Hub
	// described them in a form that does not decode.
	Dropped int
}
