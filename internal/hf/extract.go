package hf

import (
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// Extract decodes one Hub model object (GET /api/models/{id}) into the
// engine's raw facts. The reading itself is in wire.go.
func Extract(body []byte) (compat.Raw, error) {
	return readModel(body)
}

// DecodeModel decodes one Hub model object and derives its facts.
func DecodeModel(body []byte) (compat.Model, error) {
	r, err := Extract(body)
	if err != nil {
		return compat.Model{}, err
	}
	return compat.Derive(r), nil
}

// DecodeList decodes a Hub list answer (GET /api/models): a JSON array of
// model objects. An error names the index of the model it is about.
func DecodeList(body []byte) ([]compat.Model, error) {
	return readList(body)
}

// decodeError explains an encoding/json failure in one line, naming the
// field and the types for a type mismatch.
func decodeError(what string, err error) *Error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "the top level"
		}
		return newError(BadResponse, err, "%s: %s: expected %s, got %s", what, field, goTypeToJSON(te.Type.String()), article(te.Value))
	case errors.As(err, &se):
		return newError(BadResponse, err, "%s is not valid JSON (at byte %d)", what, se.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return newError(BadResponse, err, "%s is empty or cut short", what)
	}
	return newError(BadResponse, err, "%s: %s", what, oneLine(err.Error(), 200))
}

func goTypeToJSON(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"), strings.HasPrefix(t, "*[]"):
		return "a list"
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "map"), strings.Contains(t, "struct"),
		strings.HasPrefix(strings.TrimPrefix(t, "*"), "hf."): // this package's wire structs
		return "an object"
	case strings.Contains(t, "int"), strings.Contains(t, "float"):
		return "a number"
	}
	return t
}

// article turns encoding/json's value names ("array", "object") into words.
func article(v string) string {
	switch v {
	case "array":
		return "a list"
	case "object":
		return "an object"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "number":
		return "a number"
	}
	if strings.HasPrefix(v, "number") {
		return "a number"
	}
	return v
}
