// Package text is what modelbrowser prints, the CLI and the browser alike:
// Sanitize and OneLine make text from the Hub (or a catalog file, or a
// system error) safe for a terminal, with one definition of an unsafe
// character (IsUnsafe); Inert does the same for JSON output; the Human*
// functions and Ago say sizes, counts and ages the way a person reads them.
//
// It knows nothing of the Hub, the cache or Bubble Tea.
package text
