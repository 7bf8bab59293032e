package hf

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

// The reference: the same structs decoded by the standard library's
// encoding/json (v1), whose acceptance and values the decoder must keep.
// The lenient types get v1 UnmarshalJSON methods here, written with v1
// alone, so that the reference shares none of the decoder's reading.

func (c *count) UnmarshalJSON(b []byte) error {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return err
	}
	switch x := v.(type) {
	case nil:
	case json.Number:
		c.setFrom('0', string(x))
	default:
		c.setFrom(v1Kind(b), "")
	}
	return nil
}

func (t *shown) UnmarshalJSON(b []byte) error {
	switch v1Kind(b) {
	case 'n':
		return nil
	case '"':
		*t = shown{}
		return json.Unmarshal(b, &t.s)
	}
	*t = shown{bad: "expected a string, got " + kindName(v1Kind(b))}
	return nil
}

func (g *gatedValue) UnmarshalJSON(b []byte) error {
	switch v1Kind(b) {
	case '"':
		*g = gatedValue{}
		return json.Unmarshal(b, &g.s)
	case 't':
		*g = gatedValue{s: "auto"}
	case 'f', 'n':
		*g = gatedValue{}
	default:
		*g = gatedValue{bad: "expected false or a string, got " + kindName(v1Kind(b))}
	}
	return nil
}

func (c *card) UnmarshalJSON(b []byte) error {
	switch v1Kind(b) {
	case '{':
		var f cardFields
		if err := json.Unmarshal(b, &f); err != nil {
			return err
		}
		*c = card{license: string(f.License), baseModel: f.BaseModel}
	case 'n':
		*c = card{}
	default:
		*c = card{bad: "expected an object, got " + kindName(v1Kind(b))}
	}
	return nil
}

func (l *stringList) UnmarshalJSON(b []byte) error {
	var s string
	if v1Kind(b) == '"' && json.Unmarshal(b, &s) == nil {
		if s != "" {
			*l = []string{s}
		}
		return nil
	}
	var list []any
	if v1Kind(b) == '[' && json.Unmarshal(b, &list) == nil {
		var out []string
		for _, v := range list {
			if s, ok := v.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		*l = out
	}
	return nil
}

func (l *license) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil && v1Kind(b) == '"' {
		*l = license(s)
		return nil
	}
	var list []any
	if v1Kind(b) == '[' && json.Unmarshal(b, &list) == nil {
		var out []string
		for _, v := range list {
			if s, ok := v.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		*l = license(strings.Join(out, ", "))
		return nil
	}
	*l = ""
	return nil
}

// v1Kind is the kind of a JSON value, as jsontext names it.
func v1Kind(b []byte) jsontext.Kind {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0
	}
	switch c := b[0]; c {
	case '{', '[', '"', 't', 'f', 'n':
		return jsontext.Kind(c)
	}
	return '0'
}

// v1Extract is Extract by encoding/json.
func v1Extract(body []byte) (compat.Raw, []Dropped, error) {
	var w hubModel
	if len(bytes.TrimSpace(body)) == 0 {
		return compat.Raw{}, nil, io.EOF
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return compat.Raw{}, nil, err
	}
	return w.raw()
}

// v1DecodeList is DecodeList by encoding/json: each element on its own.
func v1DecodeList(body []byte) ([]compat.Model, []Dropped, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal(body, &elems); err != nil {
		return nil, nil, err
	}
	if elems == nil {
		return nil, nil, fmt.Errorf("not a list")
	}
	models, dropped := []compat.Model{}, []Dropped(nil)
	for i, e := range elems {
		var w hubModel
		if err := json.Unmarshal(e, &w); err != nil {
			dropped = append(dropped, Dropped{Index: i})
			continue
		}
		r, drops, err := w.raw()
		if err != nil {
			dropped = append(dropped, Dropped{Index: i})
			continue
		}
		for k := range drops {
			drops[k].Index = i
		}
		dropped = append(dropped, drops...)
		models = append(models, compat.Derive(r))
	}
	return models, dropped, nil
}

