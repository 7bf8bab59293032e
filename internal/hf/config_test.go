package hf

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigFromEnv(t *testing.T) {
	files := map[string]string{
		"/xdg/huggingface/token":           "hf_fromxdg\n",
		"/home/u/.cache/huggingface/token": "  hf_fromhome  \n",
		"/custom/tok":                      "hf_frompath",
		"/hfhome/token":                    "hf_fromhfhome",
		"/bad/token":                       "hf with space",
		filepath.Join("/denied", "token"):  "",
	}
	readFile := func(p string) ([]byte, error) {
		if p == filepath.Join("/denied", "token") {
			return nil, fs.ErrPermission
		}
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("open %s: %w", p, fs.ErrNotExist)
	}
	tests := map[string]struct {
		env         map[string]string
		endpoint    string
		token       string
		timeout     time.Duration
		offline     bool
		errContains string
	}{
		"defaults, anonymous":         {env: map[string]string{}, endpoint: DefaultEndpoint, timeout: 10 * time.Second},
		"endpoint trailing slash":     {env: map[string]string{"HF_ENDPOINT": "https://hf-mirror.com/"}, endpoint: "https://hf-mirror.com", timeout: DefaultTimeout},
		"endpoint with port and path": {env: map[string]string{"HF_ENDPOINT": "http://127.0.0.1:8080/hub//"}, endpoint: "http://127.0.0.1:8080/hub", timeout: DefaultTimeout},
		"endpoint no scheme":          {env: map[string]string{"HF_ENDPOINT": "huggingface.co"}, errContains: "HF_ENDPOINT"},
		"endpoint ftp":                {env: map[string]string{"HF_ENDPOINT": "ftp://example.com"}, errContains: "HF_ENDPOINT"},
		"endpoint no host":            {env: map[string]string{"HF_ENDPOINT": "https://"}, errContains: "HF_ENDPOINT"},
		"endpoint relative":           {env: map[string]string{"HF_ENDPOINT": "/api"}, errContains: "HF_ENDPOINT"},
		"endpoint with credentials":   {env: map[string]string{"HF_ENDPOINT": "https://user:pw@example.com"}, errContains: "HF_ENDPOINT"},
		"endpoint with query":         {env: map[string]string{"HF_ENDPOINT": "https://example.com/?x=1"}, errContains: "HF_ENDPOINT"},
		"HF_TOKEN wins":               {env: map[string]string{"HF_TOKEN": " hf_env ", "HUGGING_FACE_HUB_TOKEN": "hf_legacy", "HF_HOME": "/hfhome"}, endpoint: DefaultEndpoint, token: "hf_env", timeout: DefaultTimeout},
		"legacy variable":             {env: map[string]string{"HUGGING_FACE_HUB_TOKEN": "hf_legacy", "HF_HOME": "/hfhome"}, endpoint: DefaultEndpoint, token: "hf_legacy", timeout: DefaultTimeout},
		"HF_TOKEN_PATH":               {env: map[string]string{"HF_TOKEN_PATH": "/custom/tok", "HF_HOME": "/hfhome"}, endpoint: DefaultEndpoint, token: "hf_frompath", timeout: DefaultTimeout},
		"HF_HOME token":               {env: map[string]string{"HF_HOME": "/hfhome", "XDG_CACHE_HOME": "/xdg"}, endpoint: DefaultEndpoint, token: "hf_fromhfhome", timeout: DefaultTimeout},
		"XDG token":                   {env: map[string]string{"XDG_CACHE_HOME": "/xdg", "HOME": "/home/u"}, endpoint: DefaultEndpoint, token: "hf_fromxdg", timeout: DefaultTimeout},
		"home token trimmed":          {env: map[string]string{"HOME": "/home/u"}, endpoint: DefaultEndpoint, token: "hf_fromhome", timeout: DefaultTimeout},
		"missing token file":          {env: map[string]string{"HF_HOME": "/nowhere"}, endpoint: DefaultEndpoint, timeout: DefaultTimeout},
		"unreadable token file":       {env: map[string]string{"HF_HOME": "/denied"}, errContains: "/denied"},
		"token with a space":          {env: map[string]string{"HF_TOKEN_PATH": "/bad/token"}, errContains: "cannot be sent in a header"},
		"timeout seconds":             {env: map[string]string{"HF_HUB_ETAG_TIMEOUT": "3"}, endpoint: DefaultEndpoint, timeout: 3 * time.Second},
		"timeout fraction":            {env: map[string]string{"HF_HUB_ETAG_TIMEOUT": "0.5"}, endpoint: DefaultEndpoint, timeout: 500 * time.Millisecond},
		"timeout abc":                 {env: map[string]string{"HF_HUB_ETAG_TIMEOUT": "abc"}, errContains: "HF_HUB_ETAG_TIMEOUT"},
		"timeout negative":            {env: map[string]string{"HF_HUB_ETAG_TIMEOUT": "-1"}, errContains: "HF_HUB_ETAG_TIMEOUT"},
		"timeout NaN":                 {env: map[string]string{"HF_HUB_ETAG_TIMEOUT": "NaN"}, errContains: "HF_HUB_ETAG_TIMEOUT"},
		"offline 1":                   {env: map[string]string{"HF_HUB_OFFLINE": "1"}, endpoint: DefaultEndpoint, timeout: DefaultTimeout, offline: true},
		"offline yes":                 {env: map[string]string{"HF_HUB_OFFLINE": "yes"}, endpoint: DefaultEndpoint, timeout: DefaultTimeout, offline: true},
		"offline On":                  {env: map[string]string{"HF_HUB_OFFLINE": "On"}, endpoint: DefaultEndpoint, timeout: DefaultTimeout, offline: true},
		"offline TRUE":                {env: map[string]string{"HF_HUB_OFFLINE": "TRUE"}, endpoint: DefaultEndpoint, timeout: DefaultTimeout, offline: true},
		"offline 0":                   {env: map[string]string{"HF_HUB_OFFLINE": "0"}, endpoint: DefaultEndpoint, timeout: DefaultTimeout},
		"offline garbage":             {env: map[string]string{"HF_HUB_OFFLINE": "sure"}, endpoint: DefaultEndpoint, timeout: DefaultTimeout},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, err := ConfigFromEnv(func(k string) string { return tc.env[k] }, readFile)
			if tc.errContains != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errContains)
				assert.NotContains(t, err.Error(), "hf with space")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.endpoint, cfg.Endpoint)
			assert.Equal(t, tc.token, cfg.Token)
			assert.Equal(t, tc.timeout, cfg.Timeout)
			assert.Equal(t, tc.offline, cfg.Offline)
		})
	}
}

