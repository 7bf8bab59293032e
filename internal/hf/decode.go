package hf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// The Hub's JSON (a list page, a model info) is decoded with
// github.com/go-json-experiment/json, the upstream of encoding/json/v2,
// into the structs below. Fields the Hub computes and the verdict uses are
// typed strictly: a wrong type drops the model. Display-only fields and
// counts are read leniently: a wrong type or a count out of range drops
// that field only. cardData, the author's own YAML, is read leniently.
//
// decodeOptions make the decoder accept what encoding/json (v1) accepted
// and decode it the same way; FuzzDecodeMatchesEncodingJSON holds it to
// that.
var decodeOptions = json.JoinOptions(
	jsontext.AllowInvalidUTF8(true),          // invalid UTF-8 becomes U+FFFD
	jsontext.AllowDuplicateNames(true),       // a repeated key: the last one wins
	json.MatchCaseInsensitiveNames(true),     // "ID" fills id, as in v1...
	jsonv1.MatchCaseSensitiveDelimiter(true), // ...but "pipelinetag" does not fill pipeline_tag
	jsonv1.MergeWithLegacySemantics(true),    // null leaves a string or a count as it was
)

// Dropped is a model, or one field of a model, that decoding left out
// because the Hub sent a value of the wrong type or out of range. The rest
// of the page (or of the model) is kept.
type Dropped struct {
	// Index is the model's position in the list (0 for a model info).
	Index int
	// ID is the model's repo id when it could be read, sanitised (no
	// control or format characters, at most 100 characters); "" when not.
	ID string
	// Field is the dotted path of the field left out ("downloads",
	// "gguf.context_length"); "" when the whole model was.
	Field string
	// Reason says what was wrong, in one short sanitised line.
	Reason string
}

// String describes the drop in one line: "model 3 (org/x) left out: ..."
// or "model 3 (org/x): downloads left out: ...".
func (d Dropped) String() string {
	who := fmt.Sprintf("model %d", d.Index)
	if d.ID != "" {
		who += " (" + d.ID + ")"
	}
	if d.Field == "" {
		return who + " left out: " + d.Reason
	}
	return who + ": " + d.Field + " left out: " + d.Reason
}

// hubModel is what a Hub model object says that the verdict and the list
// use.
type hubModel struct {
	ID           string        `json:"id"`
	ModelID      string        `json:"modelId"`
	Author       shown         `json:"author"`
	SHA          shown         `json:"sha"`
	LastModified shown         `json:"lastModified"`
	Gated        gatedValue    `json:"gated"`
	Downloads    count         `json:"downloads"`
	Likes        count         `json:"likes"`
	Tags         tagList       `json:"tags"`
	PipelineTag  shown         `json:"pipeline_tag"`
	LibraryName  string        `json:"library_name"`
	Config       *hubConfig    `json:"config"`
	CardData     card          `json:"cardData"`
	Siblings     *siblingNames `json:"siblings"`
	Safetensors  *hubST        `json:"safetensors"`
	GGUF         *hubGGUF      `json:"gguf"`
}

type hubConfig struct {
	ModelType     string          `json:"model_type"`
	Architectures []string        `json:"architectures"`
	Quantization  *hubQuantConfig `json:"quantization_config"`
	// MLXQuantization is the "quantization" object of MLX configs.
	MLXQuantization *hubQuantConfig `json:"quantization"`
}

type hubQuantConfig struct {
	QuantMethod string `json:"quant_method"`
	Bits        count  `json:"bits"`
}

type hubSibling struct {
	RFilename string `json:"rfilename"`
}

type hubST struct {
	Total count `json:"total"`
	// Parameters counts parameters per dtype (BF16, F16, F32, I64, ...).
	Parameters map[string]count `json:"parameters"`
}

type hubGGUF struct {
	Architecture  string `json:"architecture"`
	ContextLength count  `json:"context_length"`
	Total         count  `json:"total"`
}

