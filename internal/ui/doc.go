// Package ui is modelbrowser's terminal interface: browse Hub search results
// judged against the local workers, filter them, read why each model is or
// is not compatible, and pick one.
//
// Layout: model.go is the root (it owns the search and hands keys to the
// focused pane), list.go and rows.go the results pane, detail.go and
// explain.go the detail pane, keys.go the keymap, styles.go the styles,
// messages.go every message, commands.go every command that does I/O,
// search.go paging and the answers to requests, view.go the screen.
package ui
