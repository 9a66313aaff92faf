// Package demo is the embedded demo that confo opens when asked to: an
// in-process Redis filled with the demo tree through the library, and a
// temporary copy of the same tree for the directory store. Nothing is kept
// once it is closed.
package demo

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

// files is the demo tree in the directory store's layout (<ns>/<cfg>.json),
// used both to fill the embedded Redis and as the demo directory backend.
//
//go:embed data
var files embed.FS

const root = "data"

// Demo is the running demo: an in-process Redis and a folder.
type Demo struct {
	server *miniredis.Miniredis
	dir    string
}

// Start starts an in-process Redis on a loopback port and stores the demo
// tree in it through the library, so it holds exactly the Confo layout. It
// also copies the demo tree to a temporary folder for the directory store.
func Start(ctx context.Context) (*Demo, error) {
	server := miniredis.NewMiniRedis()
	if err := server.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	d := &Demo{server: server}
	if err := Fill(ctx, server.Addr()); err != nil {
		d.Close()
		return nil, err
	}
	dir, err := CopyTree()
	if err != nil {
		d.Close()
		return nil, err
	}
	d.dir = dir
	return d, nil
}

// Addr is the embedded Redis's address.
func (d *Demo) Addr() string { return d.server.Addr() }

// Dir is the folder holding the demo tree for the directory store.
func (d *Demo) Dir() string { return d.dir }

// Close stops the Redis and removes the folder.
func (d *Demo) Close() {
	d.server.Close()
	if d.dir != "" {
		os.RemoveAll(d.dir)
	}
}

// Fill stores the demo tree in the Redis at addr, with the bytes of its files.
func Fill(ctx context.Context, addr string) error {
	store, err := confo.OpenRedis(ctx, confo.RedisConfig{Addr: addr})
	if err != nil {
		return fmt.Errorf("fill embedded redis: %w", err)
	}
	defer store.Close()
	tree, err := Tree()
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

// Tree returns namespace → config → bytes of the embedded demo.
func Tree() (map[string]map[string][]byte, error) {
	tree := map[string]map[string][]byte{}
	err := fs.WalkDir(files, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, root+"/")
		ns, file := path.Split(rel)
		ns = strings.TrimSuffix(ns, "/")
		data, err := files.ReadFile(p)
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

// CopyTree writes the demo tree to a new temporary folder and returns it.
func CopyTree() (string, error) {
	dir, err := os.MkdirTemp("", "confo-demo-")
	if err != nil {
		return "", fmt.Errorf("copy demo files: %w", err)
	}
	tree, err := Tree()
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
