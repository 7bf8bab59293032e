package hf

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "extract", "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, r := range hubtest.Fixtures()[:6] {
		f.Add(hubtest.ModelJSON(r, ListExpand...))
	}
	for _, s := range []string{`{}`, `null`, `[]`, `{"id":1}`, `{"id":"a","gated":true}`, `{"id":"a","downloads":1e400}`,
		`{"id":"a","siblings":null}`, `{"id":"a","gguf":{"context_length":-5}}`, `{"id":"a","cardData":{"license":[1,"x"]}}`} {
		f.Add([]byte(s))
	}
	cat := compat.DefaultCatalog()
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := DecodeModel(body)
		if err != nil {
			var he *Error
			if !errors.As(err, &he) || he.Kind != BadResponse {
				t.Fatalf("error is not a BadResponse *Error: %#v", err)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("multi-line error: %q", err.Error())
			}
		} else {
			if m.ID == "" {
				t.Fatal("a model without id was accepted")
			}
			v := compat.Check(m, cat)
			if v.Compatible != (v.Confidence != compat.None) {
				t.Fatalf("verdict inconsistent: %+v", v)
			}
		}
		list := append(append([]byte("["), body...), ']')
		ms, dropped, lerr := DecodeList(list)
		if err != nil && lerr == nil && len(ms) == 1 {
			t.Fatalf("a list of one bad model was accepted: %v", err)
		}
		if lerr == nil && err == nil && (len(ms) != 1 || ms[0].ID != m.ID) {
			t.Fatalf("list decode differs: %v vs %v", ms, m)
		}
		if lerr == nil && err != nil && len(strings.TrimSpace(string(body))) > 0 && len(ms) == 0 && len(dropped) == 0 {
			t.Fatalf("a model refused alone vanished from its list unreported: %v", err)
		}
		for _, d := range dropped {
			if strings.ContainsFunc(d.String(), func(r rune) bool { return r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' }) {
				t.Fatalf("unsafe characters in a drop note: %q", d.String())
			}
		}
	})
}

var validID = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,96}(/[A-Za-z0-9_.-]{1,96})?$`)

func FuzzValidateRepoID(f *testing.F) {
	for _, s := range []string{"gpt2", "meta-llama/Llama-3.1-8B-Instruct", "../../etc/passwd", "a/b/c", "", "CON", "a--b/c",
		"%2e%2e/x", "a\x00/b", "mеta/x", strings.Repeat("a", 300), "x/" + strings.Repeat("b", 96), "com1.txt/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		err := ValidateRepoID(id)
		if err != nil {
			if !IsKind(err, Invalid) || strings.ContainsAny(err.Error(), "\n\r\x00") {
				t.Fatalf("bad error for %q: %v", id, err)
			}
			return
		}
		if !validID.MatchString(id) || strings.Contains(id, "..") || strings.Contains(id, "--") {
			t.Fatalf("accepted %q", id)
		}
		if repoPath(id) != id {
			t.Fatalf("accepted id needs escaping: %q", id)
		}
		for _, part := range strings.Split(id, "/") {
			if part == "." || part == ".." || strings.HasPrefix(part, "-") || strings.HasSuffix(part, ".") {
				t.Fatalf("accepted part %q of %q", part, id)
			}
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"1", "120", "0", "-1", "Fri, 21 Mar 2025 14:00:30 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
		"Sun Nov  6 08:49:37 1994", "99999999999999999999", "1.5", ""} {
		f.Add(s, int64(1742565600))
	}
	f.Fuzz(func(t *testing.T, h string, unix int64) {
		d, ok := ParseRetryAfter(h, time.Unix(unix, 0))
		if d < 0 || d > MaxRetryAfter {
			t.Fatalf("wait %v out of range for %q", d, h)
		}
		if !ok && d != 0 {
			t.Fatalf("not ok but wait %v", d)
		}
	})
}

func FuzzParseRateLimit(f *testing.F) {
	for _, s := range []string{`"api";r=0;t=55`, `"api";r=472;t=235`, `"pages";r=1, "api";r=0;t=9`, `r=1;t=2`, `;;`, `"api";r=-1;t=5`,
		`"api";r=99999999999999999999;t=99999999999999999999`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r, reset, ok := ParseRateLimit(h)
		if r < 0 || reset < 0 || reset > MaxRetryAfter {
			t.Fatalf("out of range: r=%d reset=%v for %q", r, reset, h)
		}
		if !ok && (r != 0 || reset != 0) {
			t.Fatalf("not ok but r=%d reset=%v", r, reset)
		}
	})
}

func FuzzNextLink(f *testing.F) {
	for _, s := range []string{`<https://huggingface.co/api/models?cursor=x>; rel="next"`, `<<not a url>>; rel=next; <`, `<a>; rel="prev", <b>; rel=next`, `<`, `>`} {
		f.Add(s)
	}
	c, err := New(Config{Endpoint: "https://huggingface.co"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, h string) {
		link, ok := nextLink([]string{h})
		if !ok {
			return
		}
		got, err := c.checkNext(link)
		if err != nil {
			return
		}
		u, err := url.Parse(got)
		if err != nil || !strings.EqualFold(u.Host, "huggingface.co") || !strings.EqualFold(u.Scheme, "https") || u.Path != "/api/models" {
			t.Fatalf("followed %q from %q", got, h)
		}
	})
}