// dropKeys are the drops without their reasons and ids, which the
// reference words differently for a model it drops.
func dropKeys(ds []Dropped) []string {
	var out []string
	for _, d := range ds {
		if d.Field == "" {
			out = append(out, fmt.Sprintf("%d", d.Index))
		} else {
			out = append(out, fmt.Sprintf("%d %s %s %s", d.Index, d.ID, d.Field, d.Reason))
		}
	}
	return out
}

// sameAsV1 checks that the decoder and encoding/json agree on body, as one
// model and as a list of one.
func sameAsV1(t *testing.T, body []byte) {
	t.Helper()
	raw, drops, err := Extract(body)
	want, wdrops, werr := v1Extract(body)
	require.Equal(t, werr == nil, err == nil, "model: decoder %v, encoding/json %v", err, werr)
	if err == nil {
		require.Equal(t, want, raw)
		require.Equal(t, dropKeys(wdrops), dropKeys(drops))
	} else {
		require.True(t, IsKind(err, BadResponse), "%v", err)
		require.NotContains(t, err.Error(), "\n")
	}
	list := append(append([]byte("[\n"), body...), "\n]"...)
	ms, drops, err := DecodeList(list)
	wms, wdrops, werr := v1DecodeList(list)
	require.Equal(t, werr == nil, err == nil, "list: decoder %v, encoding/json %v", err, werr)
	if err == nil {
		require.Equal(t, wms, ms)
		require.Equal(t, dropKeys(wdrops), dropKeys(drops))
	}
}

// decodeBodies are model objects of every shape at hand: the fake Hub's
// fixtures and synthetic models with every expand[] field and without,
// the extraction test files and, when present, the real Hub recordings.
func decodeBodies(t testing.TB) [][]byte {
	var out [][]byte
	for _, r := range append(hubtest.Fixtures(), hubtest.Synthetic(30)...) {
		out = append(out, hubtest.ModelJSON(r), hubtest.ModelJSON(r, ListExpand...))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "extract", "*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		out = append(out, b)
	}
	for dir := "."; ; dir = filepath.Join(dir, "..") {
		abs, _ := filepath.Abs(dir)
		api := filepath.Join(abs, "shared", "hub-fixtures", "api")
		if st, err := os.Stat(api); err == nil && st.IsDir() {
			_ = filepath.WalkDir(api, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), "model_") && !strings.HasSuffix(d.Name(), ".http.json") {
					if b, err := os.ReadFile(p); err == nil {
						out = append(out, b)
					}
				}
				return nil
			})
			break
		}
		if abs == filepath.Dir(abs) {
			break
		}
	}
	return out
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, body := range decodeBodies(t) {
		sameAsV1(t, body)
	}
	// A real page of 100 at once.
	page := listPageBody(100)
	ms, dropped, err := DecodeList(page)
	require.NoError(t, err)
	assert.Empty(t, dropped)
	want, _, err := v1DecodeList(page)
	require.NoError(t, err)
	assert.Equal(t, want, ms)
}

