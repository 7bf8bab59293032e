package app

import (
	"sync"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// OpenDemoHub is a Hub over the built-in sample Hub (the project's fake Hub
// and its sample repos, with file sizes and GGUF headers), served in this
// process through an http.RoundTripper: no socket, no token, nothing on
// disk. `modelbrowser --demo` browses it.
func OpenDemoHub(env Env) (*Hub, error) {
	srv := hubtest.NewInProcess(hubtest.Options{PageSize: browsePageSize})
	cfg := hf.Config{
		Endpoint:  hubtest.InProcessURL,
		Transport: srv.RoundTripper(),
		Cache:     &memCache{m: map[string]cache.Entry{}},
		Version:   env.Version,
		Warn:      func(msg string) { env.note("warning: " + msg) },
	}
	client, err := hf.New(cfg)
	if err != nil {
		return nil, err
	}
	rcfg := cfg
	rcfg.Refresh = true
	refresher, err := hf.New(rcfg)
	if err != nil {
		return nil, err
	}
	return &Hub{env: env, client: client, refresher: refresher, demo: srv}, nil
}

// memCache keeps answers in memory only, for the demo.
type memCache struct {
	mu sync.Mutex
	m  map[string]cache.Entry
}

func (c *memCache) Get(key string) (cache.Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	return e, ok
}

func (c *memCache) Put(e cache.Entry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[e.Key] = e
	return nil
}
