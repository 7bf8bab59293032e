package ui

import "github.com/modelbrowser/modelbrowser/internal/query"

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
