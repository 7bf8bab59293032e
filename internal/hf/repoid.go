package hf

import (
	"net/url"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// MaxRepoNamePart is the longest owner or name the Hub accepts.
const MaxRepoNamePart = 96

// windowsReserved are device names Windows refuses as file names; a repo id
// may end up as a cache path, so they are refused everywhere.
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM0": true, "COM1": true, "COM2": true, "COM3": true, "COM4": true,
	"COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT0": true, "LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true,
	"LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// ValidateRepoID checks a repository id before any request: "owner/name",
// or a bare legacy "name" such as "gpt2" (the Hub redirects those). Each
// part is 1 to 96 ASCII letters, digits, '-', '_' or '.', with no "--" or
// "..", not starting or ending with '-' or '.', and not a Windows device
// name. The error is an *Error of Kind Invalid.
func ValidateRepoID(id string) error {
	if id == "" {
		return invalidID(id, "it is empty")
	}
	if len(id) > 2*MaxRepoNamePart+1 {
		return invalidID(id, "it is too long")
	}
	parts := strings.Split(id, "/")
	if len(parts) > 2 {
		return invalidID(id, `it must be "owner/name" or "name"`)
	}
	for _, p := range parts {
		if why := checkRepoPart(p); why != "" {
			return invalidID(id, why)
		}
	}
	return nil
}

func checkRepoPart(p string) string {
	switch {
	case p == "":
		return "the owner and the name must not be empty"
	case len(p) > MaxRepoNamePart:
		return "each part is at most 96 characters"
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return "only ASCII letters, digits, '-', '_' and '.' are allowed"
		}
	}
	switch {
	case strings.Contains(p, "--"), strings.Contains(p, ".."):
		return `"--" and ".." are not allowed`
	case strings.HasPrefix(p, "-"), strings.HasPrefix(p, "."), strings.HasSuffix(p, "-"), strings.HasSuffix(p, "."):
		return "a part must not start or end with '-' or '.'"
	}
	stem, _, _ := strings.Cut(p, ".")
	if windowsReserved[strings.ToUpper(stem)] {
		return "it is a reserved device name on Windows"
	}
	return ""
}

func invalidID(id, why string) *Error {
	return newError(Invalid, nil, "invalid repository id %q: %s", text.OneLine(id, 100), why)
}

// repoPath is the id's URL path, each part escaped.
func repoPath(id string) string {
	owner, name, ok := strings.Cut(id, "/")
	if !ok {
		return url.PathEscape(owner)
	}
	return url.PathEscape(owner) + "/" + url.PathEscape(name)
}
