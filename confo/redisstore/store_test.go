package redisstore

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// redisFixture is what Python's json.dumps writes for a config with a float
// literal, non-ASCII text (one character above U+FFFF) and mixed list items.
const redisFixture = `{"host": "localhost", "port": 3306, "ratio": 1.0, "uni": "caf\u00e9 \u2603 \ud83d\ude00", "tags": ["a", null, true]}`

func TestParseRedisURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want Config
	}{
		{"redis://h:1/2", Config{Addr: "h:1", DB: 2}},
		{"redis://h", Config{Addr: "h:6379"}},
		{"redis://", Config{Addr: "localhost:6379"}},
		{"rediss://h:6380", Config{Addr: "h:6380", TLS: true}},
		{"redis://ops:pw@h:6380/0?prefix=app:", Config{Addr: "h:6380", Username: "ops", Password: "pw", Prefix: "app:"}},
		{"redis://:p%40ss@127.0.0.1:7000", Config{Addr: "127.0.0.1:7000", Password: "p@ss"}},
		{"redis://[::1]:7000/15", Config{Addr: "[::1]:7000", DB: 15}},
		{"redis://h?prefix=a%2A%5Bb%5D", Config{Addr: "h:6379", Prefix: "a*[b]"}},
	} {
		got, err := ParseURL(tc.url)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, %v; want %+v", tc.url, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ url, mention string }{
		{"redis://u:s3cret@h:0", "port"},
		{"redis://u:s3cret@h:99999", "port"},
		{"redis://u:s3cret@h:abc", "the port is not a number"},
		{"http://u:s3cret@h:1", "scheme"},
		{"redis://u:s3cret@h:1/x", "database"},
		{"redis://u:s3cret@h:1/-1", "database"},
		{"redis://u:s3cret@h:1?db=2", `"db"`},
		{"u:s3cret@h:1", "scheme"},
		{"redis:u:s3cret@h:1", "//"},
		{"redis://u:s3#cret@h:1", "%23"},
		{"redis://u:s3cret@h:1?prefix=%zz", "parameters"},
	} {
		_, err := ParseURL(tc.url)
		if !errors.Is(err, store.ErrBadCredentials) || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("%s: got %v; want store.ErrBadCredentials mentioning %s", tc.url, err, tc.mention)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows the password: %v", tc.url, err)
		}
	}
}

func TestRedisConfigFromCredentials(t *testing.T) {
	local := Config{Addr: "localhost:6379"}
	port := func(p string) Config {
		return Config{Addr: "localhost:" + p}
	}
	for _, tc := range []struct {
		name  string
		creds map[string]any
		want  Config
	}{
		{"the seed", map[string]any{"redis_host": "localhost", "redis_port": "6379"}, local},
		{"defaults", map[string]any{}, local},
		{"port int", map[string]any{"redis_port": 7000}, port("7000")},
		{"port int32", map[string]any{"redis_port": int32(7000)}, port("7000")},
		{"port uint16", map[string]any{"redis_port": uint16(7000)}, port("7000")},
		{"port float64 (from JSON)", map[string]any{"redis_port": float64(7001)}, port("7001")},
		{"IPv6 host", map[string]any{"redis_host": "::1"}, Config{Addr: "[::1]:6379"}},
		{"everything", map[string]any{
			"redis_host": "h", "redis_port": 1, "redis_password": "pw", "redis_user": "ops",
			"redis_db": "2", "redis_tls": "1", "redis_prefix": "app:", "read_only": true,
		}, Config{Addr: "h:1", Username: "ops", Password: "pw", DB: 2, TLS: true, Prefix: "app:", ReadOnly: true}},
		{"db number, tls bool", map[string]any{"redis_db": 3, "redis_tls": true}, Config{Addr: "localhost:6379", DB: 3, TLS: true}},
		{"url", map[string]any{"redis_url": "rediss://h:1/2", "redis_prefix": "p:", "read_only": "true"},
			Config{Addr: "h:1", DB: 2, TLS: true, Prefix: "p:", ReadOnly: true}},
	} {
		got, err := ConfigFromCredentials(tc.creds)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		name    string
		creds   map[string]any
		mention string
	}{
		{"port not a number", map[string]any{"redis_port": "x", "redis_password": "s3cret"}, "port"},
		{"port 0", map[string]any{"redis_port": "0"}, "port"},
		{"port too big", map[string]any{"redis_port": 65536}, "port"},
		{"port fraction", map[string]any{"redis_port": 6379.5}, "redis_port"},
		{"port bool", map[string]any{"redis_port": true}, "redis_port"},
		{"unknown key", map[string]any{"redis_hots": "h"}, `"redis_hots"`},
		{"url and host", map[string]any{"redis_url": "redis://h", "redis_port": 1}, `"redis_port"`},
		{"bad url", map[string]any{"redis_url": "redis://u:s3cret@h:x"}, "URL"},
		{"url not a string", map[string]any{"redis_url": 1}, "redis_url"},
		{"tls maybe", map[string]any{"redis_tls": "maybe"}, "redis_tls"},
		{"db negative", map[string]any{"redis_db": -1}, "redis_db"},
		{"password of the wrong type", map[string]any{"redis_password": []byte("s3cret")}, "redis_password"},
	} {
		_, err := ConfigFromCredentials(tc.creds)
		if !errors.Is(err, store.ErrBadCredentials) || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("%s: got %v; want store.ErrBadCredentials mentioning %s", tc.name, err, tc.mention)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows the password: %v", tc.name, err)
		}
	}
}

