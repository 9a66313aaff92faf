package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// TestCLIReadsRefuseUnreadableListsAndRegistries: a namespace list or a
// registry that is truncated, of the wrong JSON type or not a Redis
// string makes export and get fail with one line naming the key (exit 1),
// on a real redis-server; never an empty namespace in the output.
func TestCLIReadsRefuseUnreadableListsAndRegistries(t *testing.T) {
	ctx := context.Background()
	url, rdb := realRedis(t)
	plant := func(key, value string) {
		t.Helper()
		if err := rdb.Del(ctx, key).Err(); err != nil {
			t.Fatal(err)
		}
		var err error
		if value == "hash" {
			err = rdb.HSet(ctx, key, "f", "v").Err()
		} else {
			err = rdb.Set(ctx, key, value, 0).Err()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range map[string]string{
		"confo":           `{"namespaces": ["database", "sales"]}`,
		"database-mysqli": `{"host": "localhost"}`,
		"database-pg":     `{"host": "pg"}`,
		"sales":           `{"configurations": []}`,
	} {
		plant(k, v)
	}
	reads := [][]string{
		{"export"},
		{"export", "database"},
		{"get", "database"},
		{"get", "database", "mysqli"},
		{"get", "database", "mysqli", "host"},
	}
	for _, bad := range []struct{ value, why string }{
		{`{"configurations": ["mysqli", "pg"`, "not JSON"},
		{`{"configurations": "mysqli"}`, ""},
		{`["mysqli", "pg"]`, ""},
		{"hash", "not a Redis string"},
	} {
		plant("database", bad.value)
		for _, args := range reads {
			r := runCLI(t, "", append([]string{"--redis", url}, args...)...)
			checkUnreadable(t, r, args, bad.value, `key "database"`, bad.why)
		}
	}
	plant("database", `{"configurations": ["mysqli", "pg"]}`)
	runCLI(t, "", "--redis", url, "export").want(t, exitOK)

	for _, bad := range []string{`{"namespaces": ["database", "sales"`, `{"namespaces": {"database": 1}}`, "hash"} {
		plant("confo", bad)
		for _, args := range append(reads, []string{"namespaces"}, []string{"namespaces", "-o", "json"}) {
			r := runCLI(t, "", append([]string{"--redis", url}, args...)...)
			checkUnreadable(t, r, args, bad, `"confo"`, "")
		}
	}
}

// realRedis starts a redis-server for the test and returns its URL and a
// client for playing the other clients.
func realRedis(t *testing.T) (string, *redis.Client) {
	t.Helper()
	addr := redisserver.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	return "redis://" + addr, rdb
}

// checkUnreadable: exit 1, one line on stderr naming the key (and why,
// when given), and no output that passes for data.
func checkUnreadable(t *testing.T, r cliResult, args []string, bad, key, why string) {
	t.Helper()
	if r.code != exitError || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, key) || !strings.Contains(r.stderr, why) {
		t.Errorf("%q with %q: exit %d, stderr %q; want exit 1 and one line naming %s", args, bad, r.code, r.stderr, key)
	}
	if strings.Contains(r.stdout, "{}") || r.stdout != "" && confo.Valid([]byte(r.stdout)) == nil {
		t.Errorf("%q with %q: stdout %q passes for data", args, bad, r.stdout)
	}
}

// TestCLIReadsReadOnlyWhatTheyPrint: namespaces reads the registry alone,
// get NS CFG the registry, the list and one key, whatever the size of the
// namespace; the server's own keyspace_hits counter tells.
func TestCLIReadsReadOnlyWhatTheyPrint(t *testing.T) {
	ctx := context.Background()
	url, rdb := realRedis(t)
	names := make([]confo.Value, 1000)
	pipe := rdb.Pipeline()
	for i := range names {
		name := fmt.Sprintf("c%04d", i)
		names[i] = confo.StringValue(name)
		pipe.Set(ctx, "big-"+name, `{"n": `+strconv.Itoa(i)+`}`, 0)
	}
	list := confo.Encode(confo.ObjectValue(confo.Member{Key: "configurations", Value: confo.ArrayValue(names...)}))
	pipe.Set(ctx, "big", list, 0)
	pipe.Set(ctx, "confo", `{"namespaces": ["big"]}`, 0)
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		out  string
		hits int
	}{
		{[]string{"namespaces"}, "big\n", 1},
		{[]string{"get", "big", "c0042"}, `{"n": 42}` + "\n", 3},
		{[]string{"get", "big", "c0042", "n"}, "42\n", 3},
	} {
		before := keyspaceHits(t, rdb)
		r := runCLI(t, "", append([]string{"--redis", url}, tc.args...)...).want(t, exitOK)
		if r.stdout != tc.out {
			t.Errorf("%q printed %q, want %q", tc.args, r.stdout, tc.out)
		}
		if hits := keyspaceHits(t, rdb) - before; hits != tc.hits {
			t.Errorf("%q read %d keys, want %d", tc.args, hits, tc.hits)
		}
	}
}

// keyspaceHits is the server's count of key reads that found their key.
func keyspaceHits(t *testing.T, rdb *redis.Client) int {
	t.Helper()
	info, err := rdb.Info(context.Background(), "stats").Result()
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "keyspace_hits:"); ok {
			hits, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return hits
		}
	}
	t.Fatal("no keyspace_hits in INFO stats")
	return 0
}

// TestCLIDiscoverFindsUnlistedConfigs: with --discover, get and export
// find a config stored under a namespace but missing from its list.
func TestCLIDiscoverFindsUnlistedConfigs(t *testing.T) {
	m, url := seeded(t)
	m.Set("database-extra", `{"x": 1}`)
	runCLI(t, "", "--redis", url, "get", "database", "extra").want(t, exitError)
	for _, tc := range []cliCase{
		{name: "get", args: []string{"--redis", url, "--discover", "get", "database", "extra"}, stdout: exactly(`{"x": 1}` + "\n")},
		{name: "get field", args: []string{"--redis", url, "--discover", "get", "database", "extra", "x"}, stdout: exactly("1\n")},
		{name: "get namespace", args: []string{"--redis", url, "--discover", "get", "database"}, outHas: []string{`"extra": {"x": 1}`}},
		{name: "export", args: []string{"--redis", url, "--discover", "export", "database"}, outHas: []string{`"extra": {"x": 1}`}},
	} {
		tc.run(t)
	}
}
