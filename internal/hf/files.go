package hf

import (
	"context"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Files lists a repository's files with their sizes at one commit: the
// model info with blobs=true (GET /api/models/{id}/revision/{sha}?blobs=true;
// the Hub refuses expand[] beside blobs, so none is sent). Each sibling's
// size is its lfs.size when the Hub gives one, else its size; a size that
// is absent or not a whole number from 0 to 2^63-1 is unknown (nil).
//
// sha must be a 40-hex commit (the sha a list or model info gave): what a
// commit holds never changes, so the answer is cached forever. A repo
// renamed since is followed through the Hub's 307. Errors are *Error:
// Invalid for a bad id or sha, NotFound, Gated, BadResponse for an answer
// without a siblings array or naming another commit.
func (c *Client) Files(ctx context.Context, id, sha string) ([]fit.File, error) {
	if err := ValidateRepoID(id); err != nil {
		return nil, err
	}
	if !IsCommit(sha) {
		return nil, newError(Invalid, nil, "invalid commit %q: file sizes are asked at a 40-hex commit sha", text.OneLine(sha, 60))
	}
	u := c.cfg.Endpoint + "/api/models/" + repoPath(id) + "/revision/" + url.PathEscape(sha) + "?blobs=true"
	what := "the file list of " + text.OneLine(id, 100)
	ans, err := c.get(ctx, u, classFilesAtSHA, func(body []byte) (any, error) { return DecodeFiles(body, sha, what) }, nil)
	if err != nil {
		return nil, err
	}
	if !ans.meta.FromCache {
		c.keepAsInfo(c.cfg.Cache != nil && !c.cfg.NoCache, ans.body, ans.meta.FetchedAt)
	}
	return ans.value.([]fit.File), nil
}

// DecodeFiles reads the siblings of a model info answer made with
// blobs=true (see Files). sha, when not empty, must match the answer's own
// sha if it has one; what names the answer in errors. Siblings without a
// usable rfilename are skipped; sizes follow Files' rules.
func DecodeFiles(body []byte, sha, what string) ([]fit.File, error) {
	var top struct {
		SHA      jsontext.Value   `json:"sha"`
		Siblings []jsontext.Value `json:"siblings"`
	}
	if err := json.Unmarshal(body, &top, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil {
		return nil, newError(BadResponse, err, "%s is not a model info object: %s", what, text.OneLine(err.Error(), 160))
	}
	if top.Siblings == nil {
		return nil, newError(BadResponse, nil, "%s has no siblings array", what)
	}
	if sha != "" && len(top.SHA) > 0 && top.SHA.Kind() == '"' {
		var got string
		if json.Unmarshal(top.SHA, &got, jsontext.AllowInvalidUTF8(true)) == nil && got != "" && !strings.EqualFold(got, sha) {
			return nil, newError(BadResponse, nil, "%s names commit %q, not the %s asked for", what, text.OneLine(got, 60), sha)
		}
	}
	files := make([]fit.File, 0, len(top.Siblings))
	for _, raw := range top.Siblings {
		var sib struct {
			Name jsontext.Value `json:"rfilename"`
			Size jsontext.Value `json:"size"`
			LFS  jsontext.Value `json:"lfs"`
		}
		if raw.Kind() != '{' || json.Unmarshal(raw, &sib, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)) != nil {
			continue
		}
		var name string
		if sib.Name.Kind() != '"' || json.Unmarshal(sib.Name, &name, jsontext.AllowInvalidUTF8(true)) != nil || name == "" {
			continue
		}
		size := parseSize(sib.Size)
		if sib.LFS.Kind() == '{' {
			var lfs struct {
				Size jsontext.Value `json:"size"`
			}
			if json.Unmarshal(sib.LFS, &lfs, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)) == nil {
				if s := parseSize(lfs.Size); s != nil {
					size = s
				}
			}
		}
		files = append(files, fit.File{Path: name, Size: size})
	}
	return files, nil
}

// maxExactFloat is 2^53: a size written with a fraction or an exponent
// is taken only up to there, where float64 is still exact.
const maxExactFloat = 1 << 53

// parseSize reads a JSON size: a number that is a whole value from 0 to
// text.MaxBytes (1 PiB). Digits are read exactly; a number with a fraction
// or an exponent ("1.0", "4e9") only when it is whole. Anything else
// (absent, null, a string, negative, 1.5, 1e30) is unknown: nil. The bound:
// the Hub takes no file over 50 GB, so one file over 1 PiB is no real file
// but a hostile or broken listing, and a figure for it would only be summed
// into absurd variant sizes.
func parseSize(v jsontext.Value) *uint64 {
	if v.Kind() != '0' {
		return nil
	}
	s := string(v)
	if strings.Trim(s, "0123456789") == "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 || n > text.MaxBytes {
			return nil
		}
		u := uint64(n)
		return &u
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > min(maxExactFloat, text.MaxBytes) || f != math.Trunc(f) {
		return nil
	}
	u := uint64(f)
	return &u
}
