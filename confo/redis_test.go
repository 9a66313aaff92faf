package confo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"confo/internal/redistest"
)

func TestParseRedisURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want RedisConfig
		err  bool
	}{
		{url: "redis://h:1/2", want: RedisConfig{Addr: "h:1", DB: 2, TLSServerName: "h"}},
		{url: "redis://h", want: RedisConfig{Addr: "h:6379", TLSServerName: "h"}},
		{url: "rediss://ops:pw@h:6380/0?prefix=app:", want: RedisConfig{Addr: "h:6380", Username: "ops", Password: "pw", TLS: true, TLSServerName: "h", Prefix: "app:"}},
		{url: "redis://:pw@127.0.0.1:7000", want: RedisConfig{Addr: "127.0.0.1:7000", Password: "pw", TLSServerName: "127.0.0.1"}},
		{url: "redis://h:0", err: true},
		{url: "redis://h:abc", err: true},
		{url: "http://h:1", err: true},
		{url: "redis://h:1/x", err: true},
		{url: "redis://h:1?db=2", err: true},
	} {
		got, err := ParseRedisURL(tc.url)
		if tc.err {
			if !errors.Is(err, ErrBadCredentials) {
				t.Errorf("%s: got %v, want ErrBadCredentials", tc.url, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %+v, %v; want %+v", tc.url, got, err, tc.want)
		}
	}
	_, err := ParseRedisURL("redis://u:s3cret@h:99999")
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("bad URL with a password: %v", err)
	}
	cfg, _ := ParseRedisURL("rediss://u:s3cret@h:1/3?prefix=p")
	if s := cfg.String(); strings.Contains(s, "s3cret") || s != "h:1/3 prefix=p tls" {
		t.Fatalf("String() = %q", s)
	}
}

func TestRedisConfigFromCredentials(t *testing.T) {
	for _, tc := range []struct {
		creds map[string]any
		addr  string
		err   bool
	}{
		{creds: map[string]any{"redis_host": "localhost", "redis_port": "6379"}, addr: "localhost:6379"},
		{creds: map[string]any{"redis_host": "h", "redis_port": 7000}, addr: "h:7000"},
		{creds: map[string]any{"redis_port": float64(7001)}, addr: "localhost:7001"},
		{creds: map[string]any{"redis_url": "redis://h:2/1", "read_only": true}, addr: "h:2"},
		{creds: map[string]any{"redis_port": "x"}, err: true},
		{creds: map[string]any{"redis_hots": "h"}, err: true},
		{creds: map[string]any{"redis_url": "redis://h", "redis_port": 1}, err: true},
		{creds: map[string]any{"redis_tls": "maybe"}, err: true},
	} {
		cfg, err := RedisConfigFromCredentials(tc.creds)
		if tc.err {
			if !errors.Is(err, ErrBadCredentials) {
				t.Errorf("%v: got %v, want ErrBadCredentials", tc.creds, err)
			}
			continue
		}
		if err != nil || cfg.Addr != tc.addr {
			t.Errorf("%v: got %q, %v; want %q", tc.creds, cfg.Addr, err, tc.addr)
		}
	}
}

// forEachRedis runs a test against miniredis and a real redis-server.
func forEachRedis(t *testing.T, test func(t *testing.T, addr string, rdb *redis.Client)) {
	for _, server := range []struct {
		name  string
		start func(t *testing.T) string
	}{
		{"miniredis", func(t *testing.T) string { return redistest.Miniredis(t).Addr() }},
		{"redis-server", func(t *testing.T) string { return redistest.Start(t) }},
	} {
		t.Run(server.name, func(t *testing.T) {
			addr := server.start(t)
			rdb := redis.NewClient(&redis.Options{Addr: addr})
			t.Cleanup(func() { rdb.Close() })
			test(t, addr, rdb)
		})
	}
}

