package redisstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// A watch of a cluster tracks every master, so a change is reported
// whichever master holds its key; when a slot moves it follows the key to
// its new master.
func TestClusterWatchSeesEveryMaster(t *testing.T) {
	c := redisserver.NewCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	raw := c.Client()
	t.Cleanup(func() { raw.Close() })
	const prefix = "w:"
	// Configs on each of the three masters.
	names := map[*redisserver.Server]string{}
	for i := 0; len(names) < len(c.Masters()); i++ {
		name := fmt.Sprint("c", i)
		m, err := c.MasterFor(ctx, prefix+"ns-"+name)
		check(t, err)
		if _, seen := names[m]; !seen {
			names[m] = name
		}
	}
	var listed []string
	for _, name := range names {
		listed = append(listed, `"`+name+`"`)
	}
	check(t, raw.Set(ctx, prefix+"confo", `{"namespaces": ["ns"]}`, 0).Err())
	check(t, raw.Set(ctx, prefix+"ns", `{"configurations": [`+strings.Join(listed, ", ")+`]}`, 0).Err())
	s := openPrefixed(t, c.URL(), prefix)
	changes, err := s.Watch(ctx, store.WatchOptions{})
	check(t, err)
	ready := redisstore.AwaitChange(t, changes, "ready", func(c store.Change) bool { return c.Kind == store.ChangeReady })
	if !strings.Contains(ready.Detail, "CLIENT TRACKING") || !strings.Contains(ready.Detail, "3 masters") {
		t.Fatalf("watching by %q", ready.Detail)
	}
	for m, name := range names {
		check(t, raw.Set(ctx, prefix+"ns-"+name, `{"on": "`+m.Addr+`"}`, 0).Err())
		redisstore.AwaitChange(t, changes, "the change of "+name+" on "+m.Addr, isConfig("ns", name))
	}

	// Move one config's slot to another master, then change it there.
	var name string
	var from *redisserver.Server
	for m, n := range names {
		from, name = m, n
		break
	}
	slot, err := c.KeySlot(ctx, prefix+"ns-"+name)
	check(t, err)
	to := c.Masters()[0]
	if to == from {
		to = c.Masters()[1]
	}
	check(t, c.MigrateSlot(ctx, slot, from, to))
	check(t, raw.Set(ctx, prefix+"ns-"+name, `{"moved": true}`, 0).Err())
	redisstore.AwaitChange(t, changes, "the change after the slot moved", isConfig("ns", name))
}

func isConfig(ns, cfg string) func(store.Change) bool {
	return func(c store.Change) bool { return c.Kind == store.ChangeConfig && c.Namespace == ns && c.Config == cfg }
}
