package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/alicebob/miniredis/v2"

	"github.com/confo-dev/confo/confo"
)

// demoFiles is the demo tree in the filesystem backend's layout
// (<ns>/<cfg>.json), used both to fill the embedded Redis and as the demo
// directory backend.
//
//go:embed testdata/demo
var demoFiles embed.FS

const demoRoot = "testdata/demo"

// embeddedDemo is the in-process Redis that `confo` opens without flags.
type embeddedDemo struct {
	server *miniredis.Miniredis
	dir    string
}

// startDemo starts an in-process Redis on a loopback port and stores the demo
// tree in it through the library, so it holds exactly the Confo layout. It
// also copies the demo tree to a temporary folder for the directory backend.
func startDemo(ctx context.Context) (*embeddedDemo, error) {
	server := miniredis.NewMiniRedis()
	if err := server.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	demo := &embeddedDemo{server: server}
	if err := fillDemo(ctx, server.Addr()); err != nil {
		demo.Close()
		return nil, err
	}
	dir, err := copyDemoTree()
	if err != nil {
		demo.Close()
		return nil, err
	}
	demo.dir = dir
	return demo, nil
}

func (d *embeddedDemo) Addr() string { return d.server.Addr() }

func (d *embeddedDemo) Close() {
	d.server.Close()
	if d.dir != "" {
		os.RemoveAll(d.dir)
	}
}

func fillDemo(ctx context.Context, addr string) error {
	store, err := confo.OpenRedis(ctx, confo.RedisConfig{Addr: addr})
	if err != nil {
		return fmt.Errorf("fill embedded redis: %w", err)
	}
	defer store.Close()
	tree, err := readDemoTree()
	if err != nil {
		return err
	}
	var changes []confo.NamespaceChange
	for _, ns := range sortedKeys(tree) {
		change := confo.NamespaceChange{Namespace: ns, Register: true}
		for _, name := range sortedKeys(tree[ns]) {
			change.ListAdd = append(change.ListAdd, name)
			change.Configs = append(change.Configs, confo.ConfigChange{Name: name, Expect: confo.MissingRaw(), Write: tree[ns][name]})
		}
		changes = append(changes, change)
	}
	if _, err := store.Commit(ctx, changes, confo.CommitOptions{}); err != nil {
		return fmt.Errorf("fill embedded redis: %w", err)
	}
	return nil
}

// readDemoTree returns namespace → config → bytes of the embedded demo.
func readDemoTree() (map[string]map[string][]byte, error) {
	tree := map[string]map[string][]byte{}
	err := fs.WalkDir(demoFiles, demoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, demoRoot+"/")
		ns, file := path.Split(rel)
		ns = strings.TrimSuffix(ns, "/")
		data, err := demoFiles.ReadFile(p)
		if err != nil {
			return err
		}
		if tree[ns] == nil {
			tree[ns] = map[string][]byte{}
		}
		tree[ns][strings.TrimSuffix(file, ".json")] = data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read demo data: %w", err)
	}
	return tree, nil
}

func copyDemoTree() (string, error) {
	dir, err := os.MkdirTemp("", "confo-demo-")
	if err != nil {
		return "", fmt.Errorf("copy demo files: %w", err)
	}
	tree, err := readDemoTree()
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	for ns, configs := range tree {
		if err := os.MkdirAll(filepath.Join(dir, ns), 0o755); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("copy demo files: %w", err)
		}
		for name, data := range configs {
			if err := os.WriteFile(filepath.Join(dir, ns, name+".json"), data, 0o644); err != nil {
				os.RemoveAll(dir)
				return "", fmt.Errorf("copy demo files: %w", err)
			}
		}
	}
	return dir, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
