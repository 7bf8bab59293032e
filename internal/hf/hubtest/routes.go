package hubtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Route is the kind of endpoint a request hit.
type Route int

// Routes of the fake Hub.
const (
	RouteAny     Route = iota // matches every route (faults, Count)
	RouteList                 // GET /api/models
	RouteInfo                 // GET /api/models/{id}[/revision/{rev}]
	RouteResolve              // GET /{id}/resolve/{rev}/{file}
	RouteOther
	RouteFiles // the file storage origin (Server.FilesURL)
)

// sortKeys are the list sort values the Hub accepts.
var sortKeys = map[string]func(r *Repo) int64{
	"downloads":     func(r *Repo) int64 { return r.Downloads },
	"likes":         func(r *Repo) int64 { return r.Likes },
	"trendingScore": func(r *Repo) int64 { return r.Trending },
	"lastModified":  func(r *Repo) int64 { return r.LastModified.UnixNano() },
	"createdAt":     func(r *Repo) int64 { return r.CreatedAt.UnixNano() },
}

// classify names the route and, for lists, the 1-based page number.
func (s *Server) classify(r *http.Request) (Route, int) {
	p := r.URL.Path
	switch {
	case p == "/api/models":
		size := s.pageSize(r.URL.Query())
		off, _ := decodeCursor(r.URL.Query().Get("cursor"))
		return RouteList, off/size + 1
	case strings.HasPrefix(p, "/api/models/"):
		return RouteInfo, 0
	case strings.Contains(p, "/resolve/"):
		return RouteResolve, 0
	}
	return RouteOther, 0
}

func (s *Server) pageSize(q url.Values) int {
	size := s.opts.PageSize
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 && n < size {
		size = n
	}
	return size
}

type cursor struct {
	Offset int `json:"offset"`
}

func encodeCursor(off int) string {
	b, _ := json.Marshal(cursor{Offset: off})
	return base64.URLEncoding.EncodeToString(b)
}

func decodeCursor(c string) (int, bool) {
	if c == "" {
		return 0, true
	}
	b, err := base64.URLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	var cur cursor
	if json.Unmarshal(b, &cur) != nil || cur.Offset < 0 {
		return 0, false
	}
	return cur.Offset, true
}

// expandOf collects expand and expand[] values; bad names the first one
// the Hub would refuse.
func expandOf(q url.Values) (keys []string, bad string) {
	keys = append(append(keys, q["expand"]...), q["expand[]"]...)
	for _, k := range keys {
		if !slices.Contains(ExpandKeys, k) {
			return nil, k
		}
	}
	return keys, ""
}

func (s *Server) badExpand(k string) *response {
	return s.errorJSON(http.StatusBadRequest, "api", "", `"expand" must be one of [`+strings.Join(ExpandKeys, ", ")+`], got "`+k+`"`)
}