func TestRedisConfigStringHidesThePassword(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Addr: "127.0.0.1:6379", Password: "s3cret"}, "127.0.0.1:6379/0"},
		{Config{Addr: "h:1", DB: 3, Username: "ops", Password: "s3cret", Prefix: "p:", TLS: true}, "h:1/3 prefix=p: tls"},
	} {
		if got := tc.cfg.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

// rawClient reads and plants bytes behind the store's back.
type rawClient struct {
	*redis.Client
	t *testing.T
}

// set stores key/value pairs as plain strings.
func (r rawClient) set(kv ...string) {
	r.t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		if err := r.Set(r.t.Context(), kv[i], kv[i+1], 0).Err(); err != nil {
			r.t.Fatalf("SET %s: %v", kv[i], err)
		}
	}
}

// hset turns key into a hash, a type Confo cannot read.
func (r rawClient) hset(key string) {
	r.t.Helper()
	if err := r.HSet(r.t.Context(), key, "f", "v").Err(); err != nil {
		r.t.Fatalf("HSET %s: %v", key, err)
	}
}

func (r rawClient) del(keys ...string) {
	r.t.Helper()
	if err := r.Del(r.t.Context(), keys...).Err(); err != nil {
		r.t.Fatalf("DEL %v: %v", keys, err)
	}
}

// get returns a key's bytes, "(missing)", or "(hash)" and the like for a
// key that is not a string.
func (r rawClient) get(key string) string {
	r.t.Helper()
	v, err := r.Get(r.t.Context(), key).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return "(missing)"
	case isWrongType(err):
		return "(" + r.Type(r.t.Context(), key).Val() + ")"
	case err != nil:
		r.t.Fatalf("GET %s: %v", key, err)
	}
	return v
}

// want checks the bytes of several keys ("(missing)" for none).
func (r rawClient) want(kv ...string) {
	r.t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		if got := r.get(kv[i]); got != kv[i+1] {
			r.t.Errorf("key %s holds %s\n\twant %s", kv[i], got, kv[i+1])
		}
	}
}

// forEachServer runs the same test against miniredis and a real
// redis-server, each fresh and empty.
func forEachServer(t *testing.T, test func(t *testing.T, addr string, raw rawClient)) {
	t.Helper()
	for _, server := range redisserver.Kinds() {
		t.Run(server.Name, func(t *testing.T) {
			addr := server.Start(t)
			c := redis.NewClient(&redis.Options{Addr: addr})
			t.Cleanup(func() { c.Close() })
			test(t, addr, rawClient{Client: c, t: t})
		})
	}
}

