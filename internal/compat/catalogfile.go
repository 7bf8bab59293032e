package compat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Bounds on a catalog file, checked before it is parsed: the TOML parser
// takes memory and time that grow faster than the nesting (a 40 KB file of
// nested inline tables took 3.5 GB).
const (
	// MaxCatalogBytes is the largest catalog file read (1 MiB).
	MaxCatalogBytes = 1 << 20
	// MaxCatalogDepth bounds how deep tables, arrays and dotted keys nest.
	MaxCatalogDepth = 32
)

// CatalogError is a problem in a user catalog file, located by file, line
// and field so the user can go straight to it.
type CatalogError struct {
	File  string
	Line  int    // 0 when unknown
	Field string // e.g. "workers[1].max_context"; "" for syntax errors
	Msg   string
}

func (e *CatalogError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ParseCatalog reads a user worker catalog from data, in TOML or JSON as the
// file name's extension says. The file replaces the built-in catalog; when
// it declares no families, the default families give architectures their
// base confidence. Every problem found is reported with its line and field.
//
// A file over MaxCatalogBytes, or nesting deeper than MaxCatalogDepth, is
// refused before parsing.
func ParseCatalog(name string, data []byte) (Catalog, error) {
	var c Catalog
	if len(data) > MaxCatalogBytes {
		return Catalog{}, &CatalogError{File: name, Msg: fmt.Sprintf("larger than 1 MiB (%d bytes); not a worker catalog", len(data))}
	}
	isJSON := strings.HasSuffix(strings.ToLower(name), ".json")
	if !isJSON {
		if line := tomlTooDeep(data, MaxCatalogDepth); line > 0 {
			return Catalog{}, &CatalogError{File: name, Line: line, Msg: fmt.Sprintf("nested deeper than %d levels (tables, arrays or dotted keys); not a worker catalog", MaxCatalogDepth)}
		}
	}
	if isJSON {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return Catalog{}, jsonError(name, data, err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return Catalog{}, &CatalogError{File: name, Msg: "unexpected data after the catalog object"}
		}
	} else {
		md, err := toml.Decode(string(data), &c)
		if err != nil {
			var pe toml.ParseError
			if errors.As(err, &pe) {
				return Catalog{}, &CatalogError{File: name, Line: pe.Position.Line, Msg: pe.Message}
			}
			return Catalog{}, &CatalogError{File: name, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
		}
		if und := md.Undecoded(); len(und) > 0 {
			key := und[0].String()
			return Catalog{}, &CatalogError{File: name, Line: tomlLine(data, key), Field: key, Msg: "unknown field"}
		}
	}
	locate := func(field string) int {
		if isJSON {
			return jsonLine(data, field)
		}
		return tomlFieldLine(data, field)
	}
	if err := validateCatalog(&c); err != nil {
		err.File = name
		err.Line = locate(err.Field)
		return Catalog{}, err
	}
	if len(c.Families) == 0 {
		c.Families = DefaultFamilies()
	}
	c.Source = name
	return c, nil
}

func validateCatalog(c *Catalog) *CatalogError {
	if len(c.Workers) == 0 {
		return &CatalogError{Field: "workers", Msg: "the catalog declares no worker"}
	}
	seen := map[string]int{}
	for i, w := range c.Workers {
		at := func(f string) string { return fmt.Sprintf("workers[%d].%s", i, f) }
		if strings.TrimSpace(w.Name) == "" {
			return &CatalogError{Field: at("name"), Msg: "a worker needs a name"}
		}
		if j, dup := seen[strings.ToLower(w.Name)]; dup {
			return &CatalogError{Field: at("name"), Msg: fmt.Sprintf("%q is already the name of workers[%d]", w.Name, j)}
		}
		seen[strings.ToLower(w.Name)] = i
		switch strings.ToLower(w.Device) {
		case "cpu", "cuda", "metal", "rocm":
		case "":
			return &CatalogError{Field: at("device"), Msg: "a worker needs a device (cpu, cuda, metal or rocm)"}
		default:
			return &CatalogError{Field: at("device"), Msg: fmt.Sprintf("unknown device %q (want cpu, cuda, metal or rocm)", w.Device)}
		}
		for _, p := range w.Platforms {
			switch strings.ToLower(p) {
			case "linux", "macos", "windows":
			default:
				return &CatalogError{Field: at("platforms"), Msg: fmt.Sprintf("unknown platform %q (want linux, macos or windows)", p)}
			}
		}
		if len(w.Formats) == 0 {
			return &CatalogError{Field: at("formats"), Msg: "a worker needs at least one format"}
		}
		for _, f := range w.Formats {
			if strings.TrimSpace(f) == "" {
				return &CatalogError{Field: at("formats"), Msg: "empty format name"}
			}
			if len(w.Architectures[f]) == 0 {
				return &CatalogError{Field: at("architectures"), Msg: fmt.Sprintf("no architectures listed for format %q", f)}
			}
		}
		for f := range w.Architectures {
			if !w.Loads(f) {
				return &CatalogError{Field: at("architectures." + f), Msg: fmt.Sprintf("architectures given for %q, which is not in formats", f)}
			}
		}
		if w.MaxContext <= 0 {
			return &CatalogError{Field: at("max_context"), Msg: "must be a positive number of tokens"}
		}
	}
	for i, f := range c.Families {
		at := func(k string) string { return fmt.Sprintf("families[%d].%s", i, k) }
		if strings.TrimSpace(f.Name) == "" {
			return &CatalogError{Field: at("name"), Msg: "a family needs a name"}
		}
		if !f.Confidence.Valid() || f.Confidence == None {
			return &CatalogError{Field: at("confidence"), Msg: fmt.Sprintf("%q is not a confidence (want high, medium or low)", f.Confidence)}
		}
		if len(f.Architectures) == 0 {
			return &CatalogError{Field: at("architectures"), Msg: "a family needs at least one architecture"}
		}
	}
	return nil
}

func lineAt(data []byte, offset int64) int {
	if offset < 0 {
		return 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

func jsonError(name string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &CatalogError{File: name, Line: lineAt(data, se.Offset), Msg: se.Error()}
	case errors.As(err, &te):
		field := te.Field
		return &CatalogError{File: name, Line: lineAt(data, te.Offset), Field: field,
			Msg: fmt.Sprintf("want %s, found %s", te.Type, te.Value)}
	case errors.Is(err, io.EOF):
		return &CatalogError{File: name, Msg: "the file is empty"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &CatalogError{File: name, Line: lineAt(data, int64(len(data))), Msg: "unexpected end of file"}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
		f = strings.Trim(f, `"`)
		return &CatalogError{File: name, Line: jsonKeyLine(data, f), Field: f, Msg: "unknown field"}
	}
	return &CatalogError{File: name, Msg: msg}
}

// jsonLine finds the line of a field path like "workers[1].max_context" by
// walking the JSON tokens; when the field itself is missing it falls back
// to the enclosing element.
func jsonLine(data []byte, field string) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	want := field
	best := 0
	type frame struct {
		array bool
		index int
		key   string
	}
	var stack []frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			if f.array {
				fmt.Fprintf(&b, "[%d]", f.index-1)
			} else if f.key != "" {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			}
		}
		return b.String()
	}
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return best
		}
		// The offset just past the token: on the token's own line.
		off := dec.InputOffset() - 1
		// Count array elements when a value starts inside an array.
		if len(stack) > 0 && stack[len(stack)-1].array {
			if d, ok := tok.(json.Delim); !ok || d == '{' || d == '[' {
				stack[len(stack)-1].index++
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{})
				expectKey = true
			case '[':
				stack = append(stack, frame{array: true})
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
			p := path()
			if (t == '{' || t == '[') && p != "" && strings.HasPrefix(want, p) {
				best = lineAt(data, off)
			}
		case string:
			top := &stack[len(stack)-1]
			if !top.array && expectKey {
				top.key = t
				p := path()
				if p == want {
					return lineAt(data, off)
				}
				if strings.HasPrefix(want, p) {
					best = lineAt(data, off)
				}
				expectKey = false
				continue
			}
		}
		if len(stack) > 0 && !stack[len(stack)-1].array {
			expectKey = true
		}
	}
}

