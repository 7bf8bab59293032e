package hf

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// ListExpand are the expand[] values every list (and model info) request
// asks for: everything the verdict and the list view need, so judging a
// page costs one request, never one per model.
var ListExpand = []string{"author", "cardData", "config", "downloads", "gated", "gguf", "lastModified",
	"library_name", "likes", "pipeline_tag", "safetensors", "sha", "siblings", "tags"}

// DefaultLimit is the page size asked when ListOptions.Limit is 0.
const DefaultLimit = 50

// ListOptions are the search parameters of GET /api/models.
type ListOptions struct {
	// Query is what to search: text, author, filters, and a sort order
	// of query.Sorts by its name (downloads, likes, trending, updated,
	// created) or the Hub's own (trendingScore, lastModified, createdAt),
	// in any case; "" is the Hub's default order. Sorting is always
	// descending.
	query.Query
	// Limit is the page size (default 50).
	Limit int
}

// Values is the URL query of the first page.
func (o ListOptions) Values() (url.Values, error) {
	q := url.Values{}
	if s := strings.TrimSpace(o.Text); s != "" {
		q.Set("search", s)
	}
	if a := strings.TrimSpace(o.Author); a != "" {
		q.Set("author", a)
	}
	for _, f := range o.Filters {
		if f = strings.TrimSpace(f); f != "" {
			q.Add("filter", f)
		}
	}
	if o.Sort != "" {
		s, ok := query.LookupSort(o.Sort)
		if !ok {
			return nil, newError(Invalid, nil, "unknown sort %q: use %s", text.OneLine(o.Sort, 40), strings.Join(query.SortNames(false), ", "))
		}
		if s.Local { // ordered by the caller: the Hub lists in its default order
			s, _ = query.LookupSort(s.HubSort())
		}
		q.Set("sort", s.Param)
	}
	switch {
	case o.Limit < 0:
		return nil, newError(Invalid, nil, "the page size must be positive, got %d", o.Limit)
	case o.Limit == 0:
		q.Set("limit", strconv.Itoa(DefaultLimit))
	default:
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	for _, e := range ListExpand {
		q.Add("expand[]", e)
	}
	return q, nil
}

// Page is one page of a listing.
type Page struct {
	// Models are the page's models that decode, in the Hub's order.
	Models []compat.Model
	// Dropped are the models (or fields) of the page DecodeList left out
	// for a wrong type or a number out of range.
	Dropped []Dropped
	// Next is the URL of the next page ("" on the last): pass it to
	// ListPage as is.
	Next string
	Meta Meta
}

// listPage is a page decoded by DecodeList.
type listPage struct {
	models  []compat.Model
	dropped []Dropped
}

func decodeListPage(body []byte) (any, error) {
	ms, dropped, err := DecodeList(body)
	if err != nil {
		return nil, err
	}
	return listPage{ms, dropped}, nil
}

// ListPage fetches one page of models: the first when next is "", else
// the page at next, a URL taken verbatim from the previous Page (it must
// be on the endpoint's host). On an error after the body was read (a next
// link to another host) the page's models are still returned.
func (c *Client) ListPage(ctx context.Context, opts ListOptions, next string) (Page, error) {
	return c.listPage(ctx, opts, next, nil)
}

// listPage is ListPage with onHeader called with the headers of a 200
// answer from the Hub as soon as they arrive, before its body is read.
func (c *Client) listPage(ctx context.Context, opts ListOptions, next string, onHeader func(http.Header)) (Page, error) {
	u, err := c.pageURL(opts, next)
	if err != nil {
		return Page{}, err
	}
	ans, err := c.get(ctx, u, classList, decodeListPage, onHeader)
	if err != nil {
		return Page{}, err
	}
	lp := ans.value.(listPage)
	p := Page{Models: lp.models, Dropped: lp.dropped, Meta: ans.meta}
	link, ok := nextLink(ans.header.Values("Link"))
	if !ok {
		return p, nil
	}
	nu, err := c.checkNext(link)
	if err != nil {
		return p, c.withRequest(err, ans)
	}
	p.Next = nu
	return p, nil
}

func (c *Client) withRequest(err error, ans *answer) error {
	if e, ok := err.(*Error); ok && e.RequestID == "" {
		e.RequestID = ans.meta.RequestID
	}
	return err
}

func (c *Client) pageURL(opts ListOptions, next string) (string, error) {
	if next != "" {
		return c.checkNext(next)
	}
	q, err := opts.Values()
	if err != nil {
		return "", err
	}
	return c.cfg.Endpoint + "/api/models?" + q.Encode(), nil
}

// checkNext resolves a next link against the endpoint and refuses one on
// another host or off the model list.
func (c *Client) checkNext(link string) (string, error) {
	u, err := c.base.Parse(link)
	if err != nil || link == "" || strings.ContainsAny(link, "<> \t\r\n\"") || (u.Scheme != "http" && u.Scheme != "https") {
		return "", newError(BadResponse, err, "the Hub's next-page link does not parse")
	}
	if !c.sameHost(u) {
		return "", newError(Invalid, nil, "refusing a next-page link to another host (%s); the endpoint is %s", text.OneLine(u.Host, 100), c.hostName())
	}
	if u.Path != c.base.Path+"/api/models" || u.Fragment != "" {
		return "", newError(BadResponse, nil, "the Hub's next-page link does not point at the model list")
	}
	if strings.HasPrefix(link, u.Scheme+"://") {
		return link, nil // verbatim: the cursor is opaque
	}
	return u.String(), nil
}

// nextLink finds the target of rel="next" in Link headers (RFC 8288);
// ok is false when there is none.
func nextLink(values []string) (string, bool) {
	for _, v := range values {
		for {
			start := strings.IndexByte(v, '<')
			if start < 0 {
				break
			}
			end := strings.IndexByte(v[start:], '>')
			if end < 0 {
				break
			}
			target, rest := v[start+1:start+end], v[start+end+1:]
			params := rest
			if i := strings.IndexByte(rest, '<'); i >= 0 {
				params = rest[:i]
			}
			if relNext(params) {
				return target, true
			}
			v = rest
		}
	}
	return "", false
}

func relNext(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		for rel := range strings.FieldsSeq(strings.Trim(strings.TrimSpace(val), `",`)) {
			if strings.EqualFold(rel, "next") {
				return true
			}
		}
	}
	return false
}

