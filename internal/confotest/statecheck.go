package confotest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
)

// State is what a state check found in one backend's tree: the registry,
// the namespace lists and the config keys (or the folders and files of the
// directory store), and what does not fit together. Tests run it after
// every race and fault: confo must leave no orphan and no listed config
// without its key.
type State struct {
	Namespaces, Configs int
	// Orphans are stored configs that no registered namespace lists: no
	// confo client can reach them.
	Orphans []string
	// UnregisteredLists are namespace lists of namespaces the registry does
	// not name (the lists' keys).
	UnregisteredLists []string
	// Missing are listed configs with nothing stored ("ns/cfg"), and
	// registered namespaces without a list ("ns (list)").
	Missing []string
	// Malformed are registry or list keys whose value is not what the
	// layout prescribes.
	Malformed []string

	// On a Redis Cluster a namespace commit is a sequence of steps, one
	// key each (confo/redisstore/commit_cluster.go), and the checker
	// accepts what those steps may leave, which Err does not count:
	//
	// EmptyLists are lists of unregistered namespaces that name no
	// config: a commit that takes its work back never deletes a list,
	// since a compare-and-set cannot tell the empty list it wrote from
	// one a concurrent registration relies on. Nothing is unreachable.
	EmptyLists []string
	// Reported are orphans that a partial commit named as stored but not
	// listed (store.PartialCommitError.Unlisted); Accept moves them here
	// from Orphans. Persisting again lists or deletes them: a test runs
	// the checker again after that, and they must be gone.
	Reported []string
}

// Accept moves the orphans named in keys (with their prefix) from Orphans
// to Reported.
func (s State) Accept(keys []string) State {
	s.Orphans = slices.DeleteFunc(slices.Clone(s.Orphans), func(k string) bool {
		if slices.Contains(keys, k) {
			s.Reported = append(s.Reported, k)
			return true
		}
		return false
	})
	return s
}

// Err reports everything wrong with the state, or nil.
func (s State) Err() error {
	var errs []error
	add := func(what string, items []string) {
		if len(items) > 0 {
			errs = append(errs, fmt.Errorf("%d %s: %s", len(items), what, strings.Join(items, ", ")))
		}
	}
	add("orphans (stored, listed by no registered namespace)", s.Orphans)
	add("lists of unregistered namespaces", s.UnregisteredLists)
	add("listed but missing", s.Missing)
	add("malformed registry or lists", s.Malformed)
	return errors.Join(errs...)
}

// CheckRedis reads the Confo tree under prefix: every key, the registry,
// the lists of the registered namespaces. On a cluster (client is a
// *redis.ClusterClient) it reads every master, and files the empty lists
// of unregistered namespaces under EmptyLists.
func CheckRedis(ctx context.Context, client redis.UniversalClient, prefix string) (State, error) {
	var st State
	_, cluster := client.(*redis.ClusterClient)
	keys := map[string]bool{}
	all, err := keysUnder(ctx, client, prefix)
	if err != nil {
		return st, err
	}
	for _, k := range all {
		keys[strings.TrimPrefix(k, prefix)] = true
	}
	read := func(key string) (string, bool, error) {
		v, err := client.Get(ctx, prefix+key).Result()
		switch {
		case errors.Is(err, redis.Nil):
			return "", false, nil
		case err != nil && strings.HasPrefix(err.Error(), "WRONGTYPE"):
			return "", true, errWrongType
		}
		return v, err == nil, err
	}
	known := map[string]bool{confo.RegistryName: true}
	var registered []string
	if v, ok, err := read(confo.RegistryName); err != nil && !errors.Is(err, errWrongType) {
		return st, err
	} else if ok {
		names, reason := decodeNames(v, err, "namespaces")
		if reason != "" {
			st.Malformed = append(st.Malformed, prefix+confo.RegistryName+": "+reason)
		}
		registered = names
	}
	st.Namespaces = len(registered)
	for _, ns := range registered {
		known[ns] = true
		v, ok, err := read(ns)
		if err != nil && !errors.Is(err, errWrongType) {
			return st, err
		}
		if !ok {
			st.Missing = append(st.Missing, ns+" (list)")
			continue
		}
		names, reason := decodeNames(v, err, "configurations")
		if reason != "" {
			st.Malformed = append(st.Malformed, prefix+ns+": "+reason)
			continue
		}
		for _, cfg := range names {
			key := ns + "-" + cfg
			known[key] = true
			st.Configs++
			if !keys[key] {
				st.Missing = append(st.Missing, ns+"/"+cfg)
			}
		}
	}
	for _, key := range slices.Sorted(func(yield func(string) bool) {
		for k := range keys {
			if !yield(k) {
				return
			}
		}
	}) {
		if known[key] {
			continue
		}
		v, _, err := read(key)
		names, reason := decodeNames(v, err, "configurations")
		switch {
		case reason == "" && cluster && len(names) == 0:
			st.EmptyLists = append(st.EmptyLists, prefix+key)
		case reason == "":
			st.UnregisteredLists = append(st.UnregisteredLists, prefix+key)
		default:
			st.Orphans = append(st.Orphans, prefix+key)
		}
	}
	slices.Sort(st.Missing)
	return st, nil
}