func openTestRedis(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func loadTestRedis(t *testing.T, s *Store, opts store.LoadOptions) *store.Snapshot {
	t.Helper()
	snap, err := s.Load(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func commitTestRedis(t *testing.T, s *Store, changes ...store.NamespaceChange) {
	t.Helper()
	if _, err := s.Commit(t.Context(), changes, store.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
}

// snapshotText lists a snapshot one config (or empty or broken namespace)
// per line, so a test can compare all of it at once.
func snapshotText(snap *store.Snapshot) string {
	var lines []string
	for _, ns := range snap.Namespaces {
		if ns.Problem != "" {
			lines = append(lines, ns.Name+" problem")
		} else if len(ns.Configs) == 0 {
			lines = append(lines, ns.Name+" empty")
		}
		for _, c := range ns.Configs {
			line := ns.Name + "/" + c.Name + " "
			switch c.Raw.State {
			case store.RawPresent:
				line += "= " + string(c.Raw.Bytes)
			case store.RawMissing:
				line += "missing"
			default:
				line += "unreadable " + c.Raw.Detail
			}
			if c.Unlisted {
				line += " (unlisted)"
			}
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

func wantSnapshot(t *testing.T, snap *store.Snapshot, want ...string) {
	t.Helper()
	if got := snapshotText(snap); got != strings.Join(want, "\n") {
		t.Errorf("snapshot:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// TestRedisReadsNeverWrite: opening and every kind of load create nothing,
// on an empty server and under a (possibly mistyped) prefix; the first
// commit that registers a namespace creates the registry.
func TestRedisReadsNeverWrite(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		for _, prefix := range []string{"", "typo:"} {
			s := openTestRedis(t, Config{Addr: addr, Prefix: prefix})
			for _, opts := range []store.LoadOptions{
				{}, {Discover: true}, {RegistryOnly: true},
				{Targets: &store.Targets{Registry: true, Lists: []string{"ns"}, Configs: []store.ConfigRef{{Namespace: "ns", Config: "c"}}}},
			} {
				snap := loadTestRedis(t, s, opts)
				if len(snap.Registry) != 0 {
					t.Fatalf("an empty server loads as %+v", snap)
				}
			}
			if n := raw.DBSize(t.Context()).Val(); n != 0 {
				t.Fatalf("prefix %q: reads left %d keys behind", prefix, n)
			}
		}
		s := openTestRedis(t, Config{Addr: addr, Prefix: "p:"})
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "ns", Register: true})
		raw.want("p:confo", `{"namespaces": ["ns"]}`, "p:ns", `{"configurations": []}`, "confo", "(missing)")
		// An existing registry is kept as it is, even unsorted.
		raw.set("confo", `{"namespaces": ["b", "a", "b"]}`)
		s = openTestRedis(t, Config{Addr: addr})
		if snap := loadTestRedis(t, s, store.LoadOptions{}); !slices.Equal(snap.Registry, []string{"a", "b"}) {
			t.Fatalf("registry %v, want [a b]", snap.Registry)
		}
		raw.want("confo", `{"namespaces": ["b", "a", "b"]}`)
	})
}

func TestRedisLoadRefusesAMalformedRegistry(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		for _, bad := range []string{`not json`, `{"x": 1}`, `{"namespaces": "a"}`, `{"namespaces": [1]}`, `["a"]`, ``, `hash`} {
			raw.del("p:confo")
			if bad == "hash" {
				raw.hset("p:confo")
			} else {
				raw.set("p:confo", bad)
			}
			for _, readOnly := range []bool{false, true} {
				s := openTestRedis(t, Config{Addr: addr, Prefix: "p:", ReadOnly: readOnly})
				for _, opts := range []store.LoadOptions{{}, {RegistryOnly: true}, {Targets: &store.Targets{Registry: true}}} {
					_, err := s.Load(t.Context(), opts)
					var malformed *store.MalformedKeyError
					if !errors.As(err, &malformed) || malformed.Key != "p:confo" || !errors.Is(err, store.ErrMalformedKey) {
						t.Errorf("registry %q (read-only %v, %+v): got %v, want a store.MalformedKeyError for p:confo", bad, readOnly, opts, err)
					}
				}
			}
			want := bad
			if bad == "hash" {
				want = "(hash)"
			}
			raw.want("p:confo", want)
		}
	})
}

func TestRedisReportsUnreachableServers(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", redisserver.FreePort(t))
	_, err := Open(t.Context(), Config{Addr: addr})
	var unreachable *store.UnreachableError
	if !errors.Is(err, store.ErrUnreachable) || !errors.As(err, &unreachable) || !strings.Contains(err.Error(), addr) {
		t.Fatalf("closed port: %v; want an store.UnreachableError naming %s", err, addr)
	}

	// A server that goes away after the open.
	mini := miniredis.RunT(t)
	addr = mini.Addr()
	s := openTestRedis(t, Config{Addr: addr})
	mini.Close()
	if _, err := s.Load(t.Context(), store.LoadOptions{}); !errors.Is(err, store.ErrUnreachable) || !strings.Contains(err.Error(), addr) {
		t.Fatalf("load from a stopped server: %v", err)
	}
	change := store.NamespaceChange{Namespace: "ns", Register: true}
	if _, err := s.Commit(t.Context(), []store.NamespaceChange{change}, store.CommitOptions{}); !errors.Is(err, store.ErrUnreachable) {
		t.Fatalf("commit to a stopped server: %v", err)
	}
}

func TestRedisReportsAuthFailures(t *testing.T) {
	for _, server := range []struct {
		name, user string
		start      func(t *testing.T) string
	}{
		{"miniredis default user", "", func(t *testing.T) string {
			m := miniredis.RunT(t)
			m.RequireAuth("s3cret")
			return m.Addr()
		}},
		{"miniredis ACL user", "ops", func(t *testing.T) string {
			m := miniredis.RunT(t)
			m.RequireUserAuth("ops", "s3cret")
			return m.Addr()
		}},
		{"redis-server requirepass", "", func(t *testing.T) string { return redisserver.RedisWithPassword(t, "default", "s3cret") }},
		{"redis-server ACL user", "ops", func(t *testing.T) string { return redisserver.RedisWithPassword(t, "ops", "s3cret") }},
	} {
		t.Run(server.name, func(t *testing.T) {
			addr := server.start(t)
			for _, pw := range []string{"", "n0tright"} {
				_, err := Open(t.Context(), Config{Addr: addr, Username: server.user, Password: pw})
				if !errors.Is(err, store.ErrAuth) || !strings.Contains(err.Error(), addr) {
					t.Errorf("password %q: %v; want store.ErrAuth naming %s", pw, err, addr)
				}
				if pw != "" && err != nil && strings.Contains(err.Error(), pw) {
					t.Errorf("the error shows the password: %v", err)
				}
			}
			s := openTestRedis(t, Config{Addr: addr, Username: server.user, Password: "s3cret"})
			commitTestRedis(t, s, store.NamespaceChange{Namespace: "ns", Register: true})
			if snap := loadTestRedis(t, s, store.LoadOptions{}); !slices.Equal(snap.Registry, []string{"ns"}) {
				t.Fatalf("registry %v after an authenticated commit", snap.Registry)
			}
		})
	}
}

func TestRedisLoadReadsTheLayoutUnderAPrefix(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		raw.set(
			"app:confo", `{"namespaces": ["sales", "database", "sales"]}`,
			"app:database", `{"configurations": ["postgres", "mysqli", "mysqli"]}`,
			"app:database-mysqli", redisFixture,
			"app:database-postgres", `{"host": "db"}`,
			// Another tree in the same database, without the prefix.
			"confo", `{"namespaces": ["other"]}`,
			"database-mysqli", `{"wrong": "tree"}`,
		)
		s := openTestRedis(t, Config{Addr: addr, Prefix: "app:"})
		snap := loadTestRedis(t, s, store.LoadOptions{})
		if !slices.Equal(snap.Registry, []string{"database", "sales"}) {
			t.Errorf("registry %v", snap.Registry)
		}
		wantSnapshot(t, snap,
			"database/mysqli = "+redisFixture,
			`database/postgres = {"host": "db"}`,
			"sales empty",
		)
		if len(snap.Warnings) != 0 {
			t.Errorf("warnings: %v", snap.Warnings)
		}
		// Reading never rewrites anything.
		raw.want("app:confo", `{"namespaces": ["sales", "database", "sales"]}`,
			"app:database", `{"configurations": ["postgres", "mysqli", "mysqli"]}`)

		wantSnapshot(t, loadTestRedis(t, s, store.LoadOptions{Namespaces: []string{"sales", "sales"}}), "sales empty")
		_, err := s.Load(t.Context(), store.LoadOptions{Namespaces: []string{"database", "nope"}})
		if !errors.Is(err, store.ErrNamespaceNotFound) || !strings.Contains(err.Error(), `"nope"`) {
			t.Fatalf("loading an unregistered namespace: %v", err)
		}
	})
}

func TestRedisLoadShowsBadDataAsItIs(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		raw.set(
			"confo", `{"namespaces": ["bad", "broken", "hashlist", "numlist", "ok", "wronglist"]}`,
			"bad", `{"configurations": ["good", "notjson", "empty", "hash", "missing"]}`,
			"bad-good", `{"a": 1}`,
			"bad-notjson", `host=localhost`,
			"bad-empty", ``,
			"broken", `{"configurations": ["x"`,
			"numlist", `{"configurations": [1]}`,
			"wronglist", `{"configurations": "x"}`,
			"ok", `{"configurations": ["x"]}`,
			"ok-x", `1`,
		)
		raw.hset("bad-hash")
		raw.hset("hashlist")
		s := openTestRedis(t, Config{Addr: addr})
		snap := loadTestRedis(t, s, store.LoadOptions{})
		wantSnapshot(t, snap,
			"bad/empty = ",
			`bad/good = {"a": 1}`,
			"bad/hash unreadable redis type hash",
			"bad/missing missing",
			"bad/notjson = host=localhost",
			"broken problem",
			"hashlist problem",
			"numlist problem",
			"ok/x = 1",
			"wronglist problem",
		)
		for _, ns := range snap.Namespaces {
			if ns.Problem != "" && !strings.Contains(ns.Problem, `"`+ns.Name+`"`) {
				t.Errorf("problem of %s does not name its key: %s", ns.Name, ns.Problem)
			}
		}
		if empty := snap.Namespaces[0].Configs[0]; empty.Raw.State != store.RawPresent || len(empty.Raw.Bytes) != 0 {
			t.Errorf("an empty value loads as %+v, want present with no bytes", empty.Raw)
		}
	})
}