func TestConfigStringHidesToken(t *testing.T) {
	cfg := Config{Endpoint: DefaultEndpoint, Token: "hf_secret"}
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		assert.NotContains(t, s, "hf_secret")
	}
}

func TestValidateRepoID(t *testing.T) {
	tests := map[string]bool{
		"meta-llama/Llama-3.1-8B-Instruct": true,
		"Qwen/Qwen2.5-7B-Instruct":         true,
		"gpt2":                             true,
		"bert-base-uncased":                true,
		"a/b":                              true,
		"under_score/x.y-z":                true,
		strings.Repeat("a", 96) + "/b":     true,
		"":                                 false,
		"../../etc/passwd":                 false,
		"a/b/c":                            false,
		"/b":                               false,
		"a/":                               false,
		strings.Repeat("a", 300):           false,
		strings.Repeat("a", 97) + "/b":     false,
		"meta llama/x":                     false,
		"%2e%2e/x":                         false,
		"a\x00/b":                          false,
		"a/b\n":                            false,
		"mеta-llama/x":                     false, // Cyrillic е
		"a--b/c":                           false,
		"a/b..c":                           false,
		"-a/b":                             false,
		"a/b-":                             false,
		".a/b":                             false,
		"a/b.":                             false,
		"CON":                              false,
		"owner/nul":                        false,
		"owner/com1.txt":                   false,
		"LPT9/x":                           false,
		"console/x":                        true,
		"a\\b":                             false,
		"a/b?x=1":                          false,
	}
	for id, ok := range tests {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			err := ValidateRepoID(id)
			if ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.True(t, IsKind(err, Invalid), "kind: %v", err)
			assert.NotContains(t, err.Error(), "\n")
			assert.NotContains(t, err.Error(), "\x00")
		})
	}
}

