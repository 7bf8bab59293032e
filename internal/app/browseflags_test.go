package app

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/query"
)

func TestBrowseFlags(t *testing.T) {
	for _, pf := range PickFormats {
		s, err := BrowseFlags(query.SortDownloads, pf, pf != "path")
		require.NoError(t, err, pf)
		assert.Equal(t, query.SortDownloads, s.Name)
	}
	tests := []struct {
		sort, pick string
		demo       bool
		want       string
	}{
		{query.SortDownloads, "xml", false, `--pick-format must be id, json or path, got "xml"`},
		{query.SortDownloads, "path", true, "--pick-format path downloads the pick, and --demo writes nothing to disk"},
		{"created", "id", false, "--sort must be one of downloads, likes, trending, updated,"},
		{query.SortSpeed + "x", "id", false, "--sort must be one of"},
	}
	for _, tc := range tests {
		_, err := BrowseFlags(tc.sort, tc.pick, tc.demo)
		var u UsageError
		require.ErrorAs(t, err, &u, "%+v", tc)
		assert.Contains(t, u.Msg, tc.want)
	}
}