// What encoding/json accepted and how it read it, kept.
func TestDecodeLikeEncodingJSON(t *testing.T) {
	tests := map[string]struct {
		body  string
		check func(t *testing.T, r compat.Raw)
	}{
		"a repeated key: the last wins": {`{"id":"a","downloads":1,"downloads":2,"id":"b"}`, func(t *testing.T, r compat.Raw) {
			assert.Equal(t, "b", r.ID)
			assert.EqualValues(t, 2, r.Downloads)
		}},
		"a repeated object merges": {`{"id":"a","gguf":{"total":5},"gguf":{"architecture":"llama"}}`, func(t *testing.T, r compat.Raw) {
			assert.Equal(t, "llama", r.GGUFArchitecture)
			assert.EqualValues(t, 5, r.GGUFTotal)
		}},
		"null keeps an earlier string": {`{"id":"a","id":null,"author":"x","author":null}`, func(t *testing.T, r compat.Raw) {
			assert.Equal(t, "a", r.ID)
			assert.Equal(t, "x", r.Author)
		}},
		"keys match whatever their case": {`{"ID":"a","Downloads":7,"GGUF":{"Context_Length":4096},"cardData":{"LICENSE":"mit"}}`, func(t *testing.T, r compat.Raw) {
			assert.Equal(t, "a", r.ID)
			assert.EqualValues(t, 7, r.Downloads)
			assert.EqualValues(t, 4096, r.GGUFContextLength)
			assert.Equal(t, "mit", r.License)
		}},
		"but not without their underscore": {`{"id":"a","pipelinetag":"x","pipeline-tag":"y"}`, func(t *testing.T, r compat.Raw) {
			assert.Empty(t, r.PipelineTag)
		}},
		"invalid UTF-8 becomes U+FFFD": {"{\"id\":\"bad\xffutf8\",\"tags\":[\"\xe2\x82\"]}", func(t *testing.T, r compat.Raw) {
			assert.Equal(t, "bad\ufffdutf8", r.ID)
			assert.Equal(t, []string{"\ufffd\ufffd"}, r.Tags)
		}},
		"a lone surrogate becomes U+FFFD": {`{"id":"\ud83dx"}`, func(t *testing.T, r compat.Raw) { assert.Equal(t, "\ufffdx", r.ID) }},
		"escapes":                         {`{"id":"tab\tnl\nq\"bs\\sl\/\u00e9\ud83d\ude00"}`, func(t *testing.T, r compat.Raw) { assert.Equal(t, "tab\tnl\nq\"bs\\sl/é😀", r.ID) }},
		"null elements of a list are empty": {`{"id":"a","tags":["x",null],"siblings":[null,{"rfilename":null},{"rfilename":"m.gguf"}]}`, func(t *testing.T, r compat.Raw) {
			assert.Equal(t, []string{"x", ""}, r.Tags)
			assert.Equal(t, []string{"m.gguf"}, r.Siblings)
		}},
		"null objects are absent": {`{"id":"a","gguf":{"total":5},"gguf":null,"siblings":null,"config":null}`, func(t *testing.T, r compat.Raw) {
			assert.False(t, r.HasGGUF)
			assert.False(t, r.HasSiblings)
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r, drops, err := Extract([]byte(tc.body))
			require.NoError(t, err)
			assert.Empty(t, drops)
			tc.check(t, r)
			sameAsV1(t, []byte(tc.body))
		})
	}
}

