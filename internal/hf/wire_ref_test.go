package hf

// The encoding/json decoder of Hub model objects that wire.go replaced,
// kept as the reference FuzzWireMatchesEncodingJSON compares it with.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// refWireModel is the part of a Hub model object the verdict and the list use.
// Fields the Hub computes are typed strictly (a wrong type is an error);
// cardData, which is the author's own YAML, is read leniently.
type refWireModel struct {
	ID           string            `json:"id"`
	ModelID      string            `json:"modelId"`
	Author       string            `json:"author"`
	SHA          string            `json:"sha"`
	LastModified string            `json:"lastModified"`
	Gated        json.RawMessage   `json:"gated"`
	Downloads    refFlexInt        `json:"downloads"`
	Likes        refFlexInt        `json:"likes"`
	Tags         []string          `json:"tags"`
	PipelineTag  string            `json:"pipeline_tag"`
	LibraryName  string            `json:"library_name"`
	Config       *refWireConfig    `json:"config"`
	CardData     *refWireCard      `json:"cardData"`
	Siblings     *[]refWireSibling `json:"siblings"`
	Safetensors  *refWireST        `json:"safetensors"`
	GGUF         *refWireGGUF      `json:"gguf"`
}

type refWireConfig struct {
	ModelType     string           `json:"model_type"`
	Architectures []string         `json:"architectures"`
	Quantization  *refWireQuantCfg `json:"quantization_config"`
}

type refWireQuantCfg struct {
	QuantMethod string `json:"quant_method"`
}

type refWireCard struct {
	License json.RawMessage `json:"license"`
}

type refWireSibling struct {
	RFilename string `json:"rfilename"`
}

type refWireST struct {
	Total refFlexInt `json:"total"`
}

type refWireGGUF struct {
	Architecture  string     `json:"architecture"`
	ContextLength refFlexInt `json:"context_length"`
	Total         refFlexInt `json:"total"`
}

// refFlexInt is a JSON number that may come as an integer or a float
// (1.5e6), or null. Out-of-range values saturate.
type refFlexInt int64

func (f *refFlexInt) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*f = refFlexInt(n)
		return nil
	}
	x, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return &json.UnmarshalTypeError{Value: refJSONValueName(b), Type: reflect.TypeFor[int64]()}
	}
	switch {
	case math.IsNaN(x):
		*f = 0
	case x >= math.MaxInt64:
		*f = math.MaxInt64
	case x <= math.MinInt64:
		*f = math.MinInt64
	default:
		*f = refFlexInt(x)
	}
	return nil
}

// Extract decodes one Hub model object (GET /api/models/{id}) into the
// engine's raw facts.
func refExtract(body []byte) (compat.Raw, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return compat.Raw{}, decodeError("the model", io.EOF) // an empty 200
	}
	var w refWireModel
	if err := json.Unmarshal(body, &w); err != nil {
		return compat.Raw{}, decodeError("the model", err)
	}
	return w.raw()
}

// DecodeModel decodes one Hub model object and derives its facts.
func refDecodeModel(body []byte) (compat.Model, error) {
	r, err := refExtract(body)
	if err != nil {
		return compat.Model{}, err
	}
	return compat.Derive(r), nil
}

// DecodeList decodes a Hub list answer (GET /api/models): a JSON array of
// model objects. Items are decoded one by one so an error names its index.
func refDecodeList(body []byte) ([]compat.Model, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return nil, decodeError("the model list", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, newError(BadResponse, nil, "the model list is not a JSON array (got %s)", refTokenKind(tok))
	}
	var models []compat.Model
	for i := 0; dec.More(); i++ {
		var w refWireModel
		if err := dec.Decode(&w); err != nil {
			return nil, decodeError(fmt.Sprintf("model %d of the list", i), err)
		}
		r, err := w.raw()
		if err != nil {
			return nil, newError(BadResponse, err, "model %d of the list: %s", i, err.(*Error).Message)
		}
		models = append(models, compat.Derive(r))
	}
	if _, err := dec.Token(); err != nil {
		return nil, decodeError("the model list", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, newError(BadResponse, err, "the model list has data after its end")
	}
	if models == nil {
		models = []compat.Model{}
	}
	return models, nil
}

// raw turns the wire shape into compat.Raw, checking what must hold.
func (w *refWireModel) raw() (compat.Raw, error) {
	id := w.ID
	if id == "" {
		id = w.ModelID
	}
	if id == "" {
		return compat.Raw{}, newError(BadResponse, nil, "a model object has no id")
	}
	gated, err := refDecodeGated(w.Gated)
	if err != nil {
		return compat.Raw{}, newError(BadResponse, err, "model %q: gated: %v", oneLine(id, 100), err)
	}
	r := compat.Raw{
		ID:          id,
		Tags:        w.Tags,
		LibraryName: w.LibraryName,
		Gated:       gated,
		Author:      w.Author,
		Downloads:   int64(w.Downloads),
		Likes:       int64(w.Likes),
		PipelineTag: w.PipelineTag,
		SHA:         w.SHA,
	}
	if t, err := time.Parse(time.RFC3339, w.LastModified); err == nil {
		r.LastModified = t
	}
	if w.CardData != nil {
		r.License = refDecodeLicense(w.CardData.License)
	}
	if c := w.Config; c != nil {
		r.ConfigModelType = c.ModelType
		r.ConfigArchitectures = c.Architectures
		if c.Quantization != nil {
			r.QuantMethod = c.Quantization.QuantMethod
		}
	}
	if w.Siblings != nil {
		r.HasSiblings = true
		r.Siblings = make([]string, 0, len(*w.Siblings))
		for _, s := range *w.Siblings {
			if s.RFilename != "" {
				r.Siblings = append(r.Siblings, s.RFilename)
			}
		}
	}
	if st := w.Safetensors; st != nil {
		r.HasSafetensors = true
		r.SafetensorsTotal = int64(st.Total)
	}
	if g := w.GGUF; g != nil {
		r.HasGGUF = true
		r.GGUFArchitecture = g.Architecture
		r.GGUFContextLength = int64(g.ContextLength)
		r.GGUFTotal = int64(g.Total)
	}
	return r, nil
}

// refDecodeGated reads gated: false, "auto", "manual" (true is taken as
// "auto"); absent or null is not gated.
func refDecodeGated(b json.RawMessage) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0, string(b) == "null", string(b) == "false":
		return "", nil
	case string(b) == "true":
		return "auto", nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", err
		}
		return s, nil
	}
	return "", fmt.Errorf("expected false or a string, got %s", refKindOfJSON(b))
}

// refDecodeLicense reads cardData.license: a string or a list of strings
// (joined with ", "); anything else is ignored, being the author's YAML.
func refDecodeLicense(b json.RawMessage) string {
	if len(b) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		return s
	}
	var list []any
	if json.Unmarshal(b, &list) == nil {
		var out []string
		for _, v := range list {
			if s, ok := v.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return strings.Join(out, ", ")
	}
	return ""
}

// refJSONValueName names a JSON value the way encoding/json does.
func refJSONValueName(b []byte) string {
	switch refKindOfJSON(b) {
	case "an object":
		return "object"
	case "a list":
		return "array"
	case "a string":
		return "string"
	case "a boolean":
		return "bool"
	}
	return "number"
}

func refKindOfJSON(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func refTokenKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return string(v)
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "something else"
}