func TestRedisDiscoveryAdoptsUnlistedKeys(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		// The prefix holds every glob character: SCAN must match it literally.
		const p = `t*[1]?\:`
		raw.set(
			p+"confo", `{"namespaces": ["a", "a-b", "other"]}`,
			p+"a", `{"configurations": ["listed"]}`,
			p+"a-b", `{"configurations": []}`,
			p+"other", `{"configurations": []}`,
			p+"a-listed", `1`,
			p+"a-b-c", `{"x": 1}`, // "a-b" + "c", the longest namespace, not "a" + "b-c"
			p+"a-x", `2`,
			p+"a-", `3`, // no config name
			p+"other-y", `4`,
			p+"stray", `5`,
			"tz1q:a-x", `6`, // matches the prefix as an unescaped glob
			"a-z", `7`, // no prefix
		)
		raw.hset(p + "a-h")
		s := openTestRedis(t, Config{Addr: addr, Prefix: p})
		snap := loadTestRedis(t, s, store.LoadOptions{Discover: true})
		wantSnapshot(t, snap,
			"a/h unreadable redis type hash (unlisted)",
			"a/listed = 1",
			"a/x = 2 (unlisted)",
			`a-b/c = {"x": 1} (unlisted)`,
			"other/y = 4 (unlisted)",
		)
		wantWarnings := []string{
			"adopted 2 unlisted config(s) in a",
			"adopted 1 unlisted config(s) in a-b",
			"adopted 1 unlisted config(s) in other",
		}
		if !slices.Equal(snap.Warnings, wantWarnings) {
			t.Errorf("warnings %q, want %q", snap.Warnings, wantWarnings)
		}

		// Only the namespaces being loaded adopt keys.
		snap = loadTestRedis(t, s, store.LoadOptions{Discover: true, Namespaces: []string{"a-b"}})
		wantSnapshot(t, snap, `a-b/c = {"x": 1} (unlisted)`)
		if !slices.Equal(snap.Warnings, wantWarnings[1:2]) {
			t.Errorf("warnings %q", snap.Warnings)
		}

		// Without discovery the lists are the whole truth.
		wantSnapshot(t, loadTestRedis(t, s, store.LoadOptions{}), "a/listed = 1", "a-b empty", "other empty")
	})
}

// roundTrips counts what a client sends: one per command or pipeline (a
// MULTI/EXEC block included). before, when set, runs before each pipeline.
type roundTrips struct {
	n      atomic.Int64
	before func(cmds []redis.Cmder)
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		if r.before != nil {
			r.before([]redis.Cmder{cmd})
		}
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		if r.before != nil {
			r.before(cmds)
		}
		return next(ctx, cmds)
	}
}

func TestRedisLoadTakesAFewRoundTripsWhateverTheSize(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		trips := map[int]int64{}
		for _, n := range []int{10, 2000} {
			prefix := fmt.Sprintf("n%d:", n)
			s := openTestRedis(t, Config{Addr: addr, Prefix: prefix})
			for _, ns := range []string{"one", "two"} {
				change := store.NamespaceChange{Namespace: ns, Register: true}
				for i := range n / 2 {
					name := fmt.Sprintf("c%04d", i)
					change.ListAdd = append(change.ListAdd, name)
					change.Configs = append(change.Configs, store.ConfigChange{Name: name, Expect: store.MissingRaw(), Write: fmt.Appendf(nil, `{"i": %d}`, i)})
				}
				commitTestRedis(t, s, change)
			}
			// Warm up: the counted Load should not pay for dialing.
			loadTestRedis(t, s, store.LoadOptions{})
			counter := &roundTrips{}
			s.client.AddHook(counter)
			var progress [][2]int
			snap := loadTestRedis(t, s, store.LoadOptions{Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) }})
			if got := len(snap.Namespaces[0].Configs) + len(snap.Namespaces[1].Configs); got != n {
				t.Fatalf("loaded %d configs, want %d", got, n)
			}
			if last := snap.Namespaces[1].Configs[n/2-1]; last.Name != fmt.Sprintf("c%04d", n/2-1) || string(last.Raw.Bytes) != fmt.Sprintf(`{"i": %d}`, n/2-1) {
				t.Fatalf("last config %s = %s", last.Name, last.Raw.Bytes)
			}
			if len(progress) < 2 || progress[0] != [2]int{0, n} || progress[len(progress)-1] != [2]int{n, n} {
				t.Errorf("progress %v, want from 0 to %d of %d", progress, n, n)
			}
			trips[n] = counter.n.Load()
		}
		if trips[10] != trips[2000] || trips[2000] > 3 {
			t.Fatalf("round trips: %d for 10 configs, %d for 2000; want the same, at most 3", trips[10], trips[2000])
		}
		t.Logf("Load: %d round trips for 10 and for 2000 configs", trips[2000])
	})
}

