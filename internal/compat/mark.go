package compat

import "strings"

// Mark is a verdict in one mark, the same on every surface (search's
// table, check, the browser's list and detail): ✓ compatible, ! compatible
// with warnings, ✗ incompatible.
type Mark string

// The verdict's marks.
const (
	MarkCompatible   Mark = "✓"
	MarkWarnings     Mark = "!"
	MarkIncompatible Mark = "✗"
)

// Mark is the verdict's mark. Only the verdict's own warnings count: the
// fit's (MEM_*, CTX_REQUEST_CAPPED, CTX_OVER_MODEL), which check and
// search --fit add to the same list, have their own mark (the FIT cell),
// and CTX_UNKNOWN counts once the context was looked up (contextLookedUp):
// before, nearly every safetensors model has it, and it says nothing.
func (v Verdict) Mark(contextLookedUp bool) Mark {
	if !v.Compatible {
		return MarkIncompatible
	}
	for _, w := range v.Warnings {
		switch {
		case fitWarning(w.Code):
		case w.Code == CodeCtxUnknown && !contextLookedUp:
		default:
			return MarkWarnings
		}
	}
	return MarkCompatible
}

// fitWarning reports whether a warning code is the fit's (FIT_POLICY
// sections 3 and 4), not the verdict's.
func fitWarning(code string) bool {
	return strings.HasPrefix(code, "MEM_") || code == "CTX_REQUEST_CAPPED" || code == "CTX_OVER_MODEL"
}

// Words is the mark with its words: "✓ compatible", "! compatible, with
// warnings", "✗ incompatible".
func (m Mark) Words() string {
	switch m {
	case MarkCompatible:
		return "✓ compatible"
	case MarkWarnings:
		return "! compatible, with warnings"
	}
	return "✗ incompatible"
}

// Word is the mark in JSON: "compatible", "warnings", "incompatible".
func (m Mark) Word() string {
	switch m {
	case MarkCompatible:
		return "compatible"
	case MarkWarnings:
		return "warnings"
	}
	return "incompatible"
}

// Short is the mark in a table's narrow column: "✓ ok", "! warn", "✗ no".
func (m Mark) Short() string {
	switch m {
	case MarkCompatible:
		return "✓ ok"
	case MarkWarnings:
		return "! warn"
	}
	return "✗ no"
}
