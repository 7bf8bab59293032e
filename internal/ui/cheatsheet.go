package ui

import "strings"

// KeyHelp is one line of the browser's key cheat sheet.
type KeyHelp struct {
	Keys string // as the help shows them: "↑/k", "enter"
	Desc string
}

// CheatSheet is every key the browser answers to, in the order of the full
// help (`?`), for the command line's --help: taken from the keymap itself,
// so the two never disagree. A key that means different things in
// different states is listed once, with its meanings joined by ", ".
func CheatSheet() []KeyHelp {
	var out []KeyHelp
	at := map[string]int{}
	for _, group := range defaultKeyMap("").FullHelp() {
		for _, b := range group {
			k, d := b.Help().Key, b.Help().Desc
			i, ok := at[k]
			switch {
			case k == "":
			case !ok:
				at[k] = len(out)
				out = append(out, KeyHelp{Keys: k, Desc: d})
			case !strings.Contains(", "+out[i].Desc+", ", ", "+d+", "):
				out[i].Desc += ", " + d
			}
		}
	}
	return out
}