func TestRedisCommitWritesTheLayoutInPythonFormat(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		s := openTestRedis(t, Config{Addr: addr, Prefix: "p:"})
		changes := []store.NamespaceChange{
			{Namespace: "database", Register: true, ListAdd: []string{"postgres", "mysqli"}, Configs: []store.ConfigChange{
				{Name: "mysqli", Expect: store.MissingRaw(), Write: []byte(redisFixture)},
				{Name: "postgres", Expect: store.MissingRaw(), Write: []byte(`{"host": "db"}`)},
			}},
			{Namespace: "analytics", Register: true},
			{Namespace: "ignored"},
		}
		written, err := s.Commit(t.Context(), changes, store.CommitOptions{})
		if err != nil || !slices.Equal(written, []string{"database", "analytics"}) {
			t.Fatalf("commit: %v, %v", written, err)
		}
		raw.want(
			"p:confo", `{"namespaces": ["analytics", "database"]}`,
			"p:database", `{"configurations": ["mysqli", "postgres"]}`,
			"p:analytics", `{"configurations": []}`,
			"p:database-mysqli", redisFixture,
			"p:database-postgres", `{"host": "db"}`,
			"p:ignored", "(missing)",
		)
		snap := loadTestRedis(t, s, store.LoadOptions{})
		wantSnapshot(t, snap, "analytics empty", "database/mysqli = "+redisFixture, `database/postgres = {"host": "db"}`)

		// Registering again changes nothing.
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "analytics", Register: true}, store.NamespaceChange{Namespace: "database", Register: true, ListAdd: []string{"mysqli"}})
		raw.want("p:confo", `{"namespaces": ["analytics", "database"]}`, "p:database", `{"configurations": ["mysqli", "postgres"]}`)

		// Deleting a config removes its key and its name.
		mysqli := snap.Namespaces[1].Configs[0]
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "database", ListRemove: []string{"mysqli"}, Configs: []store.ConfigChange{{Name: "mysqli", Expect: mysqli.Raw}}})
		raw.want("p:database", `{"configurations": ["postgres"]}`, "p:database-mysqli", "(missing)")
	})
}

func TestRedisCommitRefusesStaleWrites(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		s := openTestRedis(t, Config{Addr: addr})
		v1, v2 := []byte(`{"v": 1}`), []byte(`{"v": 2}`)
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "db", Register: true, ListAdd: []string{"a", "b"}, Configs: []store.ConfigChange{
			{Name: "a", Expect: store.MissingRaw(), Write: v1},
			{Name: "b", Expect: store.MissingRaw(), Write: v1},
		}})
		loaded := store.PresentRaw(v1)
		commit := func(opts store.CommitOptions, configs ...store.ConfigChange) ([]string, []store.Conflict, error) {
			t.Helper()
			var add []string
			for _, c := range configs {
				add = append(add, c.Name)
			}
			written, err := s.Commit(t.Context(), []store.NamespaceChange{{Namespace: "db", ListAdd: add, Configs: configs}}, opts)
			var conflict *store.ConflictError
			if errors.As(err, &conflict) {
				return written, conflict.Conflicts, nil
			}
			return written, nil, err
		}
		wantConflict := func(got []store.Conflict, want store.Conflict) {
			t.Helper()
			if len(got) != 1 || got[0].Namespace != want.Namespace || got[0].Config != want.Config || got[0].Reason != want.Reason ||
				!got[0].Ours.Same(want.Ours) || !got[0].Theirs.Same(want.Theirs) {
				t.Errorf("conflicts %+v\n\twant [%+v]", got, want)
			}
		}

		// Changed: nothing of the namespace is written, not b, not c, not the list.
		raw.set("db-a", `{"v": "theirs"}`)
		written, conflicts, err := commit(store.CommitOptions{},
			store.ConfigChange{Name: "a", Expect: loaded, Write: v2},
			store.ConfigChange{Name: "b", Expect: loaded, Write: v2},
			store.ConfigChange{Name: "c", Expect: store.MissingRaw(), Write: v2})
		if err != nil || len(written) != 0 {
			t.Fatalf("stale commit: written %v, %v", written, err)
		}
		wantConflict(conflicts, store.Conflict{Namespace: "db", Config: "a", Reason: "changed by another client", Ours: loaded, Theirs: store.PresentRaw([]byte(`{"v": "theirs"}`))})
		raw.want("db-a", `{"v": "theirs"}`, "db-b", `{"v": 1}`, "db-c", "(missing)", "db", `{"configurations": ["a", "b"]}`)

		// Deleted.
		raw.del("db-b")
		_, conflicts, err = commit(store.CommitOptions{}, store.ConfigChange{Name: "b", Expect: loaded, Write: v2})
		if err != nil {
			t.Fatal(err)
		}
		wantConflict(conflicts, store.Conflict{Namespace: "db", Config: "b", Reason: "deleted by another client", Ours: loaded, Theirs: store.MissingRaw()})
		raw.want("db-b", "(missing)")

		// Created, here as a key of another type.
		raw.hset("db-d")
		hash := rawOfType("hash")
		_, conflicts, err = commit(store.CommitOptions{}, store.ConfigChange{Name: "d", Expect: store.MissingRaw(), Write: v2})
		if err != nil {
			t.Fatal(err)
		}
		wantConflict(conflicts, store.Conflict{Namespace: "db", Config: "d", Reason: "created by another client", Ours: store.MissingRaw(), Theirs: hash})
		raw.want("db-d", "(hash)")

		// Replacing the unreadable key the user saw is not a conflict.
		if _, conflicts, err = commit(store.CommitOptions{}, store.ConfigChange{Name: "d", Expect: hash, Write: v2}); err != nil || conflicts != nil {
			t.Fatalf("replacing a hash the user saw: %v, %v", conflicts, err)
		}
		raw.want("db-d", `{"v": 2}`)

		// Overwrite: mine wins.
		written, conflicts, err = commit(store.CommitOptions{Overwrite: true},
			store.ConfigChange{Name: "a", Expect: loaded, Write: v2},
			store.ConfigChange{Name: "b", Expect: loaded, Write: v2})
		if err != nil || conflicts != nil || !slices.Equal(written, []string{"db"}) {
			t.Fatalf("overwrite: %v, %v, %v", written, conflicts, err)
		}
		raw.want("db-a", `{"v": 2}`, "db-b", `{"v": 2}`, "db", `{"configurations": ["a", "b", "d"]}`)
	})
}