var errWrongType = errors.New("not a Redis string")

// decodeNames reads {"<field>": ["a", ...]}, or says what is wrong with it.
func decodeNames(data string, readErr error, field string) ([]string, string) {
	if readErr != nil {
		return nil, readErr.Error()
	}
	v, err := confo.Decode([]byte(data))
	if err != nil {
		return nil, "not JSON"
	}
	list, ok := v.Field(field)
	if v.Kind() != confo.Object || !ok || list.Kind() != confo.Array {
		return nil, fmt.Sprintf("no %q list", field)
	}
	var names []string
	for _, item := range list.Items() {
		if item.Kind() != confo.String {
			return nil, fmt.Sprintf("%q holds a %s", field, item.Kind())
		}
		names = append(names, item.Str())
	}
	return names, ""
}

// keysUnder lists the keys that begin with prefix, on a cluster those of
// every master. It scans every key and compares, as test servers hold
// few: no glob pattern to escape.
func keysUnder(ctx context.Context, client redis.UniversalClient, prefix string) ([]string, error) {
	scan := func(ctx context.Context, c redis.Cmdable) ([]string, error) {
		var out []string
		iter := c.Scan(ctx, 0, "", 1000).Iterator()
		for iter.Next(ctx) {
			if strings.HasPrefix(iter.Val(), prefix) {
				out = append(out, iter.Val())
			}
		}
		return out, iter.Err()
	}
	cc, ok := client.(*redis.ClusterClient)
	if !ok {
		return scan(ctx, client)
	}
	var mu sync.Mutex
	var out []string
	err := cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		keys, err := scan(ctx, node)
		mu.Lock()
		defer mu.Unlock()
		out = append(out, keys...)
		return err
	})
	slices.Sort(out)
	return slices.Compact(out), err
}

// CheckDir reads a directory store's tree: each folder is a registered
// namespace and lists the *.json files in it, so nothing can be listed and
// missing; what does not belong is a visible file outside a namespace
// folder or one that is not a config. Hidden entries (the store's lock and
// temporary files) are left to the store's own tests.
func CheckDir(root string) (State, error) {
	var st State
	entries, err := os.ReadDir(root)
	if err != nil {
		return st, err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if !e.IsDir() {
			st.Orphans = append(st.Orphans, e.Name())
			continue
		}
		st.Namespaces++
		files, err := os.ReadDir(filepath.Join(root, e.Name()))
		if err != nil {
			return st, err
		}
		for _, f := range files {
			switch {
			case strings.HasPrefix(f.Name(), "."):
			case strings.HasSuffix(f.Name(), ".json") && f.Type().IsRegular():
				st.Configs++
			default:
				st.Orphans = append(st.Orphans, filepath.Join(e.Name(), f.Name()))
			}
		}
	}
	return st, nil
}

// State checks the backend's tree.
func (b *Backend) State(t testing.TB) State {
	t.Helper()
	var st State
	var err error
	switch d := b.Door.(type) {
	case redisDoor:
		st, err = CheckRedis(context.Background(), d.client, d.prefix)
	case dirDoor:
		st, err = CheckDir(d.root)
	default:
		t.Fatalf("no state check for %T", b.Door)
	}
	if err != nil {
		t.Fatalf("state check of %s: %v", b.Name, err)
	}
	return st
}

// RequireConsistent fails the test when the backend's tree holds orphans,
// lists of unregistered namespaces, listed configs without data or
// malformed lists.
func (b *Backend) RequireConsistent(t testing.TB) State {
	t.Helper()
	st := b.State(t)
	if err := st.Err(); err != nil {
		t.Fatalf("state check of %s: %v", b.Name, err)
	}
	return st
}
