package dirstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/fsnotify/fsnotify"

	"github.com/confo-dev/confo/confo/store"
)

// Watch implements store.Watcher with the system's file notifications
// (inotify, kqueue, ReadDirectoryChangesW) on the folder and each
// namespace folder: nothing is read while nothing changes. A namespace
// folder that appears is watched from then on.
func (s *Store) Watch(ctx context.Context, _ store.WatchOptions) (<-chan store.Change, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	snap := &store.Snapshot{}
	err = s.readRegistry(snap)
	if err == nil {
		err = fw.Add(s.dir)
	}
	for _, ns := range snap.Registry {
		if err != nil {
			break
		}
		err = fw.Add(filepath.Join(s.dir, ns))
	}
	if err != nil {
		fw.Close()
		return nil, err
	}
	q, out := store.NewChangeQueue(ctx)
	go s.watch(ctx, fw, q)
	return out, nil
}

func (s *Store) watch(ctx context.Context, fw *fsnotify.Watcher, q *store.ChangeQueue) {
	defer fw.Close()
	q.Push(store.Change{Kind: store.ChangeReady, Detail: "file system notifications"})
	for {
		select {
		case <-ctx.Done():
			return
		case err := <-fw.Errors:
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				q.Push(store.Change{Kind: store.ChangeResync, Detail: "too many file events at once"})
			} else if err != nil {
				q.Push(store.Change{Kind: store.ChangeError, Err: err})
			}
		case ev := <-fw.Events:
			s.fileChanged(fw, q, ev)
		}
	}
}

// fileChanged turns one file event into changes: an entry of the top
// folder is a namespace, a *.json file in a namespace folder a config.
func (s *Store) fileChanged(fw *fsnotify.Watcher, q *store.ChangeQueue, ev fsnotify.Event) {
	rel, err := filepath.Rel(s.dir, ev.Name)
	if err != nil || strings.HasPrefix(rel, "..") {
		return
	}
	ns, file, nested := strings.Cut(filepath.ToSlash(rel), "/")
	if strings.HasPrefix(ns, ".") || store.ValidateNamespaceName(ns) != nil {
		return // hidden, like the private folder: not a namespace
	}
	entries := ev.Has(fsnotify.Create) || ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)
	if !nested {
		if !entries {
			return
		}
		if ev.Has(fsnotify.Create) {
			if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
				// Configs written before this watch was added send no
				// event of their own: their list is reported instead.
				if err := fw.Add(ev.Name); err != nil {
					q.Push(store.Change{Kind: store.ChangeError, Err: err})
				}
				q.Push(store.Change{Kind: store.ChangeList, Namespace: ns})
			}
		}
		q.Push(store.Change{Kind: store.ChangeRegistry})
		return
	}
	cfg, isConfig := strings.CutSuffix(file, configExt)
	if !isConfig || strings.Contains(cfg, "/") || store.ValidateConfigName(cfg) != nil {
		return
	}
	if entries {
		q.Push(store.Change{Kind: store.ChangeList, Namespace: ns})
	}
	q.Push(store.Change{Kind: store.ChangeConfig, Namespace: ns, Config: cfg})
}