func TestRedisCommitLandsTheNamespacesWithoutConflicts(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		s := openTestRedis(t, Config{Addr: addr})
		raw.set("confo", `{"namespaces": ["one", "two"]}`, "one", `{"configurations": ["a"]}`, "two", `{"configurations": ["b"]}`, "one-a", `1`, "two-b", `1`)
		raw.set("one-a", `theirs`)
		written, err := s.Commit(t.Context(), []store.NamespaceChange{
			{Namespace: "one", Configs: []store.ConfigChange{{Name: "a", Expect: store.PresentRaw([]byte(`1`)), Write: []byte(`2`)}}},
			{Namespace: "two", Configs: []store.ConfigChange{{Name: "b", Expect: store.PresentRaw([]byte(`1`)), Write: []byte(`2`)}}},
		}, store.CommitOptions{})
		var conflict *store.ConflictError
		if !errors.As(err, &conflict) || len(conflict.Conflicts) != 1 || conflict.Conflicts[0].Config != "a" || !slices.Equal(written, []string{"two"}) {
			t.Fatalf("written %v, %v; want two written and one/a in conflict", written, err)
		}
		if !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), "one/a") {
			t.Errorf("conflict error: %v", err)
		}
		raw.want("one-a", "theirs", "two-b", "2")
	})
}

func TestRedisCommitMergesListsWithOtherClients(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		s := openTestRedis(t, Config{Addr: addr})
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "ns", Register: true, ListAdd: []string{"b"},
			Configs: []store.ConfigChange{{Name: "b", Expect: store.MissingRaw(), Write: []byte(`0`)}}})
		// Another client lists a config meanwhile, in its own order.
		raw.set("ns", `{"configurations": ["theirs", "b"]}`)
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "ns", ListAdd: []string{"a"},
			Configs: []store.ConfigChange{{Name: "a", Expect: store.MissingRaw(), Write: []byte(`1`)}}})
		raw.want("ns", `{"configurations": ["a", "b", "theirs"]}`)
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "ns", ListRemove: []string{"b"},
			Configs: []store.ConfigChange{{Name: "b", Expect: store.PresentRaw([]byte(`0`))}}})
		raw.want("ns", `{"configurations": ["a", "theirs"]}`, "ns-b", "(missing)")

		// And another registers a namespace meanwhile.
		raw.set("confo", `{"namespaces": ["x", "ns"]}`)
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "new", Register: true})
		raw.want("confo", `{"namespaces": ["new", "ns", "x"]}`)
	})
}

func TestRedisCommitRetriesWhenAListChanges(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		s := openTestRedis(t, Config{Addr: addr})
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "ns", Register: true})
		// Between our read and our compare-and-set script, another client
		// lists a config.
		var attempts int
		s.client.AddHook(&roundTrips{before: func(cmds []redis.Cmder) {
			if name := cmds[0].Name(); name != "evalsha" && name != "eval" && name != "multi" {
				return
			}
			attempts++
			if attempts == 1 {
				raw.set("ns", `{"configurations": ["theirs"]}`)
			}
		}})
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "ns", ListAdd: []string{"mine"},
			Configs: []store.ConfigChange{{Name: "mine", Expect: store.MissingRaw(), Write: []byte(`1`)}}})
		if attempts != 2 {
			t.Errorf("%d script attempts, want 2", attempts)
		}
		raw.want("ns", `{"configurations": ["mine", "theirs"]}`, "ns-mine", "1")
	})
}

