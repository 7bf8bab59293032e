package hf

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// wireBodies are model objects of every shape at hand: the fake Hub's
// fixtures and synthetic models with every expand[] field and without,
// the extraction test files and, when present, the real Hub recordings.
func wireBodies(t testing.TB) [][]byte {
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

// sameAsReference checks that the wire reader and the encoding/json
// reference agree on body, as one model and as a list of one.
func sameAsReference(t *testing.T, body []byte) {
	t.Helper()
	raw, err := Extract(body)
	want, werr := refExtract(body)
	require.Equal(t, werr == nil, err == nil, "model: wire %v, reference %v", err, werr)
	if err == nil {
		require.Equal(t, want, raw)
	} else {
		require.True(t, IsKind(err, BadResponse), "%v", err)
		require.NotContains(t, err.Error(), "\n")
	}
	list := append(append([]byte("[\n"), body...), "\n]"...)
	ms, err := DecodeList(list)
	wms, werr := refDecodeList(list)
	require.Equal(t, werr == nil, err == nil, "list: wire %v, reference %v", err, werr)
	if err == nil {
		require.Equal(t, wms, ms)
	}
}

func TestWireMatchesEncodingJSON(t *testing.T) {
	for _, body := range wireBodies(t) {
		sameAsReference(t, body)
	}
	// A real page of 100 at once.
	page := listPageBody(100)
	ms, err := DecodeList(page)
	require.NoError(t, err)
	want, err := refDecodeList(page)
	require.NoError(t, err)
	assert.Equal(t, want, ms)
}

func TestWireStrings(t *testing.T) {
	tests := map[string]string{
		`"plain"`:                "plain",
		`"tab\tnl\nq\"bs\\sl\/"`: "tab\tnl\nq\"bs\\sl/",
		`"\u00e9\u4e2d"`:         "é中",
		`"\ud83d\ude00"`:         "😀",
		`"\ud83d"`:               "\ufffd",
		`"\ud83dx"`:              "\ufffdx",
		`"\ude00\ud83d\ude00"`:   "\ufffd😀",
		`"\ud83d\u0041"`:         "\ufffdA",
		"\"bad\xffutf8\"":        "bad\ufffdutf8",
		"\"é, valid UTF-8\"":     "é, valid UTF-8",
		"\"\xe2\x82\"":           "\ufffd\ufffd",
		`"\b\f\r"`:               "\b\f\r",
		`"mixed \u0041 and é"`:   "mixed A and é",
		`"long ` + strings.Repeat("x", 300) + `"`: "long " + strings.Repeat("x", 300),
	}
	for in, want := range tests {
		raw, err := Extract([]byte(`{"id":` + in + `}`))
		require.NoError(t, err, in)
		assert.Equal(t, want, raw.ID, in)
		ref, err := refExtract([]byte(`{"id":` + in + `}`))
		require.NoError(t, err, in)
		assert.Equal(t, ref.ID, raw.ID, "reference, %s", in)
	}
	for _, bad := range []string{"\"ctl\x01\"", `"\x"`, `"\u12"`, `"\u12G4"`, `"open`, `"\`} {
		_, err := Extract([]byte(`{"id":` + bad + `}`))
		require.Error(t, err, bad)
		_, rerr := refExtract([]byte(`{"id":` + bad + `}`))
		require.Error(t, rerr, bad)
	}
}

func TestWireSyntax(t *testing.T) {
	for _, body := range []string{
		`{"id":"a",}`, `{"id":"a" "sha":"b"}`, `{"id":"a"}}`, `{"id":"a"} x`, `{"id" "a"}`, `{id:"a"}`,
		`{"id":"a","downloads":01}`, `{"id":"a","downloads":1.}`, `{"id":"a","downloads":-}`, `{"id":"a","downloads":1e}`,
		`{"id":"a","x":[1,]}`, `{"id":"a","x":[,1]}`, `{"id":"a","x":tru}`, `{"id":"a","x":nul}`, `{"id":"a","x":+1}`,
		`{"id":"a","x":{"y":1,}}`, `{"id":"a","x":.5}`, "{\"id\":\"a\"}\x00", `{"id":"a","tags":["x",]}`,
	} {
		_, err := Extract([]byte(body))
		require.Error(t, err, body)
		assert.True(t, IsKind(err, BadResponse), body)
		_, rerr := refExtract([]byte(body))
		require.Error(t, rerr, "reference accepts %s", body)
	}
	for _, body := range []string{
		`{"id":"a","downloads":-0.5e+3}`, `{"id":"a","downloads":1E2}`, `{"id":"a","downloads":1e400}`, `{"id":"a","downloads":-1e400}`,
		`{"id":"a","downloads":9223372036854775808}`, ` {"id":"a"} `, `{"id":"a","x":{"y":[true,false,null,{"z":"w"}]}}`,
		`{"id":"a","downloads":null,"gated":null,"tags":null,"siblings":null,"config":null,"gguf":null}`,
	} {
		sameAsReference(t, []byte(body))
	}
	deep := `{"id":"a","x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`
	_, err := Extract([]byte(deep))
	assert.Error(t, err, "nesting past encoding/json's limit")
}

// FuzzWireMatchesEncodingJSON holds the wire reader to the encoding/json
// decoder it replaced: same acceptance, same facts. Bodies where the two
// differ by design are skipped: a key that matches a field only when case
// is ignored, and a repeated key.
func FuzzWireMatchesEncodingJSON(f *testing.F) {
	for _, b := range wireBodies(f) {
		f.Add(b)
	}
	for _, s := range []string{`{}`, `null`, `[]`, `{"id":1}`, `{"id":"a","gated":true}`, `{"id":"a","downloads":1e400}`,
		`{"id":"a","siblings":null}`, `{"id":"a","gguf":{"context_length":-5}}`, `{"id":"a","cardData":{"license":[1,"x"]}}`,
		`{"id":"a","siblings":[null,{"rfilename":null},{"rfilename":"m.gguf"}]}`, `{"id":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if json.Valid(body) && !comparableKeys(body) {
			t.Skip("keys that differ by case or repeat")
		}
		sameAsReference(t, body)
	})
}

// wireFields are the object keys the readers look at.
var wireFields = []string{"id", "modelId", "author", "sha", "lastModified", "gated", "downloads", "likes", "tags",
	"pipeline_tag", "library_name", "config", "cardData", "siblings", "safetensors", "gguf", "model_type",
	"architectures", "quantization_config", "quant_method", "license", "rfilename", "total", "architecture", "context_length"}

// comparableKeys reports whether no object in body repeats a key or has
// one equal to a field name but for case.
func comparableKeys(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		object  bool
		keys    map[string]bool
		wantKey bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return true // invalid: both must refuse it
		}
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if s, ok := tok.(string); ok && top != nil && top.object && top.wantKey {
			if top.keys[s] {
				return false
			}
			top.keys[s] = true
			for _, f := range wireFields {
				if s != f && strings.EqualFold(s, f) {
					return false
				}
			}
			top.wantKey = false
			continue
		}
		if top != nil && top.object {
			top.wantKey = true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && stack[len(stack)-1].object {
				stack[len(stack)-1].wantKey = true
			}
		}
	}
}

// BenchmarkDecodeListPageEncodingJSON is BenchmarkDecodeListPage with the
// encoding/json decoder the wire reader replaced, for comparison.
func BenchmarkDecodeListPageEncodingJSON(b *testing.B) {
	body := listPageBody(100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		ms, err := refDecodeList(body)
		if err != nil || len(ms) != 100 {
			b.Fatal(err, len(ms))
		}
	}
}
