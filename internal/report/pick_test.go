package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

func TestPrintPick(t *testing.T) {
	p := Pick{Verdict: compat.Verdict{ID: "org/m-GGUF", Compatible: true}, Mark: "ok", Pick: "org/m-GGUF:Q4\x1b]0;x\x07_K_M"}
	var b bytes.Buffer
	require.NoError(t, PrintPick(&b, "id", "/hub/m.gguf", p))
	assert.Equal(t, "org/m-GGUF:Q4_K_M\n", b.String())

	b.Reset()
	require.NoError(t, PrintPick(&b, "path", "/hub/m.gguf", p))
	assert.Equal(t, "/hub/m.gguf\n", b.String())

	b.Reset()
	require.NoError(t, PrintPick(&b, "json", "/hub/m.gguf", p))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	assert.Equal(t, "org/m-GGUF:Q4_K_M", doc["pick"])
	assert.Equal(t, "ok", doc["mark"])
	assert.Equal(t, "org/m-GGUF", doc["id"])
}