func TestDecodeSyntax(t *testing.T) {
	for _, body := range []string{
		`{"id":"a",}`, `{"id":"a" "sha":"b"}`, `{"id":"a"}}`, `{"id":"a"} x`, `{"id" "a"}`, `{id:"a"}`,
		`{"id":"a","downloads":01}`, `{"id":"a","downloads":1.}`, `{"id":"a","downloads":-}`, `{"id":"a","downloads":1e}`,
		`{"id":"a","x":[1,]}`, `{"id":"a","x":[,1]}`, `{"id":"a","x":tru}`, `{"id":"a","x":nul}`, `{"id":"a","x":+1}`,
		`{"id":"a","x":{"y":1,}}`, `{"id":"a","x":.5}`, "{\"id\":\"a\"}\x00", `{"id":"a","tags":["x",]}`,
		"{\"id\":\"ctl\x01\"}", `{"id":"\x"}`, `{"id":"\u12"}`, `{"id":"\u12G4"}`, `{"id":"open`, `{"id":"\`,
		`{"id":"a"} {"id":"b"}`,
	} {
		_, _, err := Extract([]byte(body))
		require.Error(t, err, body)
		assert.True(t, IsKind(err, BadResponse), body)
		assert.NotContains(t, err.Error(), "\n")
		_, _, rerr := v1Extract([]byte(body))
		require.Error(t, rerr, "encoding/json accepts %s", body)
		// Invalid JSON in one element fails the whole list: the rest
		// cannot be trusted to be where it seems.
		_, _, err = DecodeList([]byte(`[{"id":"ok"},` + body + `]`))
		require.Error(t, err, body)
	}
	for _, body := range []string{
		`{"id":"a","downloads":-0.5e+3}`, `{"id":"a","downloads":1E2}`, `{"id":"a","downloads":1e400}`, `{"id":"a","downloads":-1e400}`,
		`{"id":"a","downloads":9223372036854775808}`, ` {"id":"a"} `, `{"id":"a","x":{"y":[true,false,null,{"z":"w"}]}}`,
		`{"id":"a","downloads":null,"gated":null,"tags":null,"siblings":null,"config":null,"gguf":null}`,
	} {
		sameAsV1(t, []byte(body))
	}
	deep := `{"id":"a","x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`
	_, _, err := Extract([]byte(deep))
	assert.Error(t, err, "nesting past encoding/json's limit")
	_, _, err = DecodeList([]byte("[" + deep + "]"))
	assert.Error(t, err, "nesting past encoding/json's limit")
}

// FuzzDecodeMatchesEncodingJSON holds the decoder to encoding/json (v1)
// decoding the same structs: same acceptance, same facts, same drops.
// Repeated keys, keys in another case and invalid UTF-8 included.
func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	for _, b := range decodeBodies(f) {
		f.Add(b)
	}
	for _, s := range listBodies() {
		f.Add([]byte(s))
	}
	for _, s := range []string{`{}`, `null`, `[]`, `{"id":1}`, `{"id":"a","gated":true}`, `{"id":"a","downloads":1e400}`,
		`{"id":"a","siblings":null}`, `{"id":"a","gguf":{"context_length":-5}}`, `{"id":"a","cardData":{"license":[1,"x"]}}`,
		`{"id":"a","siblings":[null,{"rfilename":null},{"rfilename":"m.gguf"}]}`, `{"id":"\ud800"}`,
		`{"id":"a","ID":"b","Gguf":{"total":1},"gguf":{"Total":2.0}}`, "{\"id\":\"\xff\",\"author\":7}",
		`{"id":"a","downloads":"NaN","likes":4096.9,"cardData":"mit"}`, `{"id":"a","gated":{},"gated":false}`,
		`{"id":"a"},{"id":7,"x":[{}]},"b",{"id":"c","siblings":{"a":[1]}},null,{"modelId":"d"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sameAsV1(t, body)
	})
}

// One model with a field of the wrong type costs that field (when it is
// only shown or counted) or that model, never the page.
func TestDecodeListDropsOneModel(t *testing.T) {
	good := func(id string) string {
		return `{"id":"` + id + `","downloads":5,"tags":["llama","gguf"],"gguf":{"architecture":"llama","context_length":4096,"total":100}}`
	}
	tests := map[string]struct {
		bad       string
		kept      bool   // the bad model is kept, without the field
		field     string // the field left out ("" : the model)
		reason    string
		wantID    string
		checkKept func(t *testing.T, m compat.Model)
	}{
		"downloads NaN string": {bad: `{"id":"o/bad","downloads":"NaN"}`, kept: true, field: "downloads", reason: "expected a number, got a string",
			checkKept: func(t *testing.T, m compat.Model) { assert.Zero(t, m.Downloads) }},
		"likes list": {bad: `{"id":"o/bad","likes":[1]}`, kept: true, field: "likes", reason: "expected a number, got a list"},
		"downloads 1e30": {bad: `{"id":"o/bad","downloads":1e30}`, kept: true, field: "downloads", reason: "not a whole number",
			checkKept: func(t *testing.T, m compat.Model) { assert.Zero(t, m.Downloads) }},
		"downloads negative":         {bad: `{"id":"o/bad","downloads":-5}`, kept: true, field: "downloads", reason: "not a whole number"},
		"author number":              {bad: `{"id":"o/bad","author":7}`, kept: true, field: "author", reason: "expected a string, got a number"},
		"lastModified object":        {bad: `{"id":"o/bad","lastModified":{}}`, kept: true, field: "lastModified", reason: "expected a string"},
		"sha boolean":                {bad: `{"id":"o/bad","sha":true}`, kept: true, field: "sha", reason: "expected a string, got a boolean"},
		"pipeline_tag list":          {bad: `{"id":"o/bad","pipeline_tag":["x"]}`, kept: true, field: "pipeline_tag", reason: "expected a string"},
		"cardData string":            {bad: `{"id":"o/bad","cardData":"mit"}`, kept: true, field: "cardData", reason: "expected an object, got a string"},
		"gguf context 4096.9":        {bad: `{"id":"o/bad","gguf":{"context_length":4096.9}}`, kept: true, field: "gguf.context_length", reason: "not a whole number"},
		"gguf total string":          {bad: `{"id":"o/bad","gguf":{"total":"1B"}}`, kept: true, field: "gguf.total", reason: "expected a number"},
		"safetensors total":          {bad: `{"id":"o/bad","safetensors":{"total":1e300}}`, kept: true, field: "safetensors.total", reason: "not a whole number"},
		"siblings number":            {bad: `{"id":"o/bad","siblings":7}`, reason: "siblings: expected a list, got a number", wantID: "o/bad"},
		"tags object":                {bad: `{"id":"o/bad","tags":{}}`, reason: "tags: expected a list, got an object", wantID: "o/bad"},
		"architectures string":       {bad: `{"id":"o/bad","config":{"architectures":"LlamaForCausalLM"}}`, reason: "config.architectures: expected a list, got a string", wantID: "o/bad"},
		"gguf list":                  {bad: `{"id":"o/bad","gguf":[]}`, reason: "gguf: expected an object, got a list", wantID: "o/bad"},
		"sibling name number":        {bad: `{"id":"o/bad","siblings":[{"rfilename":3}]}`, reason: "siblings.rfilename: expected a string, got a number", wantID: "o/bad"},
		"gated number":               {bad: `{"id":"o/bad","gated":3}`, reason: "gated: expected false or a string, got a number", wantID: "o/bad"},
		"no id":                      {bad: `{"sha":"x"}`, reason: "no id"},
		"id number":                  {bad: `{"id":7,"modelId":"o/bad"}`, reason: "id: expected a string, got a number", wantID: "o/bad"},
		"null":                       {bad: `null`, reason: "no id"},
		"a string":                   {bad: `"o/bad"`, reason: "the top level: expected an object, got a string"},
		"id with escapes":            {bad: `{"id":"o/\u001b[2Jbad\u202e","siblings":7}`, reason: "siblings", wantID: "o/bad"},
		"error early, nesting after": {bad: `{"id":"o/bad","siblings":7,"x":{"y":[{"z":[]},"]}"]},"tags":["a"],"gguf":{"total":1}}`, reason: "siblings", wantID: "o/bad"},
		"error deep":                 {bad: `{"config":{"quantization_config":{"quant_method":[{}]}},"id":"o/bad"}`, reason: "config.quantization_config.quant_method: expected a string, got a list", wantID: "o/bad"},
		"downloads and siblings":     {bad: `{"id":"o/bad","downloads":"x","siblings":7}`, reason: "siblings", wantID: "o/bad"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			body := "[" + good("o/first") + "," + tc.bad + "," + good("o/last") + "]"
			ms, dropped, err := DecodeList([]byte(body))
			require.NoError(t, err, "one bad model never fails the page")
			require.Len(t, dropped, 1, "%v", dropped)
			d := dropped[0]
			assert.Equal(t, 1, d.Index)
			assert.Equal(t, tc.field, d.Field)
			assert.Contains(t, d.Reason, tc.reason)
			assert.NotContains(t, d.String(), "\x1b")
			assert.NotContains(t, d.String(), "\u202e")
			var ids []string
			for _, m := range ms {
				ids = append(ids, m.ID)
			}
			if tc.kept {
				assert.Equal(t, []string{"o/first", "o/bad", "o/last"}, ids)
				assert.Equal(t, "o/bad", d.ID)
				if tc.checkKept != nil {
					tc.checkKept(t, ms[1])
				}
			} else {
				assert.Equal(t, []string{"o/first", "o/last"}, ids)
				assert.Equal(t, tc.wantID, d.ID)
			}
			// The good models are whole.
			for _, m := range []compat.Model{ms[0], ms[len(ms)-1]} {
				assert.EqualValues(t, 5, m.Downloads)
				assert.Equal(t, compat.Int{Value: 4096, Source: compat.SrcGGUFContext}, m.ContextLength)
			}
			sameAsV1(t, []byte(tc.bad))
		})
	}
}

// The number rule, in the Hub's JSON: a count, size, context length or
// parameter count that is not a finite, non-negative whole number fitting
// an int64 is unknown: never truncated (4096.9 is not 4096), never
// saturated (1e30 is not 9223372036854775807).
func TestDecodeNumberRule(t *testing.T) {
	tests := map[string]struct {
		lit  string
		want int64 // 0: unknown
	}{
		"integer": {"4096", 4096}, "whole float": {"4096.0", 4096}, "exponent": {"1.5e6", 1500000},
		"max int64": {"9223372036854775807", 9223372036854775807},
		"fraction":  {"4096.9", 0}, "negative": {"-5", 0}, "huge": {"1e30", 0}, "past int64": {"9223372036854775808", 0},
		"tiny": {"1e-400", 0}, "NaN string": {`"NaN"`, 0}, "digits string": {`"4096"`, 0}, "boolean": {"true", 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			body := `{"id":"o/m","tags":["llama"],"downloads":` + tc.lit + `,"likes":` + tc.lit +
				`,"safetensors":{"total":` + tc.lit + `},"gguf":{"architecture":"llama","context_length":` + tc.lit + `,"total":` + tc.lit + `}}`
			r, drops, err := Extract([]byte(body))
			require.NoError(t, err)
			for _, got := range []int64{r.Downloads, r.Likes, r.SafetensorsTotal, r.GGUFContextLength, r.GGUFTotal} {
				assert.Equal(t, tc.want, got)
			}
			if tc.want == 0 {
				assert.Len(t, drops, 5, "each field left out is reported: %v", drops)
			} else {
				assert.Empty(t, drops)
			}
			m, err := DecodeModel([]byte(body))
			require.NoError(t, err)
			assert.Equal(t, tc.want != 0 && tc.want <= 1<<40, m.ContextLength.Known(), "a context past 2^40 tokens is no fact")
			assert.Equal(t, tc.want != 0, m.Parameters.Known())
		})
	}
}

// config.json context keys follow the same rule as gguf.context_length:
// a value one accepts the other accepts, 4096.9 neither.
func TestContextRuleSameInConfigJSON(t *testing.T) {
	for _, lit := range []string{"4096", "4096.0", "4096.9", "1e30", "-5", "0", "1.5e6", "1099511627777", `"4096"`} {
		t.Run(lit, func(t *testing.T) {
			m, err := DecodeModel([]byte(`{"id":"o/m","gguf":{"architecture":"llama","context_length":` + lit + `}}`))
			require.NoError(t, err)
			cfg, err := decodeConfigJSON([]byte(`{"max_position_embeddings":`+lit+`}`), "config.json")
			require.NoError(t, err)
			fromConfig := compat.ContextFromConfig(cfg)
			assert.Equal(t, fromConfig.Known(), m.ContextLength.Known(), "gguf %+v, config.json %+v", m.ContextLength, fromConfig)
			assert.Equal(t, fromConfig.Value, m.ContextLength.Value)
		})
	}
}

func TestDecodeConfigJSONErrors(t *testing.T) {
	tests := map[string]string{
		"":                 "config.json is empty or cut short",
		`{"a":`:            "config.json is empty or cut short",
		`<html>`:           "config.json is not valid JSON (at byte 1)",
		`[1]`:              "config.json: the top level: expected an object, got a list",
		`{"a":1} {"b":2}`:  "config.json is not valid JSON",
		"{\"a\":\"\xff\"}": "",
	}
	for body, msg := range tests {
		t.Run(body, func(t *testing.T) {
			cfg, err := decodeConfigJSON([]byte(body), "config.json")
			if msg == "" {
				require.NoError(t, err)
				assert.Equal(t, "\ufffd", cfg["a"])
				return
			}
			require.Error(t, err)
			assert.True(t, IsKind(err, BadResponse))
			assert.Contains(t, err.Error(), msg)
		})
	}
}

// BenchmarkDecodeListPageEncodingJSON is BenchmarkDecodeListPage with
// encoding/json (v1) decoding the same structs, for comparison.
func BenchmarkDecodeListPageEncodingJSON(b *testing.B) {
	body := listPageBody(100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		ms, _, err := v1DecodeList(body)
		if err != nil || len(ms) != 100 {
			b.Fatal(err, len(ms))
		}
	}
}

// The decoder reads the body in place and never writes to it: a cached
// body is decoded again later, and a page is decoded from several
// goroutines.
func TestDecodeLeavesBodyAlone(t *testing.T) {
	body := append(listPageBody(20), "\n"...)
	body = append(body[:len(body)-2], []byte(",{\"id\":\"o/\xff\\u00e9\",\"downloads\":\"x\"}]")...)
	orig := bytes.Clone(body)
	ms, dropped, err := DecodeList(body)
	require.NoError(t, err)
	assert.Len(t, ms, 21)
	assert.Len(t, dropped, 1)
	assert.Equal(t, orig, body)
}

// Through the client: a page with one bad model comes back with the
// others and the drop, from the Hub and again from the cache; a model
// info with a bad count is kept.
func TestListPageReportsDropped(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 20})
	page := `[{"id":"o/a","downloads":3},{"id":"o/bad","siblings":7},{"id":"o/c","downloads":"NaN"}]`
	hub.Fail(hubtest.Fault{Route: hubtest.RouteList, Status: 200, Body: page})
	hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Status: 200, Body: `{"id":"o/c","downloads":1e30,"gguf":{"architecture":"llama","context_length":4096.9}}`})
	mc := newMemCache()
	c, _ := newTestClient(t, hub.URL, func(cfg *Config) { cfg.Cache = mc })
	for _, round := range []string{"from the Hub", "from the cache"} {
		p, err := c.ListPage(context.Background(), ListOptions{}, "")
		require.NoError(t, err, round)
		require.Len(t, p.Models, 2, round)
		assert.Equal(t, "o/a", p.Models[0].ID)
		assert.Equal(t, "o/c", p.Models[1].ID)
		assert.Zero(t, p.Models[1].Downloads)
		require.Len(t, p.Dropped, 2, round)
		assert.Equal(t, Dropped{Index: 1, ID: "o/bad", Reason: "siblings: expected a list, got a number"}, p.Dropped[0])
		assert.Equal(t, Dropped{Index: 2, ID: "o/c", Field: "downloads", Reason: "expected a number, got a string"}, p.Dropped[1])
	}
	m, _, err := c.ModelInfo(context.Background(), "o/c", "")
	require.NoError(t, err)
	assert.Zero(t, m.Downloads)
	assert.False(t, m.ContextLength.Known(), "4096.9 is no context length")
}

// TestDecodeFitFacts: what the fit of a model's files needs from its info:
// the parameters per dtype and cardData.base_model, a string or a list.
func TestDecodeFitFacts(t *testing.T) {
	tests := map[string]struct {
		body   string
		params map[string]int64
		base   []string
	}{
		"dtypes and one base model": {`{"id":"a/b","safetensors":{"parameters":{"BF16":8030261248,"F32":12},"total":8030261260},"cardData":{"base_model":"meta-llama/Llama-3.1-8B"}}`,
			map[string]int64{"BF16": 8030261248, "F32": 12}, []string{"meta-llama/Llama-3.1-8B"}},
		"a list of base models": {`{"id":"a/b","cardData":{"base_model":["x/one","",7,"x/two"]}}`, nil, []string{"x/one", "x/two"}},
		"bad counts dropped":    {`{"id":"a/b","safetensors":{"parameters":{"BF16":-1,"F16":1.5,"I64":"NaN","F32":3}}}`, map[string]int64{"F32": 3}, nil},
		"no card":               {`{"id":"a/b","cardData":null}`, nil, nil},
		"base model not text":   {`{"id":"a/b","cardData":{"base_model":{"x":1}}}`, nil, nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			m, err := DecodeModel([]byte(tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.params, m.SafetensorsParams)
			assert.Equal(t, tt.base, m.BaseModels)
		})
	}
}

func (l *tagList) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, (*[]string)(l)) }
func (l *siblingNames) UnmarshalJSON(b []byte) error {
	old := make([]hubSibling, len(*l)) // encoding/json merges a repeated list into the one before
	for i, name := range *l {
		old[i].RFilename = name
	}
	if err := json.Unmarshal(b, &old); err != nil {
		return err
	}
	*l = make(siblingNames, len(old))
	for i, s := range old {
		(*l)[i] = s.RFilename
	}
	return nil
}