// count is a number that counts something, read by compat's number rule:
// a value that is not a finite, non-negative whole number fitting an
// int64 (4096.9, -5, 1e30, "NaN", a list) leaves it unknown, and says why
// in bad. null leaves it as it was.
type count struct {
	n     int64
	known bool
	bad   string
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (c *count) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	if n, ok := plainCount(v); ok {
		*c = count{n: n, known: true}
		return nil
	}
	c.setFrom(v.Kind(), string(v))
	return nil
}

// plainCount reads the common case of a count, digits alone (at most 18:
// no overflow), as compat.CountFromJSON would read it, without making a
// string of it. JSON allows no leading zero.
func plainCount(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// setFrom sets the count from a JSON value of kind k whose text (for a
// number) is num.
func (c *count) setFrom(k jsontext.Kind, num string) {
	switch k {
	case 'n':
		return
	case '0':
		*c = count{}
		if c.n, c.known = compat.CountFromJSON(num); !c.known {
			c.bad = "not a whole number from 0 to 2^63-1"
		}
	default:
		*c = count{bad: "expected a number, got " + kindName(k)}
	}
}

func (c count) value() int64 {
	if c.known {
		return c.n
	}
	return 0
}

// shown is a string only shown (author, sha, dates): another kind leaves it
// empty and says so in bad. null leaves it as it was.
type shown struct {
	s   string
	bad string
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (t *shown) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	switch k := d.PeekKind(); k {
	case 'n':
		return d.SkipValue()
	case '"':
		tok, err := d.ReadToken()
		if err != nil {
			return err
		}
		*t = shown{s: tok.String()}
		return nil
	default:
		*t = shown{bad: "expected a string, got " + kindName(k)}
		return d.SkipValue()
	}
}

// gatedValue is gated: false, "auto", "manual" (true is taken as "auto");
// null is not gated. Another kind is named in bad, and the model is
// dropped: whether its files can be downloaded is part of the verdict.
type gatedValue struct {
	s   string
	bad string
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (g *gatedValue) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	switch k := d.PeekKind(); k {
	case '"':
		tok, err := d.ReadToken()
		if err != nil {
			return err
		}
		*g = gatedValue{s: tok.String()}
		return nil
	case 't':
		*g = gatedValue{s: "auto"}
	case 'f', 'n':
		*g = gatedValue{}
	default:
		*g = gatedValue{bad: "expected false or a string, got " + kindName(k)}
	}
	return d.SkipValue()
}

// card is cardData, the author's YAML as the Hub parsed it: only the
// licence is read, and a cardData that is not an object is no card (named
// in bad).
type card struct {
	license   string
	baseModel []string
	bad       string
}

// cardFields are the members of cardData that are read.
type cardFields struct {
	License   license    `json:"license"`
	BaseModel stringList `json:"base_model"`
}

// stringList is a string or a list of strings (cardData.base_model takes
// both); anything else in it is skipped.
type stringList []string

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (l *stringList) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	switch d.PeekKind() {
	case '"':
		tok, err := d.ReadToken()
		if s := tok.String(); err == nil && s != "" {
			*l = []string{s}
		}
		return err
	case '[':
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		var out []string
		for d.PeekKind() != ']' {
			if d.PeekKind() != '"' {
				if err := d.SkipValue(); err != nil {
					return err
				}
				continue
			}
			tok, err := d.ReadToken()
			if err != nil {
				return err
			}
			if s := tok.String(); s != "" {
				out = append(out, s)
			}
		}
		_, err := d.ReadToken()
		*l = out
		return err
	}
	return d.SkipValue()
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (c *card) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	switch k := d.PeekKind(); k {
	case '{':
		var f cardFields
		if err := json.UnmarshalDecode(d, &f); err != nil {
			return err
		}
		*c = card{license: string(f.License), baseModel: f.BaseModel}
		return nil
	case 'n':
		*c = card{}
	default:
		*c = card{bad: "expected an object, got " + kindName(k)}
	}
	return d.SkipValue()
}

