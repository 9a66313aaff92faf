package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/confo-dev/confo/confo"
)

// session is the set of opened backends one run of confo works on.
type session struct {
	confo *confo.Confo
	// names keeps the command-line order; the first is the default.
	names     []string
	demo      *embeddedDemo
	overwrite bool
}

func (s *session) Close() {
	s.confo.Close()
	if s.demo != nil {
		s.demo.Close()
	}
}

// openSession opens the backends named by the flags, or the embedded demo
// when there are none. With single, only the backend the headless commands
// use is opened, and it becomes the active one.
func openSession(ctx context.Context, opts options, stderr io.Writer, single bool) (*session, error) {
	sess := &session{confo: confo.New(), overwrite: opts.overwrite}
	specs := opts.backends
	if len(specs) == 0 {
		demo, err := startDemo(ctx)
		if err != nil {
			return nil, err
		}
		sess.demo = demo
		fmt.Fprintf(stderr, "confo: no --redis or --dir given: using the embedded demo Redis at %s (changes are lost on exit)\n", demo.Addr())
		specs = []backendSpec{
			{name: "demo", kind: confo.BackendRedis, target: "redis://" + demo.Addr()},
			{name: "files", kind: confo.BackendDir, target: demo.dir},
		}
	}
	if single {
		spec, err := pickBackend(specs, opts.backend)
		if err != nil {
			sess.Close()
			return nil, err
		}
		specs = []backendSpec{spec}
	}
	for _, spec := range specs {
		store, err := openStore(ctx, spec, opts)
		if err == nil {
			err = sess.confo.AttachBackend(ctx, spec.name, store, confo.BackendOptions{Discover: opts.discover})
			if err != nil {
				store.Close()
			}
		}
		if err != nil {
			sess.Close()
			return nil, fmt.Errorf("backend %q: %w", spec.name, err)
		}
		sess.names = append(sess.names, spec.name)
	}
	if err := sess.confo.ActivateBackend(sess.names[0]); err != nil {
		sess.Close()
		return nil, err
	}
	return sess, nil
}

func pickBackend(specs []backendSpec, name string) (backendSpec, error) {
	if name == "" {
		return specs[0], nil
	}
	for _, s := range specs {
		if s.name == name {
			return s, nil
		}
	}
	return backendSpec{}, usagef("--backend %q: no such backend (give it with --redis %s=URL or --dir %s=PATH)", name, name, name)
}

func openStore(ctx context.Context, spec backendSpec, opts options) (confo.Store, error) {
	switch spec.kind {
	case confo.BackendRedis:
		cfg, err := confo.ParseRedisURL(spec.target)
		if err != nil {
			return nil, usagef("--redis %s: %v", spec.name, err)
		}
		if cfg.Password == "" {
			cfg.Password = passwordFromEnv()
		}
		if opts.prefix != "" {
			cfg.Prefix = opts.prefix
		}
		cfg.ReadOnly = cfg.ReadOnly || opts.readonly
		cfg.DialTimeout, cfg.IOTimeout = opts.timeout, opts.timeout
		return confo.OpenRedis(ctx, cfg)
	default:
		return confo.OpenDir(confo.DirConfig{Path: spec.target, ReadOnly: opts.readonly})
	}
}

func passwordFromEnv() string {
	if p := os.Getenv("CONFO_REDIS_PASSWORD"); p != "" {
		return p
	}
	return os.Getenv("REDISCLI_AUTH")
}
