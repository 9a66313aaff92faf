// Package session opens the backends one run of confo works on, from the
// command line's specs, or the embedded demo when there are none.
package session

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/demo"
	"github.com/confo-dev/confo/model"
)

// Spec is one backend to open: a --redis URL or a --dir path, named.
type Spec struct {
	Name   string
	Kind   confo.BackendType
	Target string
}

// Options apply to every backend of a session.
type Options struct {
	// Prefix overrides the key prefix of every Redis backend.
	Prefix   string
	Discover bool
	ReadOnly bool
	// Timeout bounds connecting and each Redis operation.
	Timeout time.Duration
}

// Session is the set of opened backends of one run.
type Session struct {
	Confo *confo.Confo
	// Names keeps the command-line order; the first is the default.
	Names []string
	// Demo is set when the session runs on the embedded demo.
	Demo *demo.Demo
	opts Options
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
	s := &Session{Confo: confo.New(), opts: opts}
	for _, spec := range specs {
		store, err := Connect(ctx, spec, opts)
		if err == nil {
			err = s.Confo.AttachBackend(ctx, spec.Name, store, confo.BackendOptions{Discover: opts.Discover})
			if err != nil {
				store.Close()
			}
		}
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("backend %q: %w", spec.Name, err)
		}
		s.Names = append(s.Names, spec.Name)
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

// Backends wraps the opened backends for the terminal UI, in command-line
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
		out = append(out, model.NewBackend(name, store, ws, model.Options{ReadOnly: s.opts.ReadOnly, Discover: s.opts.Discover}))
	}
	return out, nil
}

// BadSpecError is a --redis or --dir value that cannot be used; the command
// line reports it as a usage error.
type BadSpecError struct {
	Spec Spec
	Err  error
}

func (e *BadSpecError) Error() string {
	return fmt.Sprintf("--%s %s: %v", e.Spec.Kind, e.Spec.Name, e.Err)
}

func (e *BadSpecError) Unwrap() error { return e.Err }

// Connect opens one backend's store without reading it, so that a caller
// (the terminal UI) can show every backend at once and load them in the
// background, and keep going when one cannot be reached.
func Connect(ctx context.Context, spec Spec, opts Options) (confo.Store, error) {
	if spec.Kind != confo.BackendRedis {
		return confo.OpenDir(confo.DirConfig{Path: spec.Target, ReadOnly: opts.ReadOnly})
	}
	cfg, err := confo.ParseRedisURL(spec.Target)
	if err != nil {
		return nil, &BadSpecError{Spec: spec, Err: err}
	}
	if cfg.Password == "" {
		cfg.Password = passwordFromEnv()
	}
	if opts.Prefix != "" {
		cfg.Prefix = opts.Prefix
	}
	cfg.ReadOnly = cfg.ReadOnly || opts.ReadOnly
	cfg.DialTimeout, cfg.IOTimeout = opts.Timeout, opts.Timeout
	return confo.OpenRedis(ctx, cfg)
}

// passwordFromEnv is where a Redis password comes from when the URL has
// none, so that it stays out of shell history and process listings.
func passwordFromEnv() string {
	if p := os.Getenv("CONFO_REDIS_PASSWORD"); p != "" {
		return p
	}
	return os.Getenv("REDISCLI_AUTH")
}