// Pages iterates over the pages of a listing, first to last, with the
// next pages asked for early. It stops after an error (yielded with the
// page's models when it has some) and when a next link comes back to a
// page already read.
//
// ahead is how many pages the caller will read for certain (unless the
// listing ends or an error stops it first). Up to that page, each page is
// requested as soon as the headers of the page before it (its next link)
// arrive, while that page's body is still being read and decoded: the
// Hub's time on one page overlaps the client's on another. No page past
// ahead is requested before the caller asks for it, so none is fetched in
// vain; 0 or 1 asks each page only when the one before was consumed. Pages
// are yielded in order either way; a page asked early that the caller no
// longer wants (it stopped, an error) is cancelled and waited for before
// the iteration returns.
func (c *Client) Pages(ctx context.Context, opts ListOptions, ahead int) iter.Seq2[Page, error] {
	return func(yield func(Page, error) bool) {
		first, err := c.pageURL(opts, "")
		if err != nil {
			yield(Page{}, err)
			return
		}
		g := newPager(ctx, c, opts, ahead, first)
		defer g.stop()
		seen := map[string]bool{first: true}
		next := ""
		for n := 1; ; n++ {
			var p Page
			var err error
			if r := g.take(n, next); r != nil {
				<-r.done
				p, err = r.p, r.err
			} else {
				p, err = g.fetch(n, next)
			}
			if err == nil && p.Next != "" && !seen[p.Next] && (!p.Meta.FromCache || p.Meta.RequestID != "") {
				// A page the Hub revalidated (304) had no 200 headers to
				// hook. (One served from the cache: the next one likely is
				// too, and asking it early costs more than it saves.)
				g.start(n+1, p.Next)
			}
			if err == nil && p.Next != "" && seen[p.Next] {
				err = newError(BadResponse, nil, "the Hub's next-page link after page %d points back to a page already read; stopping", n)
				p.Next = ""
			}
			if !yield(p, err) || err != nil || p.Next == "" {
				return
			}
			seen[p.Next] = true
			next = p.Next
		}
	}
}

// pager runs the early requests of Pages.
type pager struct {
	c      *Client
	opts   ListOptions
	ahead  int
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	started map[int]*pageResult // pages asked early, by number
	asked   map[string]bool     // their addresses: no page is asked twice
}

type pageResult struct {
	url  string
	done chan struct{}
	p    Page
	err  error
}

func newPager(ctx context.Context, c *Client, opts ListOptions, ahead int, first string) *pager {
	g := &pager{c: c, opts: opts, ahead: ahead,
		started: map[int]*pageResult{}, asked: map[string]bool{first: true}}
	g.ctx, g.cancel = context.WithCancel(ctx)
	return g
}

// fetch gets page n (at next; "" is the first page). When its headers
// name the page after it, that one is started at once.
func (g *pager) fetch(n int, next string) (Page, error) {
	var onHeader func(http.Header)
	if n+1 <= g.ahead {
		onHeader = func(h http.Header) {
			if link, ok := nextLink(h.Values("Link")); ok {
				if u, err := g.c.checkNext(link); err == nil {
					g.start(n+1, u)
				}
			}
		}
	}
	return g.c.listPage(g.ctx, g.opts, next, onHeader)
}

// start asks for page n at u in the background, unless n is past ahead or
// u was asked already.
func (g *pager) start(n int, u string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if n > g.ahead || g.started[n] != nil || g.asked[u] || g.ctx.Err() != nil {
		return
	}
	r := &pageResult{url: u, done: make(chan struct{})}
	g.started[n], g.asked[u] = r, true
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer close(r.done)
		r.p, r.err = g.fetch(n, u)
	}()
}

// take returns page n if it was started early at next.
func (g *pager) take(n int, next string) *pageResult {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r := g.started[n]; r != nil && r.url == next {
		return r
	}
	return nil
}

// stop cancels the pages still being asked and waits for them.
func (g *pager) stop() {
	g.cancel()
	g.wg.Wait()
}

// String describes the options for logs.
func (o ListOptions) String() string {
	return fmt.Sprintf("search=%q author=%q filters=%v sort=%q limit=%d", o.Text, o.Author, o.Filters, o.Sort, o.Limit)
}
