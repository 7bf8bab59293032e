package compat

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nested builds a TOML catalog of about size bytes whose one value nests
// as deep as the size allows, in the given form.
func nested(form string, size int) string {
	head := "[[workers]]\nname = \"w\"\ndevice = \"cpu\"\nformats = [\"gguf\"]\n"
	switch form {
	case "inline tables":
		n := size / 4
		return head + "x = " + strings.Repeat("{a=", n) + "1" + strings.Repeat("}", n) + "\n"
	case "arrays":
		n := size / 2
		return head + "x = " + strings.Repeat("[", n) + "1" + strings.Repeat("]", n) + "\n"
	case "arrays of tables":
		n := size / 6
		return head + "x = " + strings.Repeat("[{a=", n) + "1" + strings.Repeat("}]", n) + "\n"
	case "dotted key":
		return head + strings.Repeat("a.", size/2) + "b = 1\n"
	case "quoted dotted key":
		return head + strings.Repeat(`"a".`, size/4) + "b = 1\n"
	case "table header":
		return head + "[" + strings.Repeat("a.", size/2) + "b]\n"
	case "inline table keys":
		return head + "x = {" + strings.Repeat("a.", size/4) + "b = 1}\n"
	}
	panic(form)
}

// A catalog nested thousands of levels deep (40 KB took 3.5 GB and 10 s,
// 400 KB was killed at 23 GB) is refused before the TOML parser sees it:
// at once, with little memory, in one line naming the file and line.
func TestCatalogNestingBounded(t *testing.T) {
	forms := []string{"inline tables", "arrays", "arrays of tables", "dotted key", "quoted dotted key", "table header", "inline table keys"}
	for _, form := range forms {
		for _, size := range []int{40 << 10, 400 << 10} {
			t.Run(fmt.Sprintf("%s %d KB", form, size>>10), func(t *testing.T) {
				data := []byte(nested(form, size))
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				start := time.Now()
				_, err := ParseCatalog("workers.toml", data)
				took := time.Since(start)
				runtime.ReadMemStats(&after)
				require.Error(t, err)
				var ce *CatalogError
				require.True(t, errors.As(err, &ce))
				assert.Contains(t, err.Error(), "nested deeper than")
				assert.Equal(t, 5, ce.Line)
				assert.NotContains(t, err.Error(), "\n")
				assert.Less(t, took, time.Second)
				assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8*len(data)+1<<20), "bytes allocated")
			})
		}
	}
}

// A catalog over MaxCatalogBytes is refused unparsed; nesting within the
// bound, strings and comments holding brackets and dots, and the real
// catalog shapes still parse.
func TestCatalogSizeAndDepthBounds(t *testing.T) {
	big := "# " + strings.Repeat("x", MaxCatalogBytes) + "\n" + userTOML
	_, err := ParseCatalog("workers.toml", []byte(big))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "larger than 1 MiB")
	_, err = ParseCatalog("workers.json", []byte(big))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "larger than 1 MiB")

	ok := userTOML + `
[workers.extra_not_a_field]
` // unknown fields are still reported by the parser, not the bound
	_, err = ParseCatalog("workers.toml", []byte(ok))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "nested")

	inert := `# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{ a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a
[[workers]]
name = "w[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"
device = 'cpu'
formats = ["""gguf"""] # ]]]]]]]] [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
max_context = 4_096
[workers.architectures]
gguf = ["llama", '''a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[''', "\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[']
`
	c, err := ParseCatalog("workers.toml", []byte(inert))
	require.NoError(t, err, "brackets and dots in strings and comments do not nest")
	assert.Len(t, c.Workers[0].Architectures["gguf"], 4)
	within := nested("inline tables", 4*(MaxCatalogDepth-2))
	_, err = ParseCatalog("workers.toml", []byte(within))
	require.Error(t, err) // x is not a catalog field
	assert.Contains(t, err.Error(), "unknown field")
	c, err = ParseCatalog("workers.toml", []byte(userTOML))
	require.NoError(t, err)
	assert.Equal(t, "coder", c.Workers[0].Name)
}

// The depth scan never panics nor loops, and names a line of the file.
func FuzzTOMLTooDeep(f *testing.F) {
	f.Add([]byte(userTOML))
	f.Add([]byte(nested("arrays of tables", 400)))
	f.Add([]byte(`a = """x""\"" ''' '''' [[b.c]] "\`))
	f.Fuzz(func(t *testing.T, data []byte) {
		line := tomlTooDeep(data, 4)
		if line < 0 || line > bytes.Count(data, []byte("\n"))+1 {
			t.Fatalf("line %d of a %d-line text", line, bytes.Count(data, []byte("\n"))+1)
		}
	})
}