// list answers GET /api/models: search, author, filter (AND), sort,
// limit, expand[], and an opaque cursor in the Link header.
func (s *Server) list(r *http.Request, f *Fault) *response {
	q := r.URL.Query()
	expand, bad := expandOf(q)
	if bad != "" {
		return s.badExpand(bad)
	}
	off, ok := decodeCursor(q.Get("cursor"))
	if !ok {
		return s.errorJSON(http.StatusBadRequest, "api", "", "Invalid cursor")
	}
	if l := q.Get("limit"); l != "" {
		if n, err := strconv.Atoi(l); err != nil || n < 0 {
			return s.errorJSON(http.StatusBadRequest, "api", "", `"limit" must be a positive integer`)
		}
	}
	key := q.Get("sort")
	by := sortKeys[key]
	if key != "" && by == nil {
		return s.errorJSON(http.StatusBadRequest, "api", "", `"sort" must be one of downloads, likes, trendingScore, lastModified, createdAt`)
	}
	search := strings.ToLower(q.Get("search"))
	author := q.Get("author")
	filters := q["filter"]
	var hits []*entry
	for _, e := range s.repos {
		if e.repo.Private {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(e.repo.ID), search) {
			continue
		}
		if author != "" && e.repo.author() != author {
			continue
		}
		if !hasAll(e.repo.Tags, filters) {
			continue
		}
		hits = append(hits, e)
	}
	if by != nil {
		sort.SliceStable(hits, func(i, j int) bool { return by(&hits[i].repo) > by(&hits[j].repo) })
	}
	size := s.pageSize(q)
	end := min(off+size, len(hits))
	if off > len(hits) {
		off = end
	}
	keys := projection(expand, listOrder)
	var buf bytes.Buffer
	buf.Grow((end - off) * 2048)
	buf.WriteByte('[')
	for i, e := range hits[off:end] {
		if i > 0 {
			buf.WriteByte(',')
		}
		e.f.render(&buf, keys)
	}
	buf.WriteByte(']')
	resp := s.jsonOK(r, "api", buf.Bytes(), true)
	if end < len(hits) {
		q.Set("cursor", encodeCursor(end))
		next := "http://" + r.Host + "/api/models?" + q.Encode()
		resp.header.Set("Link", "<"+next+`>; rel="next"`)
	}
	if f != nil {
		switch {
		case f.LoopNext:
			resp.header.Set("Link", "<http://"+r.Host+r.URL.RequestURI()+`>; rel="next"`)
		case f.GarbageLink:
			resp.header.Set("Link", `<<not a url>>; rel=next; <`)
		case f.NextLink != "":
			resp.header.Set("Link", "<"+f.NextLink+`>; rel="next"`)
		}
	}
	return resp
}

func hasAll(tags, want []string) bool {
	for _, w := range want {
		if !slices.Contains(tags, w) {
			return false
		}
	}
	return true
}

// splitRepoPath unescapes the segments of an escaped path.
func splitRepoPath(escaped string) ([]string, bool) {
	parts := strings.Split(strings.Trim(escaped, "/"), "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil || u == "" {
			return nil, false
		}
		parts[i] = u
	}
	return parts, true
}

func (s *Server) redirect(bucket, location string) *response {
	resp := s.newResponse(http.StatusTemporaryRedirect, bucket)
	resp.header.Set("Location", location)
	resp.header.Set("Content-Type", "text/plain; charset=utf-8")
	resp.body = []byte("Temporary Redirect. Redirecting to " + location)
	return resp
}

func withQuery(path, rawQuery string) string {
	if rawQuery == "" {
		return path
	}
	return path + "?" + rawQuery
}

// info answers GET /api/models/{id} and /api/models/{id}/revision/{rev}.
func (s *Server) info(r *http.Request, hasToken bool) *response {
	parts, ok := splitRepoPath(strings.TrimPrefix(r.URL.EscapedPath(), "/api/models/"))
	if !ok {
		return s.notFound("api", hasToken)
	}
	rev := ""
	if i := slices.Index(parts, "revision"); i >= 1 && i == len(parts)-2 {
		rev = parts[i+1]
		parts = parts[:i]
	}
	if len(parts) > 2 {
		return s.notFound("api", hasToken)
	}
	id := strings.Join(parts, "/")
	if nu, ok := s.renames[id]; ok {
		loc := "/api/models/" + nu
		if rev != "" {
			loc += "/revision/" + url.PathEscape(rev)
		}
		return s.redirect("api", withQuery(loc, r.URL.RawQuery))
	}
	e, ok := s.byID[id]
	if !ok || e.repo.Private {
		return s.notFound("api", hasToken)
	}
	if !revisionOK(e, rev) {
		return s.errorJSON(http.StatusNotFound, "api", "RevisionNotFound", "Invalid rev id: "+rev)
	}
	expand, bad := expandOf(r.URL.Query())
	if bad != "" {
		return s.badExpand(bad)
	}
	var buf bytes.Buffer
	if r.URL.Query().Get("blobs") == "true" {
		// Sizes come with the full object only: huggingface_hub refuses
		// expand beside blobs, and so does the fake Hub.
		if len(expand) > 0 {
			return s.errorJSON(http.StatusBadRequest, "api", "", `"expand" cannot be combined with "blobs"`)
		}
		f := maps.Clone(e.f)
		f["siblings"] = f[blobsKey]
		f.render(&buf, infoOrder)
		return s.jsonOK(r, "api", buf.Bytes(), true)
	}
	e.f.render(&buf, projection(expand, infoOrder))
	return s.jsonOK(r, "api", buf.Bytes(), true)
}

