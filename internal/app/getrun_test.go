package app

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

func getRun(t *testing.T, out *bytes.Buffer) GetRun {
	t.Helper()
	hub := hubtesting.New(t)
	hub.AddRepos(hubtest.GetRepos()...)
	var stderr bytes.Buffer
	return GetRun{Pick: "getorg/tiny-GGUF:Q4_K_M", Out: out, Stderr: &stderr, Note: func(s string) { t.Errorf("note: %s", s) },
		Open: func(context.Context) (*Session, error) {
			h, _ := testHub(t, hub.URL)
			return &Session{Catalog: compat.DefaultCatalog(), Hub: h}, nil
		}}
}

// A dry run says what would be fetched and writes nothing: as text a
// line per file and the bytes to fetch; as JSON each file's presence.
func TestGetRunDryRun(t *testing.T) {
	var out bytes.Buffer
	r := getRun(t, &out)
	r.DryRun = true
	require.NoError(t, r.Run(context.Background()))
	assert.Regexp(t, `(?m)^fetch +\S+ \S+  \S+\.gguf\nto fetch: .+ \(\d+ bytes\); free: .+ in .+\n$`, out.String())

	out.Reset()
	r.JSON = true
	require.NoError(t, r.Run(context.Background()))
	var doc struct {
		Repo    string `json:"repo"`
		ToFetch *int64 `json:"to_fetch"`
		Files   []struct {
			Present *bool `json:"present"`
		} `json:"files"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, "getorg/tiny-GGUF", doc.Repo)
	require.NotNil(t, doc.ToFetch)
	assert.Positive(t, *doc.ToFetch)
	require.NotEmpty(t, doc.Files)
	require.NotNil(t, doc.Files[0].Present)
	assert.False(t, *doc.Files[0].Present)
}

func TestGetRunUnknownWorker(t *testing.T) {
	var out bytes.Buffer
	r := getRun(t, &out)
	r.Worker = "nope"
	var u UsageError
	require.ErrorAs(t, r.Run(context.Background()), &u)
	assert.Contains(t, u.Msg, `no worker named "nope"`)
	assert.Empty(t, out.String())
}
