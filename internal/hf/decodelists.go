package hf

import (
	"bytes"
	"errors"
	"hash/maphash"
	"reflect"
	"slices"
	"sync/atomic"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// The two long lists of a model object, tags and siblings (a dozen
// entries each on most models, thousands on some), are read a token at a
// time from the library's decoder rather than through its reflection: the
// same values without a growing slice per list, their strings interned
// (issue 16, budget B). Each reads only a list into an empty value;
// anything else (null, a value of another kind, a repeated key, whose
// value merges into the one before under encoding/json's rules) is left
// to the library, which decodes it as it decodes a []string or a
// []hubSibling. TestListReadersMatchLibrary holds both readers to the
// library's reflection, FuzzDecodeMatchesEncodingJSON to encoding/json.

// tagList is the model's tags: a list of strings, a null element an empty
// string.
type tagList []string

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (l *tagList) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	if *l != nil || d.PeekKind() != '[' {
		return errors.ErrUnsupported
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	var scratch [32]string
	out := scratch[:0]
	for {
		switch k := d.PeekKind(); k {
		case ']':
			_, err := d.ReadToken()
			*l = append(make(tagList, 0, len(out)), out...)
			return err
		case '"':
			v, err := d.ReadValue()
			if err != nil {
				return err
			}
			out = append(out, internString(v))
		case 'n':
			if _, err := d.ReadToken(); err != nil {
				return err
			}
			out = append(out, "")
		default:
			return kindError(d, k, reflect.TypeFor[string]())
		}
	}
}

// siblingNames is the repository's files, one name per element of the
// Hub's list of objects (rfilename, in any case); "" for a null element, a
// file without a name or a name of null, which are no files.
type siblingNames []string

// names are the non-empty file names, in order: the list itself when none
// is empty.
func (l siblingNames) names() []string {
	if !slices.Contains(l, "") {
		return l
	}
	out := make([]string, 0, len(l))
	for _, s := range l {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (l *siblingNames) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	if *l != nil || d.PeekKind() != '[' {
		// The library's own reading of a []hubSibling: its error for a
		// value of another kind, and a repeated key merged element by
		// element into what the one before gave, as encoding/json does.
		old := make([]hubSibling, len(*l))
		for i, name := range *l {
			old[i].RFilename = name
		}
		if err := json.UnmarshalDecode(d, &old, decodeOptions); err != nil {
			return err
		}
		*l = make(siblingNames, len(old))
		for i, s := range old {
			(*l)[i] = s.RFilename
		}
		return nil
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	var scratch [32]string
	out := scratch[:0]
	for {
		switch k := d.PeekKind(); k {
		case ']':
			_, err := d.ReadToken()
			*l = append(make(siblingNames, 0, len(out)), out...)
			return err
		case 'n':
			if _, err := d.ReadToken(); err != nil {
				return err
			}
			out = append(out, "")
		case '{':
			if _, err := d.ReadToken(); err != nil {
				return err
			}
			name := ""
			for d.PeekKind() != '}' {
				key, err := d.ReadValue()
				if err != nil {
					return err
				}
				if isRFilename(key) {
					switch k := d.PeekKind(); k {
					case '"':
						v, err := d.ReadValue()
						if err != nil {
							return err
						}
						name = internString(v)
						continue
					case 'n': // null leaves the name as it was
					default:
						return kindError(d, k, reflect.TypeFor[string]())
					}
				}
				if err := d.SkipValue(); err != nil {
					return err
				}
			}
			if _, err := d.ReadToken(); err != nil {
				return err
			}
			out = append(out, name)
		default:
			return kindError(d, k, reflect.TypeFor[hubSibling]())
		}
	}
}

// isRFilename reports whether the quoted name is rfilename in any case,
// as encoding/json matches it (no character outside ASCII folds to one of
// its letters).
func isRFilename(quoted jsontext.Value) bool {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return len(quoted) == len(`"rfilename"`) && bytes.EqualFold(quoted[1:len(quoted)-1], []byte("rfilename"))
	}
	var buf [64]byte
	name, err := jsontext.AppendUnquote(buf[:0], quoted)
	return err == nil && bytes.EqualFold(name, []byte("rfilename"))
}

// kindError is the library's error for the next value, of kind k, where
// a want was expected: the value is read first, so that the error points
// at it.
func kindError(d *jsontext.Decoder, k jsontext.Kind, want reflect.Type) error {
	if err := d.SkipValue(); err != nil {
		return err
	}
	return &json.SemanticError{JSONPointer: d.StackPointer(), JSONKind: k, GoType: want}
}

// internTable keeps the strings of the lists decoded lately, so that the
// names every model repeats (config.json, README.md, region:us...) are
// made once: a direct-mapped cache of 4,096 strings of at most 64 bytes,
// shared by all decoders (the slots are atomic).
var (
	internTable [4096]atomic.Pointer[string]
	internSeed  = maphash.MakeSeed()
)

// internString is the JSON string literal v (as ReadValue returned it:
// valid, quoted) unquoted, invalid UTF-8 replaced by U+FFFD as the
// library does.
func internString(v jsontext.Value) string {
	b := v[1 : len(v)-1]
	if bytes.IndexByte(b, '\\') >= 0 || !utf8.Valid(b) {
		u, _ := jsontext.AppendUnquote(nil, v) // the error only says invalid UTF-8 was replaced
		return string(u)
	}
	if len(b) > 64 {
		return string(b)
	}
	slot := &internTable[maphash.Bytes(internSeed, b)%uint64(len(internTable))]
	if p := slot.Load(); p != nil && *p == string(b) {
		return *p
	}
	s := string(b)
	slot.Store(&s)
	return s
}
