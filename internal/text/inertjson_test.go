package text

import (
	"bytes"
	stdjson "encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type sample struct {
	ID       string            `json:"id"`
	N        *int64            `json:"n"`
	List     []string          `json:"list"`
	Empty    []string          `json:"empty"`
	Map      map[string]string `json:"map"`
	Nested   []inner           `json:"nested"`
	Flag     bool              `json:"flag"`
	Internal string            `json:"-"`
}

type inner struct {
	Code string `json:"code"`
}

// TestJSONMatchesEncodingJSON: --json prints what encoding/json printed
// before (field order, null for nil, HTML and U+2028 escapes, U+FFFD for
// invalid UTF-8 replaced), except that the characters a terminal acts on are
// escaped too.
func TestJSONMatchesEncodingJSON(t *testing.T) {
	n := int64(131072)
	values := []sample{
		{ID: "meta-llama/Llama-3.1-8B", N: &n, List: []string{"safetensors", "gguf"}, Nested: []inner{{"OK"}}, Flag: true},
		{ID: "a<b>&c\u2028d\u2029", Empty: []string{}, Map: map[string]string{"z": "1", "a": "2"}},
		{ID: "bad\xffutf8", List: []string{"\x1b[2J", "tab\there"}},
	}
	for _, v := range values {
		var want bytes.Buffer
		enc := stdjson.NewEncoder(&want)
		enc.SetIndent("", "  ")
		require.NoError(t, enc.Encode(v))
		var got bytes.Buffer
		require.NoError(t, WriteJSON(&got, v))
		// encoding/json writes invalid UTF-8 as the escape \ufffd, v2 as
		// the character itself: the same value to any parser.
		same := func(s string) string { return strings.ReplaceAll(s, `\ufffd`, "\ufffd") }
		assert.Equal(t, same(want.String()), got.String())

		compact, err := stdjson.Marshal(v)
		require.NoError(t, err)
		line, err := MarshalJSON(v)
		require.NoError(t, err)
		assert.Equal(t, same(string(compact)), string(line))
	}
}

// TestJSONIsInert: no character a terminal acts on comes out raw, and a
// parser reads back exactly the value that went in.
func TestJSONIsInert(t *testing.T) {
	hostile := "x\x7fy\u0085z\u009b2J\u202eevil\u2066\u061c\u200fend"
	v := sample{ID: hostile, List: []string{hostile}}
	b, err := MarshalJSON(v)
	require.NoError(t, err)
	for _, r := range string(b) {
		assert.False(t, IsUnsafe(r), "%U raw in %s", r, b)
	}
	assert.True(t, utf8.Valid(b))
	var back sample
	require.NoError(t, stdjson.Unmarshal(b, &back))
	assert.Equal(t, hostile, back.ID)
	assert.Contains(t, string(b), `\u061c`)
	assert.Contains(t, string(b), `\u007f`)

	var w bytes.Buffer
	require.NoError(t, WriteJSON(&w, v))
	assert.False(t, strings.ContainsFunc(w.String(), func(r rune) bool { return r >= 0x20 && IsUnsafe(r) }))
}

func TestAppendInertASCII(t *testing.T) {
	src := []byte(`{"id":"plain"}`)
	assert.Equal(t, string(src), string(AppendInert(nil, src)))
	assert.Equal(t, `pre{"a":"\u202e"}`, string(AppendInert([]byte("pre"), []byte("{\"a\":\"\u202e\"}"))))
}

func BenchmarkMarshalJSON(b *testing.B) {
	n := int64(8030261248)
	v := sample{ID: "meta-llama/Llama-3.1-8B-Instruct", N: &n, List: []string{"safetensors", "pytorch"}, Nested: []inner{{"OK"}, {"GATED"}}}
	for b.Loop() {
		if _, err := MarshalJSON(v); err != nil {
			b.Fatal(err)
		}
	}
}

// plainPrefix reads eight bytes at a time: every byte that stops it (DEL,
// 0x80 and above) is found at every position of a word, and no byte below
// DEL stops it.
func TestPlainPrefix(t *testing.T) {
	slow := func(b []byte) int {
		i := 0
		for i < len(b) && b[i] < 0x7f {
			i++
		}
		return i
	}
	for n := 0; n <= 24; n++ {
		for pos := 0; pos < n; pos++ {
			for _, c := range []byte{0x00, 0x1f, 0x7e, 0x7f, 0x80, 0xc2, 0xff} {
				b := bytes.Repeat([]byte{'a'}, n)
				b[pos] = c
				assert.Equal(t, slow(b), plainPrefix(b), "len %d, %#x at %d", n, c, pos)
			}
		}
		assert.Equal(t, n, plainPrefix(bytes.Repeat([]byte{0x7e}, n)))
	}
}

// JSONAppender writes what MarshalJSON writes, value after value, after
// whatever the buffer held; a value that cannot be encoded leaves the
// buffer as it was and the next one encodes.
func TestJSONAppender(t *testing.T) {
	n := int64(131072)
	hostile := "x\x7fy\u0085z\u009b2J\u202eevil\u2066\u061c\u200fend"
	values := []sample{
		{ID: "meta-llama/Llama-3.1-8B", N: &n, List: []string{"safetensors", "gguf"}, Nested: []inner{{"OK"}}, Flag: true},
		{ID: "a<b>&c\u2028d\u2029", Empty: []string{}, Map: map[string]string{"z": "1", "a": "2"}},
		{ID: "bad\xffutf8", List: []string{"\x1b[2J", "tab\there", hostile}},
		{ID: strings.Repeat("long plain text ", 40)},
	}
	var a JSONAppender
	buf := []byte("[")
	want := "["
	for i, v := range values {
		line, err := MarshalJSON(v)
		require.NoError(t, err)
		want += string(line) + ","
		buf, err = a.Append(buf, v)
		require.NoError(t, err, "value %d", i)
		buf = append(buf, ',')

		before := string(buf)
		buf, err = a.Append(buf, map[string]any{"bad": func() {}})
		require.Error(t, err)
		assert.Equal(t, before, string(buf))
	}
	assert.Equal(t, want, string(buf))
}
