package dirstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/confo-dev/confo/confo/store"
)

// dirFixture must survive a load and an unchanged write byte for byte.
const dirFixture = `{"host": "localhost", "port": 3306, "ratio": 1.0, "uni": "caf\u00e9 \u2603 \ud83d\ude00", "tags": ["a", null, true]}`

// dirTestTree creates files under root: a key ending in "/" is a folder, a
// value starting with "->" is a symlink to the rest.
func dirTestTree(t *testing.T, root string, tree map[string]string) {
	t.Helper()
	for _, rel := range slices.Sorted(maps.Keys(tree)) {
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		content := tree[rel]
		var err error
		switch {
		case strings.HasSuffix(rel, "/"):
			err = os.MkdirAll(path, 0o755)
		case strings.HasPrefix(content, "->"):
			err = os.Symlink(strings.TrimPrefix(content, "->"), path)
		default:
			err = os.WriteFile(path, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// dirTestRead lists everything under root in dirTestTree's notation. Since
// confo leaves nothing of its own in the tree, that is every file.
func dirTestRead(t *testing.T, root string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == root {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			got[rel] = "->" + target
			return err
		case d.IsDir():
			got[rel+"/"] = ""
			return nil
		case !d.Type().IsRegular():
			got[rel] = "<" + d.Type().String() + ">" // reading a named pipe would block
			return nil
		}
		data, err := os.ReadFile(path)
		got[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// dirTestDiff compares a tree read with dirTestRead with the expected one,
// whose folders may be left implicit.
func dirTestDiff(t *testing.T, got, want map[string]string) {
	t.Helper()
	want = maps.Clone(want)
	for rel := range want {
		for dir := filepath.Dir(strings.TrimSuffix(rel, "/")); dir != "."; dir = filepath.Dir(dir) {
			want[dir+"/"] = ""
		}
	}
	keys := slices.Sorted(maps.Keys(got))
	for k := range want {
		if _, ok := got[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		g, gok := got[k]
		w, wok := want[k]
		switch {
		case !wok:
			t.Errorf("unexpected %s = %q", k, g)
		case !gok:
			t.Errorf("missing %s, want %q", k, w)
		case g != w:
			t.Errorf("%s = %q, want %q", k, g, w)
		}
	}
}

// dirTestFormat prints snapshots readably, for comparison.
func dirTestFormat(nss []store.NamespaceSnapshot) string {
	var b strings.Builder
	for _, ns := range nss {
		fmt.Fprintf(&b, "%s problem=%q\n", ns.Name, ns.Problem)
		for _, c := range ns.Configs {
			fmt.Fprintf(&b, "  %s state=%d %q detail=%q unlisted=%v\n", c.Name, c.Raw.State, c.Raw.Bytes, c.Raw.Detail, c.Unlisted)
		}
	}
	return b.String()
}

func dirTestOpen(t *testing.T, root string, readOnly bool) *Store {
	t.Helper()
	s, err := Open(Config{Path: root, ReadOnly: readOnly})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDirConfigFromCredentials(t *testing.T) {
	for _, tc := range []struct {
		name    string
		creds   map[string]any
		want    Config
		wantErr string // a word the error must contain; "" for success
	}{
		{"path only", map[string]any{"config_path": "/etc/confo"}, Config{Path: "/etc/confo"}, ""},
		{"read_only bool", map[string]any{"config_path": "x", "read_only": true}, Config{Path: "x", ReadOnly: true}, ""},
		{"read_only true string", map[string]any{"config_path": "x", "read_only": "True"}, Config{Path: "x", ReadOnly: true}, ""},
		{"read_only 1", map[string]any{"config_path": "x", "read_only": "1"}, Config{Path: "x", ReadOnly: true}, ""},
		{"read_only 0", map[string]any{"config_path": "x", "read_only": "0"}, Config{Path: "x"}, ""},
		{"read_only false", map[string]any{"config_path": "x", "read_only": false}, Config{Path: "x"}, ""},
		{"missing path", map[string]any{"read_only": true}, Config{}, "config_path"},
		{"nil creds", nil, Config{}, "config_path"},
		{"empty path", map[string]any{"config_path": ""}, Config{}, "config_path"},
		{"path not a string", map[string]any{"config_path": 42}, Config{}, "config_path"},
		{"read_only garbage", map[string]any{"config_path": "x", "read_only": "maybe"}, Config{}, "read_only"},
		{"read_only number", map[string]any{"config_path": "x", "read_only": 1}, Config{}, "read_only"},
		{"unknown key", map[string]any{"config_path": "x", "redis_host": "localhost"}, Config{}, "redis_host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConfigFromCredentials(tc.creds)
			if tc.wantErr == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
				}
				return
			}
			if !errors.Is(err, store.ErrBadCredentials) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %+v, %v; want store.ErrBadCredentials naming %s", got, err, tc.wantErr)
			}
		})
	}
}

func TestOpenDir(t *testing.T) {
	root := t.TempDir()
	dirTestTree(t, root, map[string]string{"file": "x", "sub/": ""})
	for _, tc := range []struct {
		name     string
		path     string
		readOnly bool
		wantErr  string
	}{
		{"existing folder", root, false, ""},
		{"existing folder read-only", root, true, ""},
		{"relative path", "sub", false, ""},
		{"missing folder", filepath.Join(root, "nope"), false, "create it first"},
		{"missing folder read-only", filepath.Join(root, "nope"), true, "create it first"},
		{"a file", filepath.Join(root, "file"), false, "not a directory"},
		{"empty path", "", false, "config_path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(root)
			s, err := Open(Config{Path: tc.path, ReadOnly: tc.readOnly})
			if tc.wantErr != "" {
				if !errors.Is(err, store.ErrBadCredentials) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want store.ErrBadCredentials saying %q", err, tc.wantErr)
				}
				if _, err := os.Stat(filepath.Join(root, "nope")); !errors.Is(err, fs.ErrNotExist) {
					t.Fatal("Open created the missing folder")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := filepath.Abs(tc.path); s.Address() != want || !filepath.IsAbs(s.Address()) {
				t.Errorf("Address() = %q, want %q", s.Address(), want)
			}
			if s.Kind() != store.BackendDir || s.ReadOnly() != tc.readOnly || s.Close() != nil {
				t.Errorf("Kind %q, ReadOnly %v", s.Kind(), s.ReadOnly())
			}
		})
	}
}

func TestDirLoad(t *testing.T) {
	root := t.TempDir()
	// One of everything Load must cope with.
	dirTestTree(t, root, map[string]string{
		"README.md":      "stray at the top",
		"dangling":       "->nowhere",
		".git/HEAD.json": "{}",
		"confo/x.json":   "{}",
		"empty/":         "",
		"aliased":        "->sales",

		"sales/a-b.json":  `{"n": 2}`,
		"sales/a.json":    `{"n": 1}`,
		"sales/bad.json":  `host=localhost`,
		"sales/zero.json": ``,

		"database/mysqli.json":              dirFixture,
		"database/postgres.json":            `{"host":"compact",  "n": 1.50}`,
		"database/linked.json":              "->../shared/real.json",
		"database/x.json/":                  "",
		"database/y.json":                   "->nowhere.json",
		"database/notes.txt":                "stray",
		"database/sub/deep.json":            "{}",
		"database/.DS_Store":                "hidden",
		"database/.mysqli.json.tmp-1234567": `{"host": "half`,
		"database/.hidden.json":             `{"h": 1}`,
		"database/.json":                    `{}`,
		"database/bad\x01name.json":         `{}`,
		"database/" + legacyLockName:        "",
		"shared/real.json":                  `{"shared": true}`,
	})
	// A named pipe must be reported, not opened: opening it would block.
	if err := syscall.Mkfifo(filepath.Join(root, "database/pipe.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	untouched := dirTestRead(t, root)
	s := dirTestOpen(t, root, true)

	registry := []string{"aliased", "database", "empty", "sales", "shared"}
	database := store.NamespaceSnapshot{Name: "database", Configs: []store.ConfigSnapshot{
		{Name: ".hidden", Raw: store.PresentRaw([]byte(`{"h": 1}`))},
		{Name: "linked", Raw: store.PresentRaw([]byte(`{"shared": true}`))},
		{Name: "mysqli", Raw: store.PresentRaw([]byte(dirFixture))},
		{Name: "pipe", Raw: store.Raw{State: store.RawUnreadable, Detail: "is a named pipe"}},
		{Name: "postgres", Raw: store.PresentRaw([]byte(`{"host":"compact",  "n": 1.50}`))},
		// Tests run as root, for whom chmod 000 does not stop a read, so the
		// unreadable configs are a folder and a dangling symlink.
		{Name: "x", Raw: store.Raw{State: store.RawUnreadable, Detail: "is a directory"}},
		{Name: "y", Raw: store.Raw{State: store.RawUnreadable, Detail: `dangling symlink to "nowhere.json"`}},
	}}
	sales := store.NamespaceSnapshot{Name: "sales", Configs: []store.ConfigSnapshot{
		{Name: "a", Raw: store.PresentRaw([]byte(`{"n": 1}`))},
		{Name: "a-b", Raw: store.PresentRaw([]byte(`{"n": 2}`))},
		{Name: "bad", Raw: store.PresentRaw([]byte(`host=localhost`))},
		{Name: "zero", Raw: store.PresentRaw([]byte{})},
	}}
	shared := store.NamespaceSnapshot{Name: "shared", Configs: []store.ConfigSnapshot{{Name: "real", Raw: store.PresentRaw([]byte(`{"shared": true}`))}}}
	aliased := sales
	aliased.Name = "aliased"
	topWarnings := []string{`stray file "README.md"`, `folder "confo"`, `stray file "dangling"`}
	withDatabase := append(slices.Clone(topWarnings),
		`"database": file ".json" ignored`, `"database": ".mysqli.json.tmp-1234567" is left over`,
		`"database": file "bad\x01name.json" ignored`, `"database": stray file "notes.txt"`, `"database": subfolder "sub"`)

	for _, tc := range []struct {
		name         string
		namespaces   []string
		want         []store.NamespaceSnapshot
		wantWarnings []string
		wantErr      error
	}{
		{"all", nil, []store.NamespaceSnapshot{aliased, database, {Name: "empty"}, sales, shared}, withDatabase, nil},
		{"one", []string{"sales"}, []store.NamespaceSnapshot{sales}, topWarnings, nil},
		{"repeated and unsorted", []string{"sales", "database", "sales"}, []store.NamespaceSnapshot{database, sales}, withDatabase, nil},
		{"none", []string{}, nil, topWarnings, nil},
		{"unknown", []string{"sales", "nope"}, nil, nil, store.ErrNamespaceNotFound},
		{"hidden is unknown", []string{".git"}, nil, nil, store.ErrNamespaceNotFound},
		{"invalid is unknown", []string{"confo"}, nil, nil, store.ErrNamespaceNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls [][2]int
			snap, err := s.Load(context.Background(), store.LoadOptions{
				Namespaces: tc.namespaces,
				Discover:   true, // meaningless here: must change nothing
				Progress:   func(done, total int) { calls = append(calls, [2]int{done, total}) },
			})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("got %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(snap.Registry, registry) {
				t.Errorf("Registry = %q, want %q", snap.Registry, registry)
			}
			if got, want := dirTestFormat(snap.Namespaces), dirTestFormat(tc.want); got != want {
				t.Errorf("Namespaces\n got:\n%s\nwant:\n%s", got, want)
			}
			if len(snap.Warnings) != len(tc.wantWarnings) {
				t.Errorf("Warnings = %q, want %d like %q", snap.Warnings, len(tc.wantWarnings), tc.wantWarnings)
			}
			for i, want := range tc.wantWarnings {
				if i < len(snap.Warnings) && !strings.Contains(snap.Warnings[i], want) {
					t.Errorf("Warnings[%d] = %q, want it to mention %s", i, snap.Warnings[i], want)
				}
			}
			// Files with invalid names count too: Progress counts files read.
			configs := 0
			for _, ns := range tc.want {
				configs += len(ns.Configs)
				if ns.Name == "database" {
					configs += 2
				}
			}
			for i, c := range calls {
				if c[0] > c[1] || i > 0 && c[0] < calls[i-1][0] {
					t.Errorf("Progress calls %v: done must grow and stay within total", calls)
					break
				}
			}
			if last := calls[len(calls)-1]; last != [2]int{configs, configs} {
				t.Errorf("last Progress(%d, %d), want (%d, %d)", last[0], last[1], configs, configs)
			}
		})
	}
	dirTestDiff(t, dirTestRead(t, root), untouched)
}

func TestDirLoadCancelled(t *testing.T) {
	root := t.TempDir()
	dirTestTree(t, root, map[string]string{"database/mysqli.json": "{}"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := dirTestOpen(t, root, false).Load(ctx, store.LoadOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Load with a cancelled context: %v", err)
	}
}

func TestDirCommit(t *testing.T) {
	before := map[string]string{
		"database/mysqli.json":   dirFixture,
		"database/postgres.json": `{"host": "pg"}`,
		"sales/leads.json":       `{"n": 1}`,
		"empty/":                 "",
	}
	mysqli := store.PresentRaw([]byte(dirFixture))
	postgres := store.PresentRaw([]byte(`{"host": "pg"}`))
	leads := store.PresentRaw([]byte(`{"n": 1}`))
	// with is before with entries set and removed.
	with := func(set map[string]string, remove ...string) map[string]string {
		m := maps.Clone(before)
		maps.Copy(m, set)
		for _, k := range remove {
			delete(m, k)
		}
		return m
	}
	for _, tc := range []struct {
		name string
		// Another client's doing between our load and our commit.
		otherSet      map[string]string
		otherRemove   []string
		changes       []store.NamespaceChange
		opts          store.CommitOptions
		wantWritten   []string
		wantConflicts []string
		wantErr       error
		wantErrText   string
		after         map[string]string
	}{
		{
			name: "create a config",
			changes: []store.NamespaceChange{{Namespace: "database", ListAdd: []string{"cache"},
				Configs: []store.ConfigChange{{Name: "cache", Expect: store.MissingRaw(), Write: []byte(`{"ttl": 60}`)}}}},
			wantWritten: []string{"database"},
			after:       with(map[string]string{"database/cache.json": `{"ttl": 60}`}),
		},
		{
			name: "update keeps bytes exactly",
			changes: []store.NamespaceChange{{Namespace: "database",
				Configs: []store.ConfigChange{{Name: "mysqli", Expect: mysqli, Write: []byte(strings.Replace(dirFixture, "3306", "3307", 1))}}}},
			wantWritten: []string{"database"},
			after:       with(map[string]string{"database/mysqli.json": strings.Replace(dirFixture, "3306", "3307", 1)}),
		},
		{
			name: "delete",
			changes: []store.NamespaceChange{{Namespace: "database", ListRemove: []string{"postgres"},
				Configs: []store.ConfigChange{{Name: "postgres", Expect: postgres}}}},
			wantWritten: []string{"database"},
			after:       with(nil, "database/postgres.json"),
		},
		{
			name: "register a namespace",
			changes: []store.NamespaceChange{{Namespace: "billing", Register: true, ListAdd: []string{"stripe"},
				Configs: []store.ConfigChange{{Name: "stripe", Expect: store.MissingRaw(), Write: []byte(`{"key": "x"}`)}}}},
			wantWritten: []string{"billing"},
			after:       with(map[string]string{"billing/stripe.json": `{"key": "x"}`}),
		},
		{
			name:        "register an empty namespace",
			changes:     []store.NamespaceChange{{Namespace: "billing", Register: true}},
			wantWritten: []string{"billing"},
			after:       with(map[string]string{"billing/": ""}),
		},
		{
			name:     "changed on disk: nothing of the namespace is written",
			otherSet: map[string]string{"database/mysqli.json": `{"host": "theirs"}`},
			changes: []store.NamespaceChange{{Namespace: "database", Configs: []store.ConfigChange{
				{Name: "postgres", Expect: postgres, Write: []byte(`{"host": "ours"}`)},
				{Name: "mysqli", Expect: mysqli, Write: []byte(`{"host": "ours"}`)},
			}}},
			wantConflicts: []string{"database/mysqli: changed by another client"},
			after:         with(map[string]string{"database/mysqli.json": `{"host": "theirs"}`}),
		},
		{
			name:     "changed on disk to our very bytes is still a conflict",
			otherSet: map[string]string{"database/mysqli.json": `{"host": "same"}`},
			changes: []store.NamespaceChange{{Namespace: "database", Configs: []store.ConfigChange{
				{Name: "mysqli", Expect: mysqli, Write: []byte(`{"host": "same"}`)},
			}}},
			wantConflicts: []string{"database/mysqli: changed by another client"},
			after:         with(map[string]string{"database/mysqli.json": `{"host": "same"}`}),
		},
		{
			name:        "deleted on disk",
			otherRemove: []string{"database/mysqli.json"},
			changes: []store.NamespaceChange{{Namespace: "database", Configs: []store.ConfigChange{
				{Name: "mysqli", Expect: mysqli, Write: []byte(`{"host": "ours"}`)},
				{Name: "cache", Expect: store.MissingRaw(), Write: []byte(`{}`)},
			}}},
			wantConflicts: []string{"database/mysqli: deleted by another client"},
			after:         with(nil, "database/mysqli.json"),
		},
		{
			name:     "created on disk",
			otherSet: map[string]string{"database/cache.json": `{"theirs": 1}`},
			changes: []store.NamespaceChange{{Namespace: "database", Configs: []store.ConfigChange{
				{Name: "cache", Expect: store.MissingRaw(), Write: []byte(`{"ours": 1}`)},
			}}},
			wantConflicts: []string{"database/cache: created by another client"},
			after:         with(map[string]string{"database/cache.json": `{"theirs": 1}`}),
		},
		{
			name:        "overwrite wins",
			otherSet:    map[string]string{"database/mysqli.json": `{"host": "theirs"}`},
			otherRemove: []string{"database/postgres.json"},
			changes: []store.NamespaceChange{{Namespace: "database", Configs: []store.ConfigChange{
				{Name: "mysqli", Expect: mysqli, Write: []byte(`{"host": "ours"}`)},
				{Name: "postgres", Expect: postgres, Write: []byte(`{"host": "ours too"}`)},
			}}},
			opts:        store.CommitOptions{Overwrite: true},
			wantWritten: []string{"database"},
			after:       with(map[string]string{"database/mysqli.json": `{"host": "ours"}`, "database/postgres.json": `{"host": "ours too"}`}),
		},
		{
			name: "unregister an emptied namespace",
			changes: []store.NamespaceChange{{Namespace: "database", Unregister: true, ListRemove: []string{"mysqli", "postgres"},
				Configs: []store.ConfigChange{{Name: "mysqli", Expect: mysqli}, {Name: "postgres", Expect: postgres}}}},
			wantWritten: []string{"database"},
			after:       with(nil, "database/mysqli.json", "database/postgres.json"),
		},
		{
			name:        "unregister an empty namespace",
			changes:     []store.NamespaceChange{{Namespace: "empty", Unregister: true}},
			wantWritten: []string{"empty"},
			after:       with(nil, "empty/"),
		},
		{
			name:        "unregister removes leftover temp files",
			otherSet:    map[string]string{"empty/.x.json.tmp-99": "half"},
			changes:     []store.NamespaceChange{{Namespace: "empty", Unregister: true}},
			wantWritten: []string{"empty"},
			after:       with(nil, "empty/"),
		},
		{
			name:     "unregister with a config added by another client, even with overwrite",
			otherSet: map[string]string{"database/new.json": `{"theirs": 1}`},
			changes: []store.NamespaceChange{{Namespace: "database", Unregister: true, ListRemove: []string{"mysqli", "postgres"},
				Configs: []store.ConfigChange{{Name: "mysqli", Expect: mysqli}, {Name: "postgres", Expect: postgres}}}},
			opts:          store.CommitOptions{Overwrite: true},
			wantConflicts: []string{"database/: namespace has configs added by another client"},
			after:         with(map[string]string{"database/new.json": `{"theirs": 1}`}),
		},
		{
			name:     "unregister with a stray file",
			otherSet: map[string]string{"database/notes.txt": "mine, not confo's"},
			changes: []store.NamespaceChange{{Namespace: "database", Unregister: true,
				Configs: []store.ConfigChange{{Name: "mysqli", Expect: mysqli}, {Name: "postgres", Expect: postgres}}}},
			wantErrText: `"notes.txt"`,
			after:       with(map[string]string{"database/notes.txt": "mine, not confo's"}),
		},
		{
			name:     "two namespaces, one conflicts",
			otherSet: map[string]string{"database/postgres.json": `{"host": "theirs"}`},
			changes: []store.NamespaceChange{
				{Namespace: "database", Configs: []store.ConfigChange{
					{Name: "mysqli", Expect: mysqli, Write: []byte(`{"host": "ours"}`)},
					{Name: "postgres", Expect: postgres, Write: []byte(`{"host": "ours"}`)},
				}},
				{Namespace: "sales", Configs: []store.ConfigChange{{Name: "leads", Expect: leads, Write: []byte(`{"n": 2}`)}}},
			},
			wantWritten:   []string{"sales"},
			wantConflicts: []string{"database/postgres: changed by another client"},
			after:         with(map[string]string{"database/postgres.json": `{"host": "theirs"}`, "sales/leads.json": `{"n": 2}`}),
		},
		{
			name:        "namespace removed by another client",
			otherRemove: []string{"sales"},
			changes: []store.NamespaceChange{{Namespace: "sales", Configs: []store.ConfigChange{
				{Name: "leads", Expect: leads, Write: []byte(`{"n": 2}`)},
				{Name: "fresh", Expect: store.MissingRaw(), Write: []byte(`{}`)},
			}}},
			wantConflicts: []string{"sales/leads: deleted by another client", "sales/: namespace deleted by another client"},
			after:         with(nil, "sales/leads.json"),
		},
		{
			name:        "namespace removed by another client, overwrite recreates it",
			otherRemove: []string{"sales"},
			changes: []store.NamespaceChange{{Namespace: "sales", Configs: []store.ConfigChange{
				{Name: "leads", Expect: leads, Write: []byte(`{"n": 2}`)},
			}}},
			opts:        store.CommitOptions{Overwrite: true},
			wantWritten: []string{"sales"},
			after:       with(map[string]string{"sales/leads.json": `{"n": 2}`}),
		},
		{
			name:        "unregister of a namespace already removed",
			otherRemove: []string{"empty"},
			changes:     []store.NamespaceChange{{Namespace: "empty", Unregister: true}},
			wantWritten: []string{"empty"},
			after:       with(nil, "empty/"),
		},
		{
			name: "an invalid name writes nothing at all",
			changes: []store.NamespaceChange{
				{Namespace: "sales", Configs: []store.ConfigChange{{Name: "leads", Expect: leads, Write: []byte(`{"n": 2}`)}}},
				{Namespace: "database", Configs: []store.ConfigChange{{Name: "../../escape", Expect: store.MissingRaw(), Write: []byte(`{}`)}}},
			},
			wantErr: store.ErrInvalidName,
			after:   with(nil),
		},
		{
			name: "writing in a namespace being removed is refused",
			changes: []store.NamespaceChange{{Namespace: "sales", Unregister: true,
				Configs: []store.ConfigChange{{Name: "leads", Expect: leads, Write: []byte(`{}`)}}}},
			wantErrText: "being removed",
			after:       with(nil),
		},
		{
			name: "an error after a conflict keeps the conflict",
			changes: []store.NamespaceChange{
				{Namespace: "database", Configs: []store.ConfigChange{{Name: "mysqli", Expect: store.MissingRaw(), Write: []byte(`{}`)}}},
				{Namespace: "stray", Register: true},
			},
			otherSet:      map[string]string{"stray": "a file where a folder should be"},
			wantConflicts: []string{"database/mysqli: created by another client"},
			wantErrText:   `persist namespace "stray"`,
			after:         with(map[string]string{"stray": "a file where a folder should be"}),
		},
		{
			name:    "a hidden namespace is refused",
			changes: []store.NamespaceChange{{Namespace: ".secret", Register: true}},
			wantErr: store.ErrInvalidName,
			after:   with(nil),
		},
		{
			name:    "empty changes are skipped",
			changes: []store.NamespaceChange{{Namespace: "database"}},
			after:   with(nil),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dirTestTree(t, root, before)
			dirTestTree(t, root, tc.otherSet)
			for _, rel := range tc.otherRemove {
				if err := os.RemoveAll(filepath.Join(root, rel)); err != nil {
					t.Fatal(err)
				}
			}
			s := dirTestOpen(t, root, false)
			written, err := s.Commit(context.Background(), tc.changes, tc.opts)

			switch {
			case tc.wantConflicts != nil:
				conflict, ok := errors.AsType[*store.ConflictError](err)
				if !ok || !errors.Is(err, store.ErrConflict) {
					t.Fatalf("err = %v, want a store.ConflictError", err)
				}
				var got []string
				for _, c := range conflict.Conflicts {
					got = append(got, c.Namespace+"/"+c.Config+": "+c.Reason)
				}
				if !slices.Equal(got, tc.wantConflicts) {
					t.Errorf("conflicts = %q, want %q", got, tc.wantConflicts)
				}
				if !strings.Contains(err.Error(), tc.wantErrText) {
					t.Errorf("err = %v, want one mentioning %s", err, tc.wantErrText)
				}
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			case tc.wantErrText != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErrText) {
					t.Fatalf("err = %v, want one mentioning %s", err, tc.wantErrText)
				}
			case err != nil:
				t.Fatal(err)
			}
			if !slices.Equal(written, tc.wantWritten) {
				t.Errorf("written = %q, want %q", written, tc.wantWritten)
			}
			// A full comparison, so it also proves no temp file was left behind.
			dirTestDiff(t, dirTestRead(t, root), tc.after)
		})
	}
}

func TestDirCommitConflictCarriesBothSides(t *testing.T) {
	root := t.TempDir()
	dirTestTree(t, root, map[string]string{"database/mysqli.json": `{"host": "theirs"}`})
	s := dirTestOpen(t, root, false)
	ours := store.PresentRaw([]byte(dirFixture))
	_, err := s.Commit(context.Background(), []store.NamespaceChange{{Namespace: "database",
		Configs: []store.ConfigChange{{Name: "mysqli", Expect: ours, Write: []byte(`{}`)}}}}, store.CommitOptions{})
	conflict, ok := errors.AsType[*store.ConflictError](err)
	if !ok || len(conflict.Conflicts) != 1 {
		t.Fatalf("err = %v, want one conflict", err)
	}
	c := conflict.Conflicts[0]
	if !c.Ours.Same(ours) || !c.Theirs.Same(store.PresentRaw([]byte(`{"host": "theirs"}`))) {
		t.Fatalf("conflict ours %s, theirs %s", c.Ours.Describe(), c.Theirs.Describe())
	}
}

func TestDirCommitReadOnly(t *testing.T) {
	root := t.TempDir()
	dirTestTree(t, root, map[string]string{"database/mysqli.json": "{}"})
	s := dirTestOpen(t, root, true)
	written, err := s.Commit(context.Background(), []store.NamespaceChange{{Namespace: "database",
		Configs: []store.ConfigChange{{Name: "mysqli", Expect: store.PresentRaw([]byte("{}")), Write: []byte(`{"a": 1}`)}}}}, store.CommitOptions{Overwrite: true})
	if !errors.Is(err, store.ErrReadOnly) || written != nil {
		t.Fatalf("Commit on a read-only store: %q, %v", written, err)
	}
	dirTestDiff(t, dirTestRead(t, root), map[string]string{"database/": "", "database/mysqli.json": "{}"})
	if _, err := s.Load(context.Background(), store.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	dirTestDiff(t, dirTestRead(t, root), map[string]string{"database/": "", "database/mysqli.json": "{}"})
}

// TestDirCommitFiles checks what the written files are, beyond their bytes.
func TestDirCommitFiles(t *testing.T) {
	root := t.TempDir()
	dirTestTree(t, root, map[string]string{
		"database/secret.json": `{"password": "x"}`,
		"database/link.json":   "->../shared/real.json",
		"shared/real.json":     `{"shared": 1}`,
		"database/x.json/":     "",
	})
	if err := os.Chmod(filepath.Join(root, "database/secret.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := dirTestOpen(t, root, false)
	snap, err := s.Load(context.Background(), store.LoadOptions{Namespaces: []string{"database"}})
	if err != nil {
		t.Fatal(err)
	}
	expect := map[string]store.Raw{}
	for _, c := range snap.Namespaces[0].Configs {
		expect[c.Name] = c.Raw
	}
	// The subtests run in order, each on what the previous ones left.
	var secret fs.FileInfo
	for _, tc := range []struct {
		name, config string
		write        []byte
		check        func(t *testing.T)
		wantErr      string
	}{
		{name: "an existing file keeps its mode", config: "secret", write: []byte(`{"password": "y"}`), check: func(t *testing.T) {
			fi, err := os.Stat(filepath.Join(root, "database/secret.json"))
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("secret.json mode %v, %v; want 0600", fi.Mode(), err)
			}
			secret = fi
		}},
		{name: "a new file is 0644", config: "fresh", write: []byte(`{}`), check: func(t *testing.T) {
			if fi, err := os.Stat(filepath.Join(root, "database/fresh.json")); err != nil || fi.Mode().Perm() != 0o644 {
				t.Fatalf("fresh.json mode %v, %v; want 0644", fi.Mode(), err)
			}
		}},
		{name: "a symlink is written through", config: "link", write: []byte(`{"shared": 2}`), check: func(t *testing.T) {
			if target, err := os.Readlink(filepath.Join(root, "database/link.json")); err != nil || target != "../shared/real.json" {
				t.Fatalf("link.json is no longer the link: %q, %v", target, err)
			}
			if data, _ := os.ReadFile(filepath.Join(root, "shared/real.json")); string(data) != `{"shared": 2}` {
				t.Fatalf("link target holds %q", data)
			}
		}},
		{name: "an unchanged config is not rewritten", config: "secret", write: []byte(`{"password": "y"}`), check: func(t *testing.T) {
			if fi, err := os.Stat(filepath.Join(root, "database/secret.json")); err != nil || !os.SameFile(fi, secret) {
				t.Fatalf("secret.json was replaced (%v)", err)
			}
		}},
		{name: "a folder in a config's place is not replaced", config: "x", write: []byte(`{}`), wantErr: "x.json"},
		{name: "nor deleted", config: "x", wantErr: "x.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cur, ok := expect[tc.config]
			if !ok {
				cur = store.MissingRaw()
			}
			_, err := s.Commit(context.Background(), []store.NamespaceChange{{Namespace: "database",
				Configs: []store.ConfigChange{{Name: tc.config, Expect: cur, Write: tc.write}}}}, store.CommitOptions{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), `persist namespace "database"`) {
					t.Fatalf("err = %v, want one about %s", err, tc.wantErr)
				}
				if fi, err := os.Stat(filepath.Join(root, "database/x.json")); err != nil || !fi.IsDir() {
					t.Fatalf("x.json is no longer a folder: %v", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else {
				expect[tc.config] = wanted(store.ConfigChange{Write: tc.write})
			}
			if tc.check != nil {
				tc.check(t)
			}
			entries, _ := os.ReadDir(filepath.Join(root, "database"))
			for _, e := range entries {
				if isTemp(e.Name()) {
					t.Errorf("temp file %s left behind", e.Name())
				}
			}
		})
	}
}

// dirTestHoldLock takes a namespace's lock the way another confo process would.
func dirTestHoldLock(t *testing.T, dir string) (release func()) {
	t.Helper()
	f, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	return func() { f.Close() }
}

func TestDirLockIsRespected(t *testing.T) {
	root := t.TempDir()
	dirTestTree(t, root, map[string]string{"database/mysqli.json": "{}"})
	s := dirTestOpen(t, root, false)
	change := []store.NamespaceChange{{Namespace: "database",
		Configs: []store.ConfigChange{{Name: "mysqli", Expect: store.PresentRaw([]byte("{}")), Write: []byte(`{"a": 1}`)}}}}
	release := dirTestHoldLock(t, filepath.Join(root, "database"))
	// A deadline of the caller's (the TUI's I/O limit) that ends the wait
	// names the holder like the store's own timeout, and is not a
	// deadline error, which would mark the backend unreachable.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Commit(ctx, change, store.CommitOptions{}); !errors.Is(err, store.ErrBusy) || errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), fmt.Sprintf("process %d", os.Getpid())) {
		t.Fatalf("Commit while another process holds the lock, past the caller's deadline: %v", err)
	}
	// Cancelled (the program quits): says so.
	cctx, ccancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, ccancel)
	if _, err := s.Commit(cctx, change, store.CommitOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Commit cancelled while waiting for the lock: %v", err)
	}
	// The store's own timeout: it gives up and names the holder.
	short, err := Open(Config{Path: root, LockTimeout: 80 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = short.Commit(context.Background(), change, store.CommitOptions{})
	locked, ok := errors.AsType[*LockedError](err)
	if !ok || !errors.Is(err, store.ErrBusy) || locked.PID != os.Getpid() || !strings.Contains(err.Error(), fmt.Sprintf("process %d", os.Getpid())) {
		t.Fatalf("Commit past the lock timeout: %v; want a LockedError naming pid %d", err, os.Getpid())
	}
	// Reads take no lock.
	if _, err := s.Load(context.Background(), store.LoadOptions{}); err != nil {
		t.Fatalf("Load while another process holds the lock: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "database/mysqli.json")); string(data) != "{}" {
		t.Fatalf("written despite the lock: %q", data)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.Commit(context.Background(), change, store.CommitOptions{})
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	release()
	if err := <-done; err != nil {
		t.Fatalf("Commit after the lock was released: %v", err)
	}
}

// TestDirConcurrentCommitsLoseNothing runs clients that each read a counter
// and write it back plus one, retrying on conflicts: with the lock and the
// check, every increment lands.
func TestDirConcurrentCommitsLoseNothing(t *testing.T) {
	root := t.TempDir()
	dirTestTree(t, root, map[string]string{"database/counter.json": "0"})
	const clients, increments = 6, 15
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		s := dirTestOpen(t, root, false)
		wg.Go(func() {
			ctx := context.Background()
			for done := 0; done < increments; {
				snap, err := s.Load(ctx, store.LoadOptions{Namespaces: []string{"database"}})
				if err != nil {
					errs <- err
					return
				}
				raw := snap.Namespaces[0].Configs[0].Raw
				n, err := strconv.Atoi(string(raw.Bytes))
				if err != nil {
					errs <- fmt.Errorf("counter holds %q: %w", raw.Bytes, err)
					return
				}
				_, err = s.Commit(ctx, []store.NamespaceChange{{Namespace: "database",
					Configs: []store.ConfigChange{{Name: "counter", Expect: raw, Write: []byte(strconv.Itoa(n + 1))}}}}, store.CommitOptions{})
				switch {
				case errors.Is(err, store.ErrConflict):
				case err != nil:
					errs <- err
					return
				default:
					done++
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "database/counter.json")); string(data) != strconv.Itoa(clients*increments) {
		t.Fatalf("counter = %s, want %d", data, clients*increments)
	}
}

// TestDirRoundTrip checks that what Commit writes, Load returns unchanged.
func TestDirRoundTrip(t *testing.T) {
	root := t.TempDir()
	s := dirTestOpen(t, root, false)
	ctx := context.Background()
	_, err := s.Commit(ctx, []store.NamespaceChange{{Namespace: "database", Register: true, ListAdd: []string{"mysqli", ".dot"},
		Configs: []store.ConfigChange{
			{Name: "mysqli", Expect: store.MissingRaw(), Write: []byte(dirFixture)},
			{Name: ".dot", Expect: store.MissingRaw(), Write: []byte(`[]`)},
		}}}, store.CommitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.Load(ctx, store.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []store.NamespaceSnapshot{{Name: "database", Configs: []store.ConfigSnapshot{
		{Name: ".dot", Raw: store.PresentRaw([]byte(`[]`))},
		{Name: "mysqli", Raw: store.PresentRaw([]byte(dirFixture))},
	}}}
	if got := fmt.Sprintf("%+v", snap.Namespaces); got != fmt.Sprintf("%+v", want) || len(snap.Warnings) != 0 {
		t.Fatalf("loaded %s, warnings %q", got, snap.Warnings)
	}
}
