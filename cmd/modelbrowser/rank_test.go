package main

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// searchRow is the part of a search --json element the rankings and
// facets are about.
type searchRow struct {
	ID            string   `json:"id"`
	Formats       []string `json:"formats"`
	ContextLength *int64   `json:"context_length"`
	Parameters    *int64   `json:"parameters"`
	Fit           *struct {
		Level  *string  `json:"level"`
		Size   *uint64  `json:"size"`
		Decode *float64 `json:"decode"`
	} `json:"fit"`
}

func searchRows(t *testing.T, h *harness, args ...string) []searchRow {
	t.Helper()
	code, out, errOut := h.run(append([]string{"search", "--json"}, args...)...)
	require.Equal(t, exitOK, code, errOut)
	return decodeRows(t, out)
}

// binSearchRows runs search in the built binary: the orders that weigh
// every model's files (fit, size) do it in a child process, whose memory
// the tests measuring the binary's peak RSS do not count.
func binSearchRows(t *testing.T, args ...string) []searchRow {
	t.Helper()
	r := newBin(t).run(append([]string{"search", "--json"}, args...)...)
	require.Equal(t, exitOK, r.code, r.stderr)
	return decodeRows(t, r.stdout)
}

func decodeRows(t *testing.T, out string) []searchRow {
	t.Helper()
	var rows []searchRow
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	require.NotEmpty(t, rows)
	return rows
}

func TestSearchFormatFacet(t *testing.T) {
	h := newHarness(t)
	rows := searchRows(t, h, "--all", "--format", "gguf", "--no-context")
	for _, r := range rows {
		assert.Contains(t, r.Formats, "gguf", r.ID)
	}
	// The Hub was asked for GGUF repos only.
	for _, r := range h.hub.Requests() {
		if r.Route == hubtest.RouteList {
			assert.Contains(t, r.Query["filter"], "gguf")
		}
	}
	rows = searchRows(t, newHarness(t), "--all", "--format", "safetensors", "--no-context")
	for _, r := range rows {
		assert.Contains(t, r.Formats, "safetensors", r.ID)
		assert.NotContains(t, r.ID, "GGUF")
	}
}

func TestSearchParamsFacet(t *testing.T) {
	rows := searchRows(t, newHarness(t), "--all", "--params", "1B-9B", "--no-context")
	for _, r := range rows {
		require.NotNil(t, r.Parameters, r.ID)
		assert.GreaterOrEqual(t, *r.Parameters, int64(1e9), r.ID)
		assert.LessOrEqual(t, *r.Parameters, int64(9e9), r.ID)
	}
	all := searchRows(t, newHarness(t), "--all", "--no-context", "--limit", "100")
	assert.Less(t, len(rows), len(all), "the facet left some out")
}

func TestSearchLocalSorts(t *testing.T) {
	t.Run("params", func(t *testing.T) {
		rows := searchRows(t, newHarness(t), "--all", "--sort", "params", "--no-context", "--limit", "100")
		var known []int64
		for i, r := range rows {
			if r.Parameters == nil {
				for _, rest := range rows[i:] {
					assert.Nil(t, rest.Parameters, "unknown counts last")
				}
				break
			}
			known = append(known, *r.Parameters)
		}
		assert.True(t, slices.IsSorted(known), "%v", known)
		assert.Greater(t, len(known), 5)
	})
	t.Run("context", func(t *testing.T) {
		rows := searchRows(t, newHarness(t), "--all", "--sort", "context", "--limit", "100")
		var known []int64
		for _, r := range rows {
			if r.ContextLength != nil {
				known = append(known, -*r.ContextLength)
			}
		}
		assert.True(t, slices.IsSorted(known), "largest first: %v", known)
		assert.Greater(t, len(known), 5)
	})
	rank := map[string]int{"fits": 0, "tight": 1, "offload": 2, "unknown": 3, "too_big": 4}
	t.Run("fit", func(t *testing.T) {
		rows := binSearchRows(t, "--sort", "fit", "--memory", "8GiB", "--limit", "100")
		prev, prevSize := -1, uint64(1<<63)
		levels := map[int]bool{}
		for _, r := range rows {
			l := 3
			var size uint64
			if r.Fit != nil && r.Fit.Level != nil {
				l = rank[*r.Fit.Level]
			}
			if r.Fit != nil && r.Fit.Size != nil {
				size = *r.Fit.Size
			}
			require.GreaterOrEqual(t, l, prev, "%s: fits, tight, offload, unknown, too big", r.ID)
			if l == prev && l != 3 {
				assert.LessOrEqual(t, size, prevSize, "%s: the larger file first within a level", r.ID)
			}
			prev, prevSize = l, size
			levels[l] = true
		}
		assert.True(t, levels[0] && levels[4], "some fit and some are too big at 8 GiB: %v", levels)
	})
	t.Run("size", func(t *testing.T) {
		rows := binSearchRows(t, "--sort", "size", "--memory", "8GiB", "--limit", "100")
		var sizes []uint64
		for _, r := range rows {
			if r.Fit != nil && r.Fit.Size != nil {
				sizes = append(sizes, *r.Fit.Size)
			}
		}
		assert.True(t, slices.IsSorted(sizes), "%v", sizes)
		assert.Greater(t, len(sizes), 5)
	})
	t.Run("speed", func(t *testing.T) {
		// The binary's CPU bandwidth is fixed (20 GB/s): the figures do not
		// depend on the machine running the test.
		rows := binSearchRows(t, "--sort", "speed", "--memory", "8GiB", "--limit", "100")
		var speeds []float64
		for i, r := range rows {
			if r.Fit == nil || r.Fit.Decode == nil {
				for _, rest := range rows[i:] {
					assert.True(t, rest.Fit == nil || rest.Fit.Decode == nil, "%s: unknown speeds last", rest.ID)
				}
				break
			}
			speeds = append(speeds, -*r.Fit.Decode)
		}
		assert.True(t, slices.IsSorted(speeds), "fastest first: %v", speeds)
		assert.Greater(t, len(speeds), 3)
		assert.Less(t, len(speeds), len(rows), "some have no speed: too big at 8 GiB")
	})
}

func TestSearchRankFlagErrors(t *testing.T) {
	h := newHarness(t)
	for name, tc := range map[string]struct {
		args []string
		msg  string
	}{
		"format":       {[]string{"--format", "onnx"}, "--format must be gguf or safetensors"},
		"params":       {[]string{"--params", "big"}, "--params: want MIN-MAX"},
		"params unit":  {[]string{"--params", "1X-2B"}, "is not a parameter count"},
		"params order": {[]string{"--params", "9B-1B"}, "is empty"},
		"sort":         {[]string{"--sort", "best"}, "fit, size, params, context"},
	} {
		t.Run(name, func(t *testing.T) {
			before := len(h.hub.Requests())
			code, _, errOut := h.run(append([]string{"search"}, tc.args...)...)
			assert.Equal(t, exitError, code)
			assert.Contains(t, errOut, tc.msg)
			assert.Equal(t, before, len(h.hub.Requests()), "no request")
		})
	}
}