// license is cardData.license: a string, or a list whose non-empty strings
// are joined with ", "; anything else is no licence.
type license string

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (l *license) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	var list stringList
	err := list.UnmarshalJSONFrom(d)
	*l = license(strings.Join(list, ", "))
	return err
}

// kindName names a JSON kind in words.
func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case '0':
		return "a number"
	case 'n':
		return "null"
	}
	return "nothing"
}

// id is the model's repo id: id, else modelId.
func (w *hubModel) id() string {
	if w.ID != "" {
		return w.ID
	}
	return w.ModelID
}

// raw turns the wire shape into compat.Raw, checking what must hold; the
// fields left out are returned as drops (Index to be set by the caller).
func (w *hubModel) raw() (compat.Raw, []Dropped, error) {
	id := w.id()
	if id == "" {
		return compat.Raw{}, nil, errors.New("a model object has no id")
	}
	if w.Gated.bad != "" {
		return compat.Raw{}, nil, fmt.Errorf("gated: %s", w.Gated.bad)
	}
	var drops []Dropped
	drop := func(field, bad string) {
		if bad != "" {
			drops = append(drops, Dropped{ID: safeID(id), Field: field, Reason: bad})
		}
	}
	drop("author", w.Author.bad)
	drop("sha", w.SHA.bad)
	drop("lastModified", w.LastModified.bad)
	drop("downloads", w.Downloads.bad)
	drop("likes", w.Likes.bad)
	drop("pipeline_tag", w.PipelineTag.bad)
	drop("cardData", w.CardData.bad)
	r := compat.Raw{
		ID:          id,
		Tags:        []string(w.Tags),
		LibraryName: w.LibraryName,
		Gated:       w.Gated.s,
		Author:      w.Author.s,
		Downloads:   w.Downloads.value(),
		Likes:       w.Likes.value(),
		PipelineTag: w.PipelineTag.s,
		SHA:         w.SHA.s,
		License:     w.CardData.license,
		BaseModels:  w.CardData.baseModel,
	}
	if t, err := time.Parse(time.RFC3339, w.LastModified.s); err == nil {
		r.LastModified = t
	}
	if c := w.Config; c != nil {
		r.ConfigModelType = c.ModelType
		r.ConfigArchitectures = c.Architectures
		if q := c.Quantization; q != nil {
			r.HasQuantConfig = true
			r.QuantMethod = q.QuantMethod
			r.QuantBits = q.Bits.value()
		}
		if q := c.MLXQuantization; q != nil {
			r.HasMLXQuantization = true
			r.MLXQuantBits = q.Bits.value()
		}
	}
	if w.Siblings != nil {
		r.HasSiblings = true
		r.Siblings = w.Siblings.names()
	}
	if st := w.Safetensors; st != nil {
		r.HasSafetensors = true
		r.SafetensorsTotal = st.Total.value()
		drop("safetensors.total", st.Total.bad)
		for dtype, n := range st.Parameters {
			if v := n.value(); v > 0 {
				if r.SafetensorsParams == nil {
					r.SafetensorsParams = make(map[string]int64, len(st.Parameters))
				}
				r.SafetensorsParams[dtype] = v
			}
		}
	}
	if g := w.GGUF; g != nil {
		r.HasGGUF = true
		r.GGUFArchitecture = g.Architecture
		r.GGUFContextLength = g.ContextLength.value()
		r.GGUFTotal = g.Total.value()
		drop("gguf.context_length", g.ContextLength.bad)
		drop("gguf.total", g.Total.bad)
	}
	return r, drops, nil
}

// decodeOne decodes one model object, whose syntax was checked, into its
// raw facts and the fields left out. A failure (a type that drops the
// model) is returned as a one-line reason.
func decodeOne(v jsontext.Value) (r compat.Raw, drops []Dropped, reason string) {
	var w hubModel
	if err := json.Unmarshal(v, &w, decodeOptions); err != nil {
		return compat.Raw{}, nil, semanticReason(err)
	}
	r, drops, err := w.raw()
	if err != nil {
		return compat.Raw{}, nil, err.Error()
	}
	return r, drops, ""
}