func openTestRedis(t *testing.T, cfg RedisConfig) *RedisStore {
	t.Helper()
	s, err := OpenRedis(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenRedisCreatesTheRegistryUnlessReadOnly(t *testing.T) {
	forEachRedis(t, func(t *testing.T, addr string, rdb *redis.Client) {
		ctx := context.Background()
		openTestRedis(t, RedisConfig{Addr: addr, ReadOnly: true})
		if n := rdb.Exists(ctx, "confo").Val(); n != 0 {
			t.Fatal("a read-only open created the registry")
		}
		openTestRedis(t, RedisConfig{Addr: addr, Prefix: "p:"})
		if got := rdb.Get(ctx, "p:confo").Val(); got != `{"namespaces": []}` {
			t.Fatalf("registry created as %q", got)
		}
	})
}

func TestOpenRedisReportsUnreachableAndAuth(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", redistest.ClosedPort(t))
	_, err := OpenRedis(context.Background(), RedisConfig{Addr: addr})
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), addr) {
		t.Fatalf("closed port: %v", err)
	}
	mini := redistest.Miniredis(t)
	mini.RequireAuth("right")
	for _, pw := range []string{"", "wrong"} {
		_, err := OpenRedis(context.Background(), RedisConfig{Addr: mini.Addr(), Password: pw})
		if !errors.Is(err, ErrAuth) {
			t.Errorf("password %q: %v, want ErrAuth", pw, err)
		}
	}
	openTestRedis(t, RedisConfig{Addr: mini.Addr(), Password: "right"})
}