func jsonKeyLine(data []byte, key string) int {
	i := bytes.Index(data, []byte(strconv.Quote(key)))
	if i < 0 {
		return 0
	}
	return lineAt(data, int64(i))
}

// tomlFieldLine finds the line of "workers[1].max_context" in a TOML file:
// the second [[workers]] table, then the key inside it (or a
// [workers.architectures] sub-table); the table header when the key is
// missing.
func tomlFieldLine(data []byte, field string) int {
	table, rest, _ := strings.Cut(field, "[")
	idxStr, key, _ := strings.Cut(rest, "].")
	idx, err := strconv.Atoi(idxStr)
	if err != nil {
		return tomlLine(data, field)
	}
	key, _, _ = strings.Cut(key, ".")
	lines := strings.Split(string(data), "\n")
	count, header := -1, 0
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[[") {
			name := strings.TrimSpace(strings.Trim(t, "[] "))
			if name == table {
				count++
				if count == idx {
					header = i + 1
				} else if count > idx {
					break
				}
			} else if count == idx {
				break
			}
			continue
		}
		if count != idx {
			continue
		}
		if strings.HasPrefix(t, "[") && strings.Trim(t, "[] ") == table+"."+key {
			return i + 1
		}
		if k, _, ok := strings.Cut(t, "="); ok && strings.TrimSpace(k) == key {
			return i + 1
		}
	}
	return header
}

