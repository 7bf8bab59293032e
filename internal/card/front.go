package card

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// maxFrontBytes caps the front matter read as YAML; a longer one (the
// Hub's model-index of a much-evaluated model can run long) is skipped,
// its fields unknown, and the body still shown.
const maxFrontBytes = 256 << 10

// Split cuts a card into its YAML front matter (without the --- lines)
// and its Markdown body. A card with no front matter is all body.
func Split(card string) (front, body string) {
	s := strings.TrimPrefix(card, "\ufeff")
	first, rest, ok := strings.Cut(s, "\n")
	if !ok || strings.TrimRight(first, " \r") != "---" {
		return "", card
	}
	off := 0
	for off <= len(rest) {
		line, after, more := strings.Cut(rest[off:], "\n")
		if t := strings.TrimRight(line, " \r"); t == "---" || t == "..." {
			if !more {
				after = ""
			}
			return rest[:off], after
		}
		if !more {
			break
		}
		off += len(line) + 1
	}
	return "", card // an unclosed front matter is body text
}

// ParseFront reads the fields of a card's front matter. YAML that does
// not parse, or is not a mapping, gives no fields and no error: the card
// is still worth reading.
func ParseFront(front string) Front {
	if front == "" || len(front) > maxFrontBytes {
		return Front{}
	}
	var m map[string]any
	if err := yaml.Unmarshal([]byte(front), &m); err != nil || m == nil {
		return Front{}
	}
	return Front{
		License:   one(m["license"]),
		BaseModel: many(m["base_model"]),
		Languages: many(m["language"]),
		Pipeline:  one(m["pipeline_tag"]),
		Datasets:  many(m["datasets"]),
		Library:   one(m["library_name"]),
	}
}

// one is a scalar field as a line of text ("" for a list or a mapping).
func one(v any) string {
	switch v := v.(type) {
	case nil, []any, map[string]any:
		return ""
	case string:
		return text.OneLine(v, 80)
	default:
		return text.OneLine(fmt.Sprint(v), 80)
	}
}

// many is a field that may be one value or a list of them.
func many(v any) []string {
	var out []string
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			if s := one(x); s != "" {
				out = append(out, s)
			}
		}
	default:
		if s := one(v); s != "" {
			out = append(out, s)
		}
	}
	return out
}
