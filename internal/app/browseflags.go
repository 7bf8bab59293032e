package app

import (
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/query"
)

// PickFormats are what a pick in the browser can print (--pick-format).
var PickFormats = []string{"id", "json", "path"}

// BrowseFlags checks the browser's flags: a pick format it knows (path
// downloads, which --demo does not), and a sort it can browse by.
func BrowseFlags(sortBy, pickFormat string, demo bool) (query.Sort, error) {
	sort, ok := query.LookupSort(sortBy)
	switch {
	case pickFormat != "id" && pickFormat != "json" && pickFormat != "path":
		return sort, Usagef("--pick-format must be id, json or path, got %q", pickFormat)
	case pickFormat == "path" && demo:
		return sort, Usagef("--pick-format path downloads the pick, and --demo writes nothing to disk: use id or json with --demo")
	case !ok || !sort.Browse:
		return sort, Usagef("--sort must be one of %s, got %q", strings.Join(query.SortNames(true), ", "), sortBy)
	}
	return sort, nil
}
