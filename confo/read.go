package confo

import (
	"context"
	"fmt"
	"slices"

	"github.com/confo-dev/confo/confo/jsonvalue"
)

// The headless reads: each reads what it prints and nothing more, so its
// time does not grow with the rest of the backend, and none builds values
// only to check them. Unreadable lists and registries and unusable configs
// are errors naming the key, never an empty result.

// ReadRegistry returns the backend's namespaces, sorted, reading the
// registry alone.
func ReadRegistry(ctx context.Context, s Store) ([]string, error) {
	snap, err := s.Load(ctx, LoadOptions{RegistryOnly: true})
	if err != nil {
		return nil, err
	}
	return snap.Registry, nil
}

// ReadConfig returns a config's stored bytes exactly as stored, after
// checking that they are JSON. It reads the registry, the namespace's
// list and the config's key, in one round trip on Redis.
func ReadConfig(ctx context.Context, s Store, ns, cfg string) ([]byte, error) {
	snap, err := s.Load(ctx, LoadOptions{Targets: &Targets{
		Registry: true,
		Lists:    []string{ns},
		Configs:  []ConfigRef{{Namespace: ns, Config: cfg}},
	}})
	if err != nil {
		return nil, err
	}
	if _, found := slices.BinarySearch(snap.Registry, ns); !found {
		return nil, fmt.Errorf("%w: %q", ErrNamespaceNotFound, ns)
	}
	nss := snap.Namespaces[0]
	if nss.Problem != "" {
		return nil, listError(ns, nss.Problem)
	}
	if _, listed := slices.BinarySearch(nss.List, cfg); !listed {
		return nil, fmt.Errorf("%w: %q in namespace %q", ErrConfigNotFound, cfg, ns)
	}
	raw := nss.Configs[0].Raw
	if _, err := checkStored(s, ns, cfg, raw); err != nil {
		return nil, err
	}
	return raw.Bytes, nil
}

// listError is a namespace whose list cannot be read; errors.Is matches
// it with ErrMalformedKey.
func listError(ns, problem string) error { return &badListError{ns, problem} }

type badListError struct{ ns, problem string }

func (e *badListError) Error() string {
	return fmt.Sprintf("namespace %q: its list cannot be read: %s", e.ns, e.problem)
}

func (e *badListError) Unwrap() error { return ErrMalformedKey }

// checkStored says, as a *BadDataError naming the key (or file), why
// stored bytes are not a config, and the group of that problem (see
// storedProblem); nil when they are JSON.
func checkStored(s Store, ns, cfg string, raw Raw) (group string, err error) {
	group, problem := storedProblem(raw)
	if problem == "" {
		if err := jsonvalue.Valid(raw.Bytes); err != nil {
			group, problem = problemNotJSON, "not JSON: "+err.Error()
		}
	}
	if problem == "" {
		return "", nil
	}
	where := "key"
	if s.Kind() == BackendDir {
		where = "file"
	}
	return group, &BadDataError{Namespace: ns, Config: cfg, Reason: fmt.Sprintf("%s %q: %s", where, s.Naming().ConfigKey(ns, cfg), problem)}
}
