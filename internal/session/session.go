// Package session opens the backends one run of confo works on, from the
// command line's flags and the config file, or the embedded demo.
package session

import (
	"context"
	"fmt"
	"time"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/demo"
	"github.com/confo-dev/confo/model"
)

// DefaultTimeout bounds connecting and each operation when neither the
// command line nor the config file sets a timeout.
const DefaultTimeout = 10 * time.Second

// Spec is one backend to open: a --redis URL or a --dir path, or a
// [backends.NAME] table of the config file, named.
type Spec struct {
	Name   string
	Kind   confo.BackendType
	Target string

	// The backend's own settings (the config file's); Options override
	// them, as flags override the file.
	Prefix   string
	Discover bool
	ReadOnly bool
	// Timeout is 0 for the default.
	Timeout time.Duration
	TLS     TLS
	// Password is where the password comes from when the URL has none;
	// nil means $CONFO_REDIS_PASSWORD or $REDISCLI_AUTH. It is called only
	// when the backend is opened.
	Password func(context.Context) (string, error)
	// Origin places problems with the spec where it was written; nil
	// means a command-line flag.
	Origin Origin
}

// TLS is a Redis backend's TLS settings beyond the rediss:// scheme.
type TLS struct {
	CA, Cert, Key string
	// ServerName replaces the URL's host in certificate checks.
	ServerName string
	// Insecure skips certificate checks.
	Insecure bool
}

// Origin is where a spec was written down, so that a problem with it is
// reported at that place (a config file's line).
type Origin interface {
	// Place returns err as a problem with the setting key ("redis", "dir",
	// "tls_ca", …) of the spec.
	Place(key string, err error) error
}

// Options apply to every backend of a session and win over each Spec's own
// settings: Prefix and Timeout replace them when set, Discover and
// ReadOnly add to them.
type Options struct {
	Prefix   string
	Discover bool
	ReadOnly bool
	Timeout  time.Duration
}

// Effective returns the spec with opts applied, so that every caller (the
// store, the UI's per-backend options) sees the same settings.
func (s Spec) Effective(opts Options) Spec {
	if opts.Prefix != "" {
		s.Prefix = opts.Prefix
	}
	if opts.Timeout != 0 {
		s.Timeout = opts.Timeout
	}
	if s.Timeout == 0 {
		s.Timeout = DefaultTimeout
	}
	s.Discover = s.Discover || opts.Discover
	s.ReadOnly = s.ReadOnly || opts.ReadOnly
	return s
}

// Session is the set of opened backends of one run.
type Session struct {
	Confo *confo.Confo
	// Names keeps the order of the specs; the first is the default.
	Names []string
	// Demo is set when the session runs on the embedded demo.
	Demo  *demo.Demo
	specs map[string]Spec
}

// DemoSpecs starts the embedded demo and returns the specs of its two
// backends: "demo" (Redis) and "files" (a directory).
func DemoSpecs(ctx context.Context) (*demo.Demo, []Spec, error) {
	d, err := demo.Start(ctx)
	if err != nil {
		return nil, nil, err
	}
	return d, []Spec{
		{Name: "demo", Kind: confo.BackendRedis, Target: "redis://" + d.Addr()},
		{Name: "files", Kind: confo.BackendDir, Target: d.Dir()},
	}, nil
}

// Open opens and loads every spec; on any failure it closes what it opened.
// The first backend becomes the active one.
func Open(ctx context.Context, specs []Spec, opts Options) (*Session, error) {
	s := &Session{Confo: confo.New(), specs: map[string]Spec{}}
	for _, spec := range specs {
		spec = spec.Effective(opts)
		store, err := Connect(ctx, spec, Options{})
		if err == nil {
			err = s.Confo.AttachBackend(ctx, spec.Name, store, confo.BackendOptions{Discover: spec.Discover})
			if err != nil {
				store.Close()
			}
		}
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("backend %q: %w", spec.Name, err)
		}
		s.Names = append(s.Names, spec.Name)
		s.specs[spec.Name] = spec
	}
	if len(s.Names) > 0 {
		if err := s.Confo.ActivateBackend(s.Names[0]); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close closes every backend and stops the demo.
func (s *Session) Close() {
	s.Confo.Close()
	if s.Demo != nil {
		s.Demo.Close()
	}
}

// Backends wraps the opened backends for the terminal UI, in the specs'
// order.
func (s *Session) Backends() ([]*model.Backend, error) {
	var out []*model.Backend
	for _, name := range s.Names {
		store, err := s.Confo.Store(name)
		if err != nil {
			return nil, err
		}
		ws, err := s.Confo.Workspace(name)
		if err != nil {
			return nil, err
		}
		spec := s.specs[name]
		out = append(out, model.NewBackend(name, store, ws, model.Options{ReadOnly: spec.ReadOnly, Discover: spec.Discover}))
	}
	return out, nil
}
