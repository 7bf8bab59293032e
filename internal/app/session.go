package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Session is what a Hub command works with: the worker catalog (with the
// machine it recommends for), the machine, the overrides and the Hub.
type Session struct {
	Env       Env
	Catalog   compat.Catalog
	Machine   Machine
	Overrides Overrides
	Hub       *Hub
}

// Open loads the worker catalog, probes the machine and opens the Hub
// (the built-in sample Hub with demo; with refreshable, also the client
// the browser's refresh uses). Close the Hub when done.
func Open(ctx context.Context, env Env, opts Options, over Overrides, refreshable, demo bool) (*Session, error) {
	cat, err := LoadCatalog(env, opts.WorkersFile)
	if err != nil {
		return nil, err
	}
	s := &Session{Env: env, Catalog: cat, Overrides: over, Machine: DetectMachine(ctx, env, over)}
	s.Catalog.Machine = s.Machine.Compat
	if demo {
		s.Hub, err = OpenDemoHub(env)
	} else {
		s.Hub, err = OpenHub(env, opts, refreshable)
	}
	if err != nil {
		return nil, err
	}
	s.Catalog.Machine.HubToken = s.Hub.HasToken()
	s.Hub.speed = over.Speed
	return s, nil
}

// OnlyWorker narrows the catalog to the worker named name (check
// --worker); an unknown name is an error listing the catalog's.
func (s *Session) OnlyWorker(name string) error {
	w, ok := s.Catalog.Worker(name)
	if !ok {
		names := make([]string, len(s.Catalog.Workers))
		for i, w := range s.Catalog.Workers {
			names[i] = w.Name
		}
		return fmt.Errorf("no worker named %q in the catalog (%s) (see 'modelbrowser workers')", text.OneLine(name, 60), text.Sanitize(strings.Join(names, ", ")))
	}
	s.Catalog.Workers = []compat.Worker{w}
	return nil
}
