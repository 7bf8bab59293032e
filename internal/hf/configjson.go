package hf

import (
	"context"
	"net/url"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// ConfigJSON reads a repository's config.json (GET
// /{id}/resolve/{rev}/config.json) as a JSON object, numbers as float64.
// rev is a 40-hex commit (cached forever), a branch or tag ("" is main,
// cached TTLConfigAtRef). It is the very request, with the same cache
// entry, that ResolveContext makes for the context length, so asking both
// costs one request. The shape of the model (package fit) and a GGUF
// repo's cardData.base_model are read through it.
//
// Unlike ResolveContext it returns every failure: NotFound when the repo
// or the file is missing, Gated when the Hub wants an accepted licence,
// BadResponse when the file is not a JSON object.
func (c *Client) ConfigJSON(ctx context.Context, id, rev string) (map[string]any, error) {
	if err := ValidateRepoID(id); err != nil {
		return nil, err
	}
	u, cl, err := c.configURL(id, rev)
	if err != nil {
		return nil, err
	}
	what := "config.json of " + text.OneLine(id, 100)
	ans, err := c.get(ctx, u, cl, func(body []byte) (any, error) { return decodeConfigObject(body, what) }, nil)
	if err != nil {
		return nil, err
	}
	return ans.value.(map[string]any), nil
}

// configURL is the address of config.json at rev and its cache class: the
// same address ResolveContext builds ("main", or a 40-hex sha as is).
func (c *Client) configURL(id, rev string) (string, class, error) {
	if rev == "" {
		rev = "main"
	}
	if err := validateRevision(rev); err != nil {
		return "", 0, err
	}
	cl := classConfigAtRef
	if IsCommit(rev) {
		cl = classConfigAtSHA
	}
	return c.cfg.Endpoint + "/" + repoPath(id) + "/resolve/" + url.PathEscape(rev) + "/config.json", cl, nil
}

// decodeConfigObject decodes a config.json body; anything but a JSON
// object (null, an array, a number) is BadResponse.
func decodeConfigObject(body []byte, what string) (any, error) {
	var cfg map[string]any
	if err := json.Unmarshal(body, &cfg, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil {
		return nil, newError(BadResponse, err, "%s is not a JSON object: %s", what, text.OneLine(err.Error(), 160))
	}
	if cfg == nil {
		return nil, newError(BadResponse, nil, "%s is not a JSON object: null", what)
	}
	return cfg, nil
}