func revisionOK(e *entry, rev string) bool {
	return rev == "" || rev == "main" || rev == "HEAD" || rev == e.repo.SHA
}

// resolve answers GET /{id}/resolve/{rev}/{file}: config.json from
// Repo.ConfigJSON, README.md from Repo.Card, gating like the Hub (401 anonymous, 403 not
// authorised).
func (s *Server) resolve(r *http.Request, token string, hasToken bool) *response {
	parts, ok := splitRepoPath(r.URL.EscapedPath())
	i := slices.Index(parts, "resolve")
	if !ok || i < 1 || i > 2 || len(parts) < i+3 {
		return s.notFound("resolvers", hasToken)
	}
	id, rev, file := strings.Join(parts[:i], "/"), parts[i+1], strings.Join(parts[i+2:], "/")
	if nu, ok := s.renames[id]; ok {
		return s.redirect("resolvers", "/"+nu+"/resolve/"+url.PathEscape(rev)+"/"+file)
	}
	e, ok := s.byID[id]
	if !ok || e.repo.Private {
		return s.notFound("resolvers", hasToken)
	}
	if e.repo.Gated != "" && !slices.Contains(s.opts.GatedTokens, token) {
		if !hasToken {
			return s.errorJSON(http.StatusUnauthorized, "resolvers", "GatedRepo",
				"Access to model "+id+" is restricted. You must have access to it and be authenticated to access it. Please log in.")
		}
		return s.errorJSON(http.StatusForbidden, "resolvers", "GatedRepo",
			"Access to model "+id+" is restricted and you are not in the authorized list. Visit https://huggingface.co/"+id+" to ask for access.")
	}
	if !revisionOK(e, rev) {
		return s.errorJSON(http.StatusNotFound, "resolvers", "RevisionNotFound", "Invalid rev id: "+rev)
	}
	if IsLFS(file) && slices.Contains(e.repo.Files, file) {
		return s.lfsRedirect(e, file)
	}
	if e.repo.RealBytes && slices.Contains(e.repo.Files, file) {
		// A small file the Hub serves itself, with Range.
		c, err := e.repo.contentOf(file)
		if err != nil {
			return s.errorJSON(http.StatusInternalServerError, "resolvers", "", err.Error())
		}
		resp := s.newResponse(http.StatusOK, "resolvers")
		resp.header.Set("Content-Type", "text/plain; charset=utf-8")
		resp.header.Set("X-Repo-Commit", e.repo.SHA)
		resp.header.Set("ETag", `"`+e.repo.blobID(file)+`"`)
		resp.virt = &virtual{start: 0, end: c.size - 1, real: c, pace: s.opts.Pace}
		return rangeOf(r, resp, nil, c.size)
	}
	if file == "README.md" && slices.Contains(e.repo.Files, file) {
		resp := s.jsonOK(r, "resolvers", []byte(e.repo.Card()), false)
		if resp.status == http.StatusOK {
			resp.header.Set("Content-Type", "text/markdown; charset=utf-8")
		}
		resp.header.Set("X-Repo-Commit", e.repo.SHA)
		return resp
	}
	if file == "config.json" && e.repo.ConfigJSON != nil {
		resp := s.jsonOK(r, "resolvers", mustJSON(e.repo.ConfigJSON), false)
		resp.header.Set("X-Repo-Commit", e.repo.SHA)
		return resp
	}
	return s.errorJSON(http.StatusNotFound, "resolvers", "EntryNotFound", file+" does not exist on \"main\"")
}