// isSyntax reports whether a decoding error is about the JSON text itself
// (invalid, cut short) rather than a type.
func isSyntax(err error) bool {
	var se *jsontext.SyntacticError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// skipRest moves dec past the rest of the list element that began at
// start and whose decoding stopped part way, back to the list's level.
func skipRest(dec *jsontext.Decoder, start int64) error {
	if dec.StackDepth() == 1 && dec.InputOffset() == start {
		return dec.SkipValue() // not read at all
	}
	for dec.StackDepth() > 1 {
		var err error
		switch dec.PeekKind() {
		case '}', ']', 0:
			_, err = dec.ReadToken()
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// idOf reads the repo id of a model object that failed to decode (v may
// start with the list's comma): "" when it has none that can be read.
func idOf(v []byte) string {
	v = bytes.TrimLeft(v, " \t\r\n,")
	var ids struct {
		ID      shown `json:"id"`
		ModelID shown `json:"modelId"`
	}
	if json.Unmarshal(v, &ids, decodeOptions) != nil {
		return ""
	}
	if ids.ID.s != "" {
		return ids.ID.s
	}
	return ids.ModelID.s
}

// semanticReason explains a type mismatch in one line, naming the field
// and the kinds: "siblings: expected a list, got a number".
func semanticReason(err error) string {
	var se *json.SemanticError
	if !errors.As(err, &se) {
		return text.OneLine(err.Error(), 200)
	}
	field := pointerField(se.JSONPointer)
	if field == "" {
		field = "the top level"
	}
	got := "a value of another kind"
	if se.JSONKind != 0 {
		got = kindName(se.JSONKind)
	}
	want := "another kind"
	if se.GoType != nil {
		want = goKindName(se.GoType)
	}
	return fmt.Sprintf("%s: expected %s, got %s", field, want, got)
}

// pointerField turns a JSON pointer into a dotted field path, leaving out
// list indexes (siblings.rfilename), sanitised.
func pointerField(p jsontext.Pointer) string {
	var parts []string
	for tok := range p.Tokens() {
		if tok != "" && strings.Trim(tok, "0123456789") == "" {
			continue
		}
		parts = append(parts, tok)
	}
	return text.OneLine(strings.Join(parts, "."), 80)
}

// goKindName names the JSON kind a Go type decodes from.
func goKindName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "a boolean"
	}
	return "another kind"
}

// safeID is a Hub-supplied id made fit for a note: no unsafe characters
// (text.IsUnsafe: controls, escape sequences, bidi overrides), one line, at
// most 100 characters.
func safeID(id string) string { return text.OneLine(id, 100) }

// syntaxError explains why body is not valid JSON, for what ("the model",
// "model 3 of the list").
func syntaxError(what string, err error, size int) *Error {
	var se *jsontext.SyntacticError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return newError(BadResponse, err, "%s is empty or cut short", what)
	case errors.As(err, &se):
		return newError(BadResponse, err, "%s is not valid JSON (at byte %d)", what, min(se.ByteOffset+1, int64(size)))
	}
	return newError(BadResponse, err, "%s: %s", what, text.OneLine(err.Error(), 200))
}

func newDecoder(body []byte) *jsontext.Decoder {
	// A bytes.Buffer is read in place (a bytes.Reader would be copied);
	// the decoder does not write to it.
	return jsontext.NewDecoder(bytes.NewBuffer(body), decodeOptions)
}

// Extract decodes one Hub model object (GET /api/models/{id}) into the
// engine's raw facts. Fields of the wrong type that are only shown or
// counted (downloads, likes, author, gguf.context_length...) are left
// unknown and returned as drops; any other type mismatch, invalid JSON or
// a model without id is an error (Kind BadResponse).
func Extract(body []byte) (compat.Raw, []Dropped, error) {
	dec := newDecoder(body)
	v, err := dec.ReadValue()
	var (
		r      compat.Raw
		drops  []Dropped
		reason string
		tail   bool
	)
	if err == nil {
		// Decoded before the end is checked: v is only valid until the
		// decoder reads on.
		r, drops, reason = decodeOne(v)
		if _, err = dec.ReadToken(); err == io.EOF {
			err = nil
		} else if err == nil {
			tail = true
		}
	}
	switch {
	case tail:
		return compat.Raw{}, nil, newError(BadResponse, nil, "the model is not valid JSON (at byte %d): data after its end", dec.InputOffset())
	case err == nil:
	case len(bytes.TrimSpace(body)) > 0 && errors.Is(err, io.ErrUnexpectedEOF):
		// A model cut short is invalid JSON at its end, as encoding/json
		// put it.
		return compat.Raw{}, nil, newError(BadResponse, err, "the model is not valid JSON (at byte %d)", len(body))
	default:
		return compat.Raw{}, nil, syntaxError("the model", err, len(body))
	}
	if reason != "" {
		return compat.Raw{}, nil, newError(BadResponse, nil, "the model: %s", reason)
	}
	return r, drops, nil
}

// DecodeModel decodes one Hub model object and derives its facts. Fields
// Extract leaves out are unknown in the model.
func DecodeModel(body []byte) (compat.Model, error) {
	r, _, err := Extract(body)
	if err != nil {
		return compat.Model{}, err
	}
	return compat.Derive(r), nil
}

// DecodeList decodes a Hub list answer (GET /api/models): a JSON array of
// model objects, each decoded on its own. A model whose field has the
// wrong type is left out (or, for a field only shown or counted, that
// field is) and reported in dropped, never failing the page. Invalid JSON
// anywhere, or a body that is not an array, is an error naming the model
// it is in.
func DecodeList(body []byte) (models []compat.Model, dropped []Dropped, err error) {
	dec := newDecoder(body)
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, nil, syntaxError("the model list", err, len(body))
	}
	if k := tok.Kind(); k != '[' {
		return nil, nil, newError(BadResponse, nil, "the model list is not a JSON array (got %s)", kindName(k))
	}
	// The models are gathered in a scratch slice kept from page to page
	// and copied out at their number: no slice grown and dropped per page.
	scratch := modelScratch.Get().(*[]compat.Model)
	defer func() {
		clear(*scratch)
		*scratch = (*scratch)[:0]
		modelScratch.Put(scratch)
	}()
	var w hubModel // one for the page: each model starts from zero
	for i := 0; dec.PeekKind() != ']'; i++ {
		// Each model is decoded straight from the page, in one pass; a
		// type mismatch stops it part way, and the rest of the model is
		// then skipped (checked as JSON all the same).
		start := dec.InputOffset()
		w = hubModel{}
		err := json.UnmarshalDecode(dec, &w, decodeOptions)
		reason := ""
		if err != nil {
			if isSyntax(err) {
				return nil, nil, syntaxError(fmt.Sprintf("model %d of the list", i), err, len(body))
			}
			if err := skipRest(dec, start); err != nil {
				return nil, nil, syntaxError(fmt.Sprintf("model %d of the list", i), err, len(body))
			}
			reason = semanticReason(err)
		}
		var r compat.Raw
		var drops []Dropped
		id := w.id()
		if reason == "" {
			if r, drops, err = w.raw(); err != nil {
				reason = err.Error()
			}
		} else {
			id = idOf(body[start:dec.InputOffset()])
		}
		if reason != "" {
			dropped = append(dropped, Dropped{Index: i, ID: safeID(id), Reason: text.OneLine(reason, 200)})
			continue
		}
		for k := range drops {
			drops[k].Index = i
		}
		dropped = append(dropped, drops...)
		*scratch = append(*scratch, compat.Derive(r))
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, nil, syntaxError("the model list", err, len(body))
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, nil, newError(BadResponse, err, "the model list has data after its end")
	}
	models = make([]compat.Model, len(*scratch))
	copy(models, *scratch)
	return models, dropped, nil
}

// modelScratch holds the scratch slices of DecodeList.
var modelScratch = sync.Pool{New: func() any { return new([]compat.Model) }}