func TestRedisCommitUnregistersOnlyEmptiedNamespaces(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		s := openTestRedis(t, Config{Addr: addr})
		commitTestRedis(t, s,
			store.NamespaceChange{Namespace: "old", Register: true, ListAdd: []string{"x"}, Configs: []store.ConfigChange{{Name: "x", Expect: store.MissingRaw(), Write: []byte(`1`)}}},
			store.NamespaceChange{Namespace: "keep", Register: true})
		drop := store.NamespaceChange{Namespace: "old", Unregister: true, ListRemove: []string{"x"}, Configs: []store.ConfigChange{{Name: "x", Expect: store.PresentRaw([]byte(`1`))}}}

		raw.set("old", `{"configurations": ["x", "y"]}`)
		written, err := s.Commit(t.Context(), []store.NamespaceChange{drop}, store.CommitOptions{})
		var conflict *store.ConflictError
		if !errors.As(err, &conflict) || len(written) != 0 || len(conflict.Conflicts) != 1 ||
			conflict.Conflicts[0].Config != "" || conflict.Conflicts[0].Reason != "namespace has configs added by another client" {
			t.Fatalf("unregister with a config added meanwhile: %v, %v", written, err)
		}
		raw.want("confo", `{"namespaces": ["keep", "old"]}`, "old", `{"configurations": ["x", "y"]}`, "old-x", "1")

		raw.set("old", `{"configurations": ["x"]}`)
		commitTestRedis(t, s, drop)
		raw.want("confo", `{"namespaces": ["keep"]}`, "old", "(missing)", "old-x", "(missing)", "keep", `{"configurations": []}`)
	})
}

func TestRedisCommitWritesNothingItMustNot(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		ro := openTestRedis(t, Config{Addr: addr, ReadOnly: true})
		create := store.NamespaceChange{Namespace: "ns", Register: true, ListAdd: []string{"x"}, Configs: []store.ConfigChange{{Name: "x", Expect: store.MissingRaw(), Write: []byte(`1`)}}}
		if _, err := ro.Commit(t.Context(), []store.NamespaceChange{create}, store.CommitOptions{}); !errors.Is(err, store.ErrReadOnly) {
			t.Fatalf("read-only commit: %v", err)
		}
		raw.want("confo", "(missing)", "ns", "(missing)", "ns-x", "(missing)")

		s := openTestRedis(t, Config{Addr: addr})
		for _, bad := range []store.NamespaceChange{
			{Namespace: "confo", Register: true},
			{Namespace: "ns", ListAdd: []string{"a/b"}},
			{Namespace: "ns", Configs: []store.ConfigChange{{Name: "", Expect: store.MissingRaw(), Write: []byte(`1`)}}},
		} {
			// A valid change first: bad names anywhere stop the whole commit.
			if _, err := s.Commit(t.Context(), []store.NamespaceChange{create, bad}, store.CommitOptions{}); !errors.Is(err, store.ErrInvalidName) {
				t.Errorf("commit of %+v: %v, want store.ErrInvalidName", bad, err)
			}
		}
		both := store.NamespaceChange{Namespace: "ns", Register: true, Unregister: true}
		if _, err := s.Commit(t.Context(), []store.NamespaceChange{create, both}, store.CommitOptions{}); err == nil {
			t.Error("a change that registers and unregisters was accepted")
		}
		raw.want("confo", "(missing)", "ns", "(missing)", "ns-x", "(missing)")

		// A config whose key is another namespace's list, even with overwrite.
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "a", Register: true}, store.NamespaceChange{Namespace: "a-b", Register: true})
		clash := store.NamespaceChange{Namespace: "a", ListAdd: []string{"b"}, Configs: []store.ConfigChange{{Name: "b", Expect: store.MissingRaw(), Write: []byte(`1`)}}}
		if _, err := s.Commit(t.Context(), []store.NamespaceChange{clash}, store.CommitOptions{Overwrite: true}); !errors.Is(err, store.ErrInvalidName) || !strings.Contains(err.Error(), `"a-b"`) {
			t.Errorf("config key equal to a namespace list key: %v", err)
		}
		raw.want("a-b", `{"configurations": []}`, "a", `{"configurations": []}`)

		// A malformed list is never rewritten, nor are configs written next to it.
		raw.set("ns", `["a"]`)
		raw.hset("hashed")
		raw.set("confo", `{"namespaces": ["a", "a-b", "hashed", "ns"]}`)
		snap := loadTestRedis(t, s, store.LoadOptions{})
		wantSnapshot(t, snap, "a empty", "a-b empty", "hashed problem", "ns problem")
		for _, ns := range []string{"ns", "hashed"} {
			write := store.NamespaceChange{Namespace: ns, ListAdd: []string{"x"}, Configs: []store.ConfigChange{{Name: "x", Expect: store.MissingRaw(), Write: []byte(`1`)}}}
			_, err := s.Commit(t.Context(), []store.NamespaceChange{write}, store.CommitOptions{Overwrite: true})
			var malformed *store.MalformedKeyError
			if !errors.As(err, &malformed) || malformed.Key != ns {
				t.Errorf("commit into the malformed list %s: %v", ns, err)
			}
		}
		raw.want("ns", `["a"]`, "ns-x", "(missing)", "hashed", "(hash)", "hashed-x", "(missing)")
	})
}

func TestRedisCommitTakesAFewRoundTripsPerNamespace(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		many := func(ns string, n int) store.NamespaceChange {
			change := store.NamespaceChange{Namespace: ns, Register: true}
			for i := range n {
				name := fmt.Sprintf("c%d", i)
				change.ListAdd = append(change.ListAdd, name)
				change.Configs = append(change.Configs, store.ConfigChange{Name: name, Expect: store.MissingRaw(), Write: []byte(`{}`)})
			}
			return change
		}
		trips := map[int]int64{}
		// 10 configs are checked with WATCH, more by the script, which the
		// server learns on its first use.
		for _, n := range []int{10, 100, 3000} {
			s := openTestRedis(t, Config{Addr: addr, Prefix: fmt.Sprintf("n%d:", n)})
			commitTestRedis(t, s, many("warm", n))
			counter := &roundTrips{}
			s.client.AddHook(counter)
			commitTestRedis(t, s, many("ns", n))
			trips[n] = counter.n.Load()
			if got := len(loadTestRedis(t, s, store.LoadOptions{Namespaces: []string{"ns"}}).Namespaces[0].Configs); got != n {
				t.Fatalf("%d configs committed, %d loaded", n, got)
			}
		}
		if trips[10] > 3 || trips[100] != trips[3000] || trips[3000] > 3 {
			t.Fatalf("round trips: %v; want at most 3, the same for 100 and 3000 configs", trips)
		}
		t.Logf("Commit: round trips per namespace by configs: %v", trips)
	})
}

