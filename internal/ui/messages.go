package ui

import (
	"github.com/modelbrowser/modelbrowser/internal/card"
	"github.com/modelbrowser/modelbrowser/internal/download"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// Every message the TUI defines. Each one carries the request it answers, so
// Update can drop an answer to a question nobody asks any more.

// pageFetchedMsg reports that a page of search results arrived, or failed,
// for query under search sequence number seq; next is the page token that
// was asked for ("" for the first page). The page's models are already
// judged and prepared for display (items), by the command, off the UI loop.
type pageFetchedMsg struct {
	query query.Query
	seq   int
	next  string
	page  query.Page
	items []*item
	err   error
}

// detailFetchedMsg reports that the details of the model with id arrived,
// or failed, for the search with sequence number seq. item is the model
// re-judged with its details.
type detailFetchedMsg struct {
	seq  int
	id   string
	item *item
	err  error
}

// factsFetchedMsg reports that the fit facts of the model with id arrived,
// or failed, for the search with sequence number seq.
type factsFetchedMsg struct {
	seq   int
	id    string
	facts fit.Facts
	err   error
}

// waitTickedMsg is a second of a rate-limit wait gone by: the footer counts
// down, and when the wait is over the UI asks again. gen is the wait it
// belongs to, so that an older wait's ticks stop.
type waitTickedMsg struct{ gen int }

// cardFetchedMsg reports that the model card of key (id@sha, cardKey)
// arrived, or failed. A card at a commit never changes: it is kept
// whatever search is on.
type cardFetchedMsg struct {
	key  string
	card card.Card
	err  error
}

// downloadPlannedMsg answers a download's plan request number seq: what
// fetching the variant takes, or why it cannot be fetched.
type downloadPlannedMsg struct {
	seq  int
	plan download.Plan
	err  error
}

// downloadProgressedMsg is where the running download number seq stands.
type downloadProgressedMsg struct {
	seq      int
	progress download.Progress
}

// downloadEndedMsg reports that download number seq ended: the path a
// worker loads, or the error (a cancelled one included).
type downloadEndedMsg struct {
	seq  int
	path string
	err  error
}

// speedProbedMsg carries the CPU's speed, measured in the background
// since the start (Options.ProbeSpeed).
type speedProbedMsg struct{ speed fit.CPUSpeed }