// tomlLine finds the first line that defines a dotted key's last part.
func tomlLine(data []byte, key string) int {
	parts := strings.Split(key, ".")
	last := parts[len(parts)-1]
	for i, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(l)
		if k, _, ok := strings.Cut(t, "="); ok && strings.TrimSpace(k) == last {
			return i + 1
		}
		if strings.Trim(t, "[] ") == key {
			return i + 1
		}
	}
	return 0
}

// tomlTooDeep scans TOML text, without parsing it, for nesting deeper than
// max: each segment of a dotted key or table header, each array and each
// inline table is a level, and levels add up along the path. It returns
// the 1-based line where the bound is passed, or 0. Strings and comments
// are skipped; text that is not TOML is left to the parser.
func tomlTooDeep(data []byte, max int) int {
	type frame struct {
		table bool // an inline table (keys inside); else an array
		base  int  // a table's depth (its keys add theirs); an array's elements' depth
	}
	var (
		stack  []frame
		line   = 1
		header int // the depth of the current [table]
		inKey  = true
		lineAt = true // at the start of a top-level line
		segs   = 1    // segments of the key being read
		value  = 0    // the depth of the value being read
	)
	base := func() int {
		if len(stack) == 0 {
			return header
		}
		return stack[len(stack)-1].base
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			line++
			if len(stack) == 0 {
				inKey, lineAt, segs = true, true, 1
			}
			continue
		}
		if c == ' ' || c == '\t' || c == '\r' {
			continue
		}
		start := lineAt
		lineAt = false
		switch {
		case c == '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			i = skipTOMLString(data, i, &line)
		case start && c == '[':
			// A table header: [a.b] or [[a.b]], to the closing bracket.
			header = 1
			for i++; i < len(data) && data[i] != ']' && data[i] != '\n'; i++ {
				switch data[i] {
				case '.':
					header++
				case '"', '\'':
					i = skipTOMLString(data, i, &line)
				}
				if header > max {
					return line
				}
			}
			for i+1 < len(data) && data[i+1] == ']' {
				i++
			}
			inKey = false
		case inKey && c == '.':
			if segs++; base()+segs > max {
				return line
			}
		case inKey && c == '=':
			inKey, value = false, base()+segs
		case inKey && c == '}' && len(stack) > 0 && stack[len(stack)-1].table:
			stack, inKey = stack[:len(stack)-1], false // an empty {}
		case inKey:
			// part of a bare key
		case c == '{' || c == '[':
			d := value // a table is at its key's level, its keys below
			if len(stack) > 0 && !stack[len(stack)-1].table {
				d = stack[len(stack)-1].base // an element of an array
			}
			if c == '[' {
				d++ // the elements of an array are a level below it
			}
			if d > max {
				return line
			}
			stack = append(stack, frame{table: c == '{', base: d})
			if c == '{' {
				inKey, segs = true, 1
			}
		case c == '}' || c == ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case c == ',':
			if len(stack) > 0 && stack[len(stack)-1].table {
				inKey, segs = true, 1
			}
		}
	}
	return 0
}

// skipTOMLString returns the index of the last byte of the string that
// starts at data[i]: basic ("...", with escapes) or literal ('...'), or
// their multi-line forms. It counts the newlines it passes.
func skipTOMLString(data []byte, i int, line *int) int {
	q := data[i]
	multi := i+2 < len(data) && data[i+1] == q && data[i+2] == q
	if multi {
		i += 2
	} else if i+1 < len(data) && data[i+1] == q {
		return i + 1 // an empty string
	}
	for i++; i < len(data); i++ {
		switch c := data[i]; {
		case c == '\n':
			if !multi {
				return i - 1 // an unterminated string: the parser says so
			}
			*line++
		case c == '\\' && q == '"':
			if i+1 < len(data) && data[i+1] == '\n' {
				if !multi {
					return i // an unterminated string, as above
				}
				*line++
			}
			i++
		case c == q && !multi:
			return i
		case c == q && i+2 < len(data) && data[i+1] == q && data[i+2] == q:
			for i+3 < len(data) && data[i+3] == q { // up to two quotes inside
				i++
			}
			return i + 2
		}
	}
	return len(data) - 1
}
