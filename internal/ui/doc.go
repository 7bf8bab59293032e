// Package ui is modelbrowser's terminal interface: browse Hub search results
// judged against the local workers, filter them, read why each model is or
// is not compatible, see which file fits this machine at which context,
// and pick a model or one of its files. Run is the entry point; New builds the
// root model for tests.
//
// Where things live: run.go the API (Options, Searcher, Result, Run);
// model.go the root model, which owns the search and hands keys to the
// focused pane; search.go paging, and what the screen lacks (want), which
// the handler of each message that changes what is visible asks for;
// view.go the screen and its layout; list.go, rows.go and item.go the
// results pane, listload.go what the list asks for its rows in view (their
// contexts and fit facts), the answers it keeps with them (the list is the
// only model that changes an item) and their fit judgements; detail.go,
// explain.go and explain_tables.go the detail pane; fitview.go the fit as
// shown (the FIT cell, context steps, picks: pure, over fit.Judge),
// fitload.go the answers the detail pane shows, the context steps and the
// rate-limit wait, explain_fit.go the "Files and fit"
// section; rank.go the local orders (o) and facets.go the facet bar (F)
// over the loaded results; keys.go the keymap; styles.go the
// styles; messages.go every message; commands.go every command that does
// I/O; format.go sanitizing and formatting Hub data for display, for the
// TUI and the CLI.
package ui
