package confotest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// The checker must find what it is there to find.
func TestCheckRedisFindsEveryKindOfDamage(t *testing.T) {
	addr := redisserver.Redis(t)
	client := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { client.Close() })
	ctx := context.Background()
	for _, prefix := range []string{"", "p*:"} {
		for k, v := range map[string]string{
			"confo":     `{"namespaces": ["a", "nolist", "bad"]}`,
			"a":         `{"configurations": ["x", "gone"]}`,
			"a-x":       `{}`,
			"a-orphan":  `{}`,
			"old":       `{"configurations": ["y"]}`,
			"old-y":     `1`,
			"bad":       `{"configurations": [1]}`,
			"unrelated": `plain`,
		} {
			if err := client.Set(ctx, prefix+k, v, 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
		st, err := CheckRedis(ctx, client, prefix)
		if err != nil {
			t.Fatal(err)
		}
		want := State{
			Namespaces: 3, Configs: 2,
			Orphans:           []string{prefix + "a-orphan", prefix + "old-y", prefix + "unrelated"},
			UnregisteredLists: []string{prefix + "old"},
			Missing:           []string{"a/gone", "nolist (list)"},
			Malformed:         []string{prefix + `bad: "configurations" holds a number`},
		}
		if st.Namespaces != want.Namespaces || st.Configs != want.Configs || !slices.Equal(st.Orphans, want.Orphans) ||
			!slices.Equal(st.UnregisteredLists, want.UnregisteredLists) || !slices.Equal(st.Missing, want.Missing) ||
			!slices.Equal(st.Malformed, want.Malformed) {
			t.Errorf("prefix %q: state\n%+v\nwant\n%+v", prefix, st, want)
		}
		if st.Err() == nil {
			t.Error("a damaged tree passes")
		}
	}
	// Another prefix's keys are not this tree's.
	st, err := CheckRedis(ctx, client, "q:")
	if err != nil || st.Err() != nil || st.Namespaces != 0 {
		t.Errorf("an empty prefix: %+v, %v", st, err)
	}
}

func TestCheckDirFindsStrayFiles(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"ns/a.json", "ns/notes.txt", "stray.json", "ns/.confo.lock"} {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(`{}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := CheckDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if st.Namespaces != 2 || st.Configs != 1 || !slices.Equal(st.Orphans, []string{"ns/notes.txt", "stray.json"}) || st.Err() == nil {
		t.Errorf("state %+v", st)
	}
}
