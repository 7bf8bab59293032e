package hf

import (
	"context"
	"net/url"
)

// ModelCard reads a repository's model card, its README.md (GET
// /{id}/resolve/{rev}/README.md), as text. rev is the 40-hex commit the
// list gave (cached forever, so the card reads offline from the cache), or
// a branch ("" is main, cached TTLConfigAtRef). One request; the answer
// and a refusal are cached like config.json's.
//
// It returns NotFound when the repository has no README.md, Gated when the
// Hub wants an accepted licence. The text is the Hub's, raw: whoever draws
// it sanitizes it (package card does).
func (c *Client) ModelCard(ctx context.Context, id, rev string) (string, Meta, error) {
	if err := ValidateRepoID(id); err != nil {
		return "", Meta{}, err
	}
	if rev == "" {
		rev = "main"
	}
	if err := validateRevision(rev); err != nil {
		return "", Meta{}, err
	}
	cl := classCardAtRef
	if IsCommit(rev) {
		cl = classCardAtSHA
	}
	u := c.cfg.Endpoint + "/" + repoPath(id) + "/resolve/" + url.PathEscape(rev) + "/README.md"
	ans, err := c.get(ctx, u, cl, func(body []byte) (any, error) { return string(body), nil }, nil)
	if err != nil {
		return "", Meta{}, err
	}
	return ans.value.(string), ans.meta, nil
}