func TestRedisDiscoveryResolvesAmbiguousKeys(t *testing.T) {
	forEachRedis(t, func(t *testing.T, addr string, rdb *redis.Client) {
		ctx := context.Background()
		for k, v := range map[string]string{
			"confo":   `{"namespaces": ["a", "a-b"]}`,
			"a":       `{"configurations": []}`,
			"a-b":     `{"configurations": []}`,
			"a-b-c":   `{"x": 1}`,
			"a-x":     `{"y": 2}`,
			"other-z": `{}`,
		} {
			if err := rdb.Set(ctx, k, v, 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
		s := openTestRedis(t, RedisConfig{Addr: addr})
		snap, err := s.Load(ctx, LoadOptions{Discover: true})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, ns := range snap.Namespaces {
			for _, c := range ns.Configs {
				if !c.Unlisted || c.Raw.State != RawPresent {
					t.Errorf("%s/%s: unlisted=%v state=%v", ns.Name, c.Name, c.Unlisted, c.Raw.State)
				}
				got[ns.Name] = append(got[ns.Name], c.Name)
			}
		}
		if fmt.Sprint(got) != "map[a:[x] a-b:[c]]" {
			t.Fatalf("discovered %v; want a-b-c in a-b (longest namespace), a-x in a, and a-b never a config", got)
		}
		plain, err := s.Load(ctx, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, ns := range plain.Namespaces {
			if len(ns.Configs) != 0 {
				t.Fatalf("without discovery, unlisted keys were loaded: %+v", ns)
			}
		}
	})
}

// roundTrips counts what the client sends: one per command or pipeline.
type roundTrips struct {
	mu sync.Mutex
	n  int
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.mu.Lock()
		r.n++
		r.mu.Unlock()
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.mu.Lock()
		r.n++
		r.mu.Unlock()
		return next(ctx, cmds)
	}
}

func TestRedisLoadTakesAFewRoundTripsWhateverTheSize(t *testing.T) {
	ctx := context.Background()
	addr := redistest.Miniredis(t).Addr()
	s := openTestRedis(t, RedisConfig{Addr: addr})
	var change []NamespaceChange
	for ns := range 4 {
		c := NamespaceChange{Namespace: fmt.Sprintf("ns%d", ns), Register: true}
		for i := range 500 {
			name := fmt.Sprintf("c%d", i)
			c.ListAdd = append(c.ListAdd, name)
			c.Configs = append(c.Configs, ConfigChange{Name: name, Expect: MissingRaw(), Write: []byte(`{"i": 1}`)})
		}
		change = append(change, c)
	}
	if _, err := s.Commit(ctx, change, CommitOptions{}); err != nil {
		t.Fatal(err)
	}
	counter := &roundTrips{}
	s.client.AddHook(counter)
	snap, err := s.Load(ctx, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Namespaces) != 4 || len(snap.Namespaces[3].Configs) != 500 {
		t.Fatalf("loaded %d namespaces", len(snap.Namespaces))
	}
	if counter.n > 5 {
		t.Fatalf("loading 2000 configs took %d round trips, want at most 5", counter.n)
	}
}

func TestRedisCommitMergesListsAndRaces(t *testing.T) {
	forEachRedis(t, func(t *testing.T, addr string, rdb *redis.Client) {
		ctx := context.Background()
		s := openTestRedis(t, RedisConfig{Addr: addr})
		create := []NamespaceChange{{Namespace: "ns", Register: true, ListAdd: []string{"b"},
			Configs: []ConfigChange{{Name: "b", Expect: MissingRaw(), Write: []byte(`{"v": 0}`)}}}}
		if _, err := s.Commit(ctx, create, CommitOptions{}); err != nil {
			t.Fatal(err)
		}
		// Another client lists a config meanwhile; our addition keeps it.
		rdb.Set(ctx, "ns", `{"configurations": ["b", "theirs"]}`, 0)
		add := []NamespaceChange{{Namespace: "ns", ListAdd: []string{"a"},
			Configs: []ConfigChange{{Name: "a", Expect: MissingRaw(), Write: []byte(`1`)}}}}
		if _, err := s.Commit(ctx, add, CommitOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := rdb.Get(ctx, "ns").Val(); got != `{"configurations": ["a", "b", "theirs"]}` {
			t.Fatalf("list after merge: %s", got)
		}

		// Two writers with the same expectation: exactly one wins.
		var wg sync.WaitGroup
		results := make([]error, 8)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				change := []NamespaceChange{{Namespace: "ns", Configs: []ConfigChange{{Name: "b", Expect: PresentRaw([]byte(`{"v": 0}`)), Write: fmt.Appendf(nil, `{"v": %d}`, i+1)}}}}
				_, results[i] = s.Commit(ctx, change, CommitOptions{})
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range results {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, ErrConflict):
				t.Fatalf("concurrent commit: %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d concurrent writers with the same expectation won, want 1", wins)
		}
	})
}

func TestRedisCommitRefusesReadOnlyAndMalformedLists(t *testing.T) {
	forEachRedis(t, func(t *testing.T, addr string, rdb *redis.Client) {
		ctx := context.Background()
		ro := openTestRedis(t, RedisConfig{Addr: addr, ReadOnly: true})
		change := []NamespaceChange{{Namespace: "ns", Register: true}}
		if _, err := ro.Commit(ctx, change, CommitOptions{}); !errors.Is(err, ErrReadOnly) {
			t.Fatalf("read-only commit: %v", err)
		}
		rdb.Set(ctx, "confo", `{"namespaces": ["ns"]}`, 0)
		rdb.Set(ctx, "ns", `["a"]`, 0)
		s := openTestRedis(t, RedisConfig{Addr: addr})
		snap, err := s.Load(ctx, LoadOptions{})
		if err != nil || snap.Namespaces[0].Problem == "" {
			t.Fatalf("a malformed list is not reported: %+v, %v", snap, err)
		}
		write := []NamespaceChange{{Namespace: "ns", ListAdd: []string{"x"}, Configs: []ConfigChange{{Name: "x", Expect: MissingRaw(), Write: []byte(`1`)}}}}
		if _, err := s.Commit(ctx, write, CommitOptions{}); !errors.Is(err, ErrMalformedKey) {
			t.Fatalf("commit into a malformed list: %v", err)
		}
		if rdb.Exists(ctx, "ns-x").Val() != 0 || rdb.Get(ctx, "ns").Val() != `["a"]` {
			t.Fatal("a commit into a malformed list wrote something")
		}
	})
}

func TestEscapeGlobAndOwner(t *testing.T) {
	if got := escapeGlob(`a*b?[c]\`); got != `a\*b\?\[c\]\\` {
		t.Fatalf("escapeGlob = %q", got)
	}
	if ns, cfg := owningNamespace("a-", []string{"a"}); ns != "" || cfg != "" {
		t.Fatalf("a key with an empty config name was owned by %q", ns)
	}
}
