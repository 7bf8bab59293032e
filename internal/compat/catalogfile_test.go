package compat

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const userTOML = `# my workers
[[workers]]
name = "coder"
device = "cuda"
platforms = ["linux"]
formats = ["safetensors"]
max_context = 16384
streaming = true

[workers.architectures]
safetensors = ["llama", "starcoder2"]
`

const userJSON = `{
  "workers": [
    {
      "name": "coder",
      "device": "cpu",
      "formats": ["gguf"],
      "architectures": {"gguf": ["llama", "starcoder2"]},
      "max_context": 8192
    }
  ]
}
`

func TestParseCatalogValid(t *testing.T) {
	for name, tc := range map[string]struct {
		file, body string
		device     string
		maxCtx     int64
	}{
		"toml": {"workers.toml", userTOML, "cuda", 16384},
		"json": {"workers.json", userJSON, "cpu", 8192},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := ParseCatalog(tc.file, []byte(tc.body))
			require.NoError(t, err)
			require.Len(t, c.Workers, 1)
			w := c.Workers[0]
			assert.Equal(t, "coder", w.Name)
			assert.Equal(t, tc.device, w.Device)
			assert.Equal(t, tc.maxCtx, w.MaxContext)
			assert.Equal(t, tc.file, c.Source)
			assert.Equal(t, DefaultFamilies(), c.Families, "families default when the file has none")
		})
	}
}

// A user catalog that adds an architecture makes such a model compatible.
func TestUserCatalogAddsArchitecture(t *testing.T) {
	c, err := ParseCatalog("workers.toml", []byte(userTOML))
	require.NoError(t, err)
	m := Derive(Raw{ID: "bigcode/starcoder2-3b", ConfigModelType: "starcoder2", HasSiblings: true, Siblings: []string{"model.safetensors"}})
	v := Check(m, c)
	assert.True(t, v.Compatible)
	assert.Equal(t, Low, v.Confidence, "an architecture in no family starts at low")
	assert.False(t, Check(m, DefaultCatalog()).Compatible, "the default catalog does not run starcoder2")
}

func TestParseCatalogErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		file, body string
		line       int
		field      string
		msg        string
	}{
		"toml syntax":                    {"w.toml", "[[workers]]\nname = \"a\nx", 2, "", ""},
		"toml unknown field":             {"w.toml", "[[workers]]\nname = \"a\"\ncolour = \"red\"\n", 3, "workers.colour", "unknown field"},
		"toml bad device":                {"w.toml", "[[workers]]\nname = \"a\"\ndevice = \"tpu\"\nformats=[\"gguf\"]\nmax_context=1\n[workers.architectures]\ngguf=[\"llama\"]\n", 3, "workers[0].device", "unknown device"},
		"toml second worker max_context": {"w.toml", userTOML + "\n[[workers]]\nname = \"b\"\ndevice = \"cpu\"\nformats = [\"gguf\"]\nmax_context = -5\n[workers.architectures]\ngguf = [\"llama\"]\n", 17, "workers[1].max_context", "positive"},
		"toml duplicate name":            {"w.toml", userTOML + "\n[[workers]]\nname = \"coder\"\n", 14, "workers[1].name", "already"},
		"toml no workers":                {"w.toml", "# nothing\n", 0, "workers", "no worker"},
		"toml archs for missing format":  {"w.toml", "[[workers]]\nname=\"a\"\ndevice=\"cpu\"\nformats=[\"gguf\"]\nmax_context=10\n[workers.architectures]\ngguf=[\"llama\"]\nonnx=[\"bert\"]\n", 6, "workers[0].architectures.onnx", "not in formats"},
		"toml wrong type":                {"w.toml", "[[workers]]\nname = 5\n", 0, "", "name"},
		"json syntax":                    {"w.json", "{\n  \"workers\": [\n    {,}\n  ]\n}", 3, "", ""},
		"json unknown field":             {"w.json", "{\n  \"workers\": [],\n  \"colour\": 1\n}", 3, "colour", "unknown field"},
		"json wrong type":                {"w.json", "{\n  \"workers\": [\n    {\"name\": \"a\",\n     \"max_context\": \"big\"}\n  ]\n}", 4, "workers.max_context", "want int64"},
		"json missing formats":           {"w.json", "{\n  \"workers\": [\n    {\"name\": \"a\", \"device\": \"cpu\"},\n    {\"name\": \"b\",\n     \"device\": \"gpu\"}\n  ]\n}", 3, "workers[0].formats", "at least one format"},
		"json second worker bad device":  {"w.json", "{\n  \"workers\": [\n    {\"name\": \"a\", \"device\": \"cpu\", \"formats\": [\"gguf\"], \"architectures\": {\"gguf\": [\"llama\"]}, \"max_context\": 5},\n    {\"name\": \"b\",\n     \"device\": \"gpu\"}\n  ]\n}", 5, "workers[1].device", "unknown device"},
		"json bad family confidence":     {"w.json", "{\"workers\": [{\"name\": \"a\", \"device\": \"cpu\", \"formats\": [\"gguf\"], \"architectures\": {\"gguf\": [\"x\"]}, \"max_context\": 5}],\n \"families\": [{\"name\": \"x\",\n   \"confidence\": \"certain\", \"architectures\": [\"x\"]}]}", 3, "families[0].confidence", "not a confidence"},
		"json empty":                     {"w.json", "", 0, "", "empty"},
		"json trailing":                  {"w.json", "{\"workers\": []} {}", 0, "", "after"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseCatalog(tc.file, []byte(tc.body))
			require.Error(t, err)
			var ce *CatalogError
			require.True(t, errors.As(err, &ce), "want a *CatalogError, got %T", err)
			assert.Equal(t, tc.file, ce.File)
			assert.Contains(t, err.Error(), tc.file)
			if tc.line > 0 {
				assert.Equal(t, tc.line, ce.Line, "line of %q", err)
			}
			assert.Equal(t, tc.field, ce.Field)
			assert.Contains(t, ce.Msg, tc.msg)
		})
	}
}
