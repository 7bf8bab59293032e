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
func ParseCatalog(name string, data []byte) (Catalog, error) {
	var c Catalog
	isJSON := strings.HasSuffix(strings.ToLower(name), ".json")
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