func TestRepoPathEscapes(t *testing.T) {
	assert.Equal(t, "meta-llama/Llama-3.1-8B", repoPath("meta-llama/Llama-3.1-8B"))
	assert.Equal(t, "gpt2", repoPath("gpt2"))
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 21, 14, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		in   string
		want time.Duration
		ok   bool
	}{
		"seconds":        {"1", time.Second, true},
		"spaces":         {" 120 ", 2 * time.Minute, true},
		"zero":           {"0", 0, true},
		"huge":           {"99999999999999999999999", MaxRetryAfter, true},
		"a day":          {"86400", MaxRetryAfter, true},
		"http date":      {"Fri, 21 Mar 2025 14:00:30 GMT", 30 * time.Second, true},
		"date in past":   {"Fri, 21 Mar 2025 13:00:00 GMT", 0, true},
		"date far ahead": {"Fri, 21 Mar 2036 13:00:00 GMT", MaxRetryAfter, true},
		"negative":       {"-5", 0, false},
		"fraction":       {"1.5", 0, false},
		"empty":          {"", 0, false},
		"garbage":        {"soon", 0, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d, ok := ParseRetryAfter(tc.in, now)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, d)
		})
	}
}

func TestParseRateLimit(t *testing.T) {
	tests := map[string]struct {
		in    string
		r     int
		reset time.Duration
		ok    bool
	}{
		"hub 429":        {`"api";r=0;t=55`, 0, 55 * time.Second, true},
		"normal":         {`"api";r=472;t=235`, 472, 235 * time.Second, true},
		"spaces":         {`"api"; r=3 ; t=4`, 3, 4 * time.Second, true},
		"first complete": {`"pages";r=1, "api";r=0;t=9`, 0, 9 * time.Second, true},
		"huge reset":     {`"api";r=0;t=9999999999999`, 0, MaxRetryAfter, true},
		"huge remaining": {`"api";r=99999999999999999999999;t=1`, int(^uint(0) >> 1), time.Second, true},
		"missing t":      {`"api";r=0`, 0, 0, false},
		"negative":       {`"api";r=-1;t=5`, 0, 0, false},
		"empty":          {``, 0, 0, false},
		"garbage":        {`;;;,,,==`, 0, 0, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r, reset, ok := ParseRateLimit(tc.in)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.r, r)
			assert.Equal(t, tc.reset, reset)
		})
	}
}

func TestErrorIsOneLineAndMatchesKind(t *testing.T) {
	e := &Error{Kind: RateLimited, Status: 429, RequestID: "Root=1-abc", RetryAfter: 90 * time.Second, Message: "rate limited by the Hub"}
	assert.Equal(t, "rate limited by the Hub (HTTP 429; retry after 1m30s; request id Root=1-abc)", e.Error())
	wrapped := fmt.Errorf("search: %w", e)
	assert.True(t, IsKind(wrapped, RateLimited))
	assert.True(t, errors.Is(wrapped, &Error{Kind: RateLimited}))
	assert.False(t, errors.Is(wrapped, &Error{Kind: NotFound}))
	var got *Error
	require.True(t, errors.As(wrapped, &got))
	assert.Equal(t, "Root=1-abc", got.RequestID)
	assert.Equal(t, "rate limited", RateLimited.String())
}
