package app

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

func checkRun(t *testing.T, pick string, out *bytes.Buffer) CheckRun {
	t.Helper()
	hub := hubtesting.New(t)
	return CheckRun{Pick: pick, Timeout: time.Minute, Out: out,
		Open: func(context.Context) (*Session, error) {
			h, _ := testHub(t, hub.URL)
			return &Session{Catalog: compat.DefaultCatalog(), Hub: h}, nil
		}}
}

// An incompatible model: its explanation, exit 1; as JSON the verdict
// with its mark and Hub page.
func TestCheckRunIncompatible(t *testing.T) {
	var out bytes.Buffer
	r := checkRun(t, "openai-community/gpt2", &out)
	assert.Equal(t, Exit(ExitNegative), r.Run(context.Background()))
	assert.Contains(t, out.String(), "openai-community/gpt2")

	out.Reset()
	r.JSON = true
	assert.Equal(t, Exit(ExitNegative), r.Run(context.Background()))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, "https://huggingface.co/openai-community/gpt2", doc["url"])
	assert.Equal(t, false, doc["compatible"])
}

func TestCheckRunUsageErrors(t *testing.T) {
	var out bytes.Buffer
	r := checkRun(t, "openai-community/gpt2", &out)
	r.Worker = "nope"
	var u UsageError
	require.ErrorAs(t, r.Run(context.Background()), &u)
	assert.Contains(t, u.Msg, `no worker named "nope"`)
	r.Worker, r.Timeout = "", 25*time.Hour
	require.ErrorAs(t, r.Run(context.Background()), &u)
	assert.Contains(t, u.Msg, "--timeout must be more than 0 and at most 24h")
	assert.Empty(t, out.String())
}