func TestRedisConcurrentCommitsOneWins(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		setup := openTestRedis(t, Config{Addr: addr})
		v0 := []byte(`{"v": 0}`)
		commitTestRedis(t, setup, store.NamespaceChange{Namespace: "ns", Register: true, ListAdd: []string{"c"},
			Configs: []store.ConfigChange{{Name: "c", Expect: store.MissingRaw(), Write: v0}}})
		// Every writer is a separate client, as separate processes would be.
		const writers = 8
		stores := make([]*Store, writers)
		for i := range stores {
			stores[i] = openTestRedis(t, Config{Addr: addr})
		}
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i, s := range stores {
			wg.Go(func() {
				change := store.NamespaceChange{Namespace: "ns", ListAdd: []string{fmt.Sprint("w", i)}, Configs: []store.ConfigChange{
					{Name: "c", Expect: store.PresentRaw(v0), Write: fmt.Appendf(nil, `{"v": %d}`, i+1)},
				}}
				_, errs[i] = s.Commit(context.Background(), []store.NamespaceChange{change}, store.CommitOptions{})
			})
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			var conflict *store.ConflictError
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("writers %d and %d both won", winner, i)
			case err == nil:
				winner = i
			case !errors.As(err, &conflict):
				t.Fatalf("writer %d: %v", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("no writer won")
		}
		won := fmt.Sprintf(`{"v": %d}`, winner+1)
		for i, err := range errs {
			var conflict *store.ConflictError
			if errors.As(err, &conflict) && string(conflict.Conflicts[0].Theirs.Bytes) != won {
				t.Errorf("writer %d saw %s, want the winner's %s", i, conflict.Conflicts[0].Theirs.Bytes, won)
			}
		}
		raw.want("ns-c", won, "ns", fmt.Sprintf(`{"configurations": ["c", "w%d"]}`, winner))
	})
}

func TestRedisEscapeGlobAndOwningNamespace(t *testing.T) {
	if got := escapeGlob(`a*b?[c]\`); got != `a\*b\?\[c\]\\` {
		t.Errorf("escapeGlob = %q", got)
	}
	registry := []string{"a", "a-b", "b"}
	for key, want := range map[string]string{
		"a-b-c": "a-b/c",
		"a-bc":  "a/bc",
		"a-b-":  "a/b-",
		"a-":    "/",
		"b":     "/",
		"c-d":   "/",
	} {
		ns, cfg := owningNamespace(key, registry)
		if got := ns + "/" + cfg; got != want {
			t.Errorf("owningNamespace(%q) = %s, want %s", key, got, want)
		}
	}
}

func TestRedisCommitGivesUpAfterContention(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		s := openTestRedis(t, Config{Addr: addr})
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "ns", Register: true})
		// Another client lists a new config before every script.
		n := 0
		s.client.AddHook(&roundTrips{before: func(cmds []redis.Cmder) {
			if name := cmds[0].Name(); name == "evalsha" || name == "eval" || name == "multi" {
				n++
				raw.set("ns", fmt.Sprintf(`{"configurations": ["theirs%d"]}`, n))
			}
		}})
		_, err := s.Commit(t.Context(), []store.NamespaceChange{{Namespace: "ns", ListAdd: []string{"mine"},
			Configs: []store.ConfigChange{{Name: "mine", Expect: store.MissingRaw(), Write: []byte(`1`)}}}}, store.CommitOptions{})
		var contention *store.ContentionError
		if !errors.As(err, &contention) || !errors.Is(err, store.ErrContention) || !errors.Is(err, store.ErrConflict) {
			t.Fatalf("commit under endless contention: %v", err)
		}
		if strings.Count(err.Error(), `"ns"`) != 1 {
			t.Errorf("error repeats itself: %v", err)
		}
		raw.want("ns-mine", "(missing)")
	})
}

func TestRedisCommitRegistersIntoAMissingRegistry(t *testing.T) {
	forEachServer(t, func(t *testing.T, addr string, raw rawClient) {
		s := openTestRedis(t, Config{Addr: addr, Prefix: "p:"})
		raw.del("p:confo")
		commitTestRedis(t, s, store.NamespaceChange{Namespace: "ns", Register: true, ListAdd: []string{"a"},
			Configs: []store.ConfigChange{{Name: "a", Expect: store.MissingRaw(), Write: []byte(`1`)}}})
		raw.want("p:confo", `{"namespaces": ["ns"]}`, "p:ns", `{"configurations": ["a"]}`, "p:ns-a", "1")

		// Without Register, a missing registry means the namespace is gone.
		raw.del("p:confo")
		_, err := s.Commit(t.Context(), []store.NamespaceChange{{Namespace: "ns",
			Configs: []store.ConfigChange{{Name: "a", Expect: store.PresentRaw([]byte(`1`)), Write: []byte(`2`)}}}}, store.CommitOptions{})
		var conflict *store.ConflictError
		if !errors.As(err, &conflict) || conflict.Conflicts[0].Kind != store.ConflictNamespaceDeleted {
			t.Fatalf("write into an unregistered namespace: %v", err)
		}
		raw.want("p:ns-a", "1", "p:confo", "(missing)")
	})
}
