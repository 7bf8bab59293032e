package hf

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// got is what Objects yields, as text: "line 2 {...}" or "element 1 ...",
// or "line 3 skip: why".
func objectsOf(t *testing.T, input string, maxLine int) []string {
	t.Helper()
	var out []string
	for o := range Objects(strings.NewReader(input), maxLine) {
		require.NoError(t, o.Err)
		if o.Skip != "" {
			out = append(out, o.Where()+" skip: "+o.Skip)
			continue
		}
		out = append(out, o.Where()+" "+string(o.Value))
	}
	return out
}

func TestObjectsDetection(t *testing.T) {
	const a, b = `{"id":"org/a"}`, `{"id":"org/b","tags":["x"]}`
	pretty := "{\n  \"id\": \"org/a\",\n  \"tags\": [\n    \"x\"\n  ]\n}\n"
	tests := map[string]struct {
		in   string
		want []string
	}{
		"empty":                    {"", nil},
		"blank":                    {"\n \n\t\n", nil},
		"one object":               {a, []string{"line 1 " + a}},
		"one object and newline":   {a + "\n", []string{"line 1 " + a}},
		"pretty object":            {pretty, []string{"line 1 " + strings.TrimSuffix(pretty, "\n")}},
		"pretty after blank lines": {"\n\n" + pretty, []string{"line 3 " + strings.TrimSuffix(pretty, "\n")}},
		"two pretty objects":       {pretty + pretty, []string{"line 1 " + strings.TrimSuffix(pretty, "\n"), "line 7 " + strings.TrimSuffix(pretty, "\n")}},
		"array":                    {"[" + a + "," + b + "]", []string{"element 1 " + a, "element 2 " + b}},
		"pretty array":             {"[\n  " + a + ",\n  " + b + "\n]\n", []string{"element 1 " + a, "element 2 " + b}},
		"empty array":              {"[]", nil},
		"JSON lines":               {a + "\n" + b + "\n", []string{"line 1 " + a, "line 2 " + b}},
		"blank lines between":      {a + "\n\n   \n" + b, []string{"line 1 " + a, "line 4 " + b}},
		"BOM":                      {"\ufeff" + a + "\n" + b, []string{"line 1 " + a, "line 2 " + b}},
		"BOM before an array":      {"\ufeff[" + a + "]", []string{"element 1 " + a}},
		"CRLF":                     {a + "\r\n" + b + "\r\n", []string{"line 1 " + a + "\r", "line 2 " + b + "\r"}},
		"truncated last line":      {a + "\n" + b + "\n" + `{"id":"org/c","ta`, []string{"line 1 " + a, "line 2 " + b, `line 3 {"id":"org/c","ta`}},
		"truncated first line":     {`{"id":"org/c","ta` + "\n" + a + "\n" + b, []string{`line 1 {"id":"org/c","ta`, "line 2 " + a, "line 3 " + b}},
		"garbage line":             {a + "\nnot json\n" + b, []string{"line 1 " + a, "line 2 not json", "line 3 " + b}},
		"garbage first line":       {"not json\n" + a, []string{"line 1 not json", "line 2 " + a}},
		"broken array":             {"[" + a + ",\n{\"id\": }]", []string{"element 1 " + a, "element 2 skip: not valid JSON (line 2); the rest of the input cannot be read"}},
		"array cut short":          {"[" + a + ",", []string{"element 1 " + a, "element 2 skip: not valid JSON (line 1); the rest of the input cannot be read"}},
		"data after the array":     {"[" + a + "]\n" + b, []string{"element 1 " + a, "line 2 skip: data after the end of the array; not read"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, objectsOf(t, tc.in, 1<<20))
		})
	}
}

// A CRLF line decodes as a model: the CR is JSON whitespace.
func TestObjectsCRLFDecodes(t *testing.T) {
	for o := range Objects(strings.NewReader("{\"id\":\"org/a\"}\r\n"), 1<<20) {
		m, err := DecodeModel(o.Value)
		require.NoError(t, err)
		assert.Equal(t, "org/a", m.ID)
	}
}

func TestObjectsLongLines(t *testing.T) {
	long := `{"id":"org/long","tags":["` + strings.Repeat("x", 3<<20) + `"]}`
	in := `{"id":"org/a"}` + "\n" + long + "\n" + `{"id":"org/b"}` + "\n"
	t.Run("a line over 1 MiB is read whole", func(t *testing.T) {
		var ids []string
		for o := range Objects(strings.NewReader(in), 8<<20) {
			require.Empty(t, o.Skip)
			m, err := DecodeModel(o.Value)
			require.NoError(t, err, o.Where())
			ids = append(ids, o.Where()+" "+m.ID)
		}
		assert.Equal(t, []string{"line 1 org/a", "line 2 org/long", "line 3 org/b"}, ids)
	})
	t.Run("a line over the cap is skipped, the next read", func(t *testing.T) {
		assert.Equal(t, []string{`line 1 {"id":"org/a"}`, "line 2 skip: longer than 1 MiB", `line 3 {"id":"org/b"}`}, objectsOf(t, in, 1<<20))
	})
	t.Run("an element over the cap is skipped", func(t *testing.T) {
		got := objectsOf(t, "["+long+`,{"id":"org/b"}]`, 1<<20)
		assert.Equal(t, []string{"element 1 skip: longer than 1 MiB", `element 2 {"id":"org/b"}`}, got)
	})
}

// Reading a byte at a time changes nothing: the detection never depends
// on how the reads are cut.
func TestObjectsOneByteReads(t *testing.T) {
	for _, in := range []string{
		"{\n \"id\": \"org/a\"\n}\n{\n \"id\": \"org/b\"\n}",
		"[{\"id\":\"org/a\"},\n{\"id\":\"org/b\"}]",
		"{\"id\":\"org/a\"}\n{\"id\":\"org/b\"}",
	} {
		var whole, bytewise []string
		for o := range Objects(strings.NewReader(in), 1<<20) {
			whole = append(whole, o.Where()+string(o.Value))
		}
		for o := range Objects(iotest.OneByteReader(strings.NewReader(in)), 1<<20) {
			bytewise = append(bytewise, o.Where()+string(o.Value))
		}
		assert.Len(t, whole, 2, in)
		assert.Equal(t, whole, bytewise, in)
	}
}

func TestObjectsReadError(t *testing.T) {
	boom := errors.New("boom")
	r := iotest.DataErrReader(&failAfter{data: []byte(`{"id":"org/a"}` + "\n"), err: boom})
	var errs []error
	n := 0
	for o := range Objects(r, 1<<20) {
		if o.Err != nil {
			errs = append(errs, o.Err)
			continue
		}
		n++
	}
	assert.Equal(t, 1, n)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], boom)
}

type failAfter struct {
	data []byte
	err  error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// The caller may stop early.
func TestObjectsStop(t *testing.T) {
	in := bytes.Repeat([]byte(`{"id":"org/a"}`+"\n"), 10)
	n := 0
	for range Objects(bytes.NewReader(in), 1<<20) {
		n++
		if n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
}
