package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// A cluster master that dies is named in the errors it causes, once, and
// not another node; when it comes back at the same address (no replica
// took over), the watch watches it again and reports another client's
// change there.
func TestClusterMasterRestart(t *testing.T) {
	c := redisserver.NewCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The config on a master that dies, the registry and the list on
	// others (a load then fails on reading the config), and not the first
	// address of the URL (which an error must not blame instead).
	prefix, dead := prefixWhere(ctx, t, c, []string{"confo", "ns", "ns-cfg"}, func(owner []*redisserver.Server) *redisserver.Server {
		if m := owner[2]; m != owner[0] && m != owner[1] && m != c.Masters()[0] {
			return m
		}
		return nil
	})
	check(t, writeConfig(c.Client(), prefix))
	s := openPrefixed(t, c.URL(), prefix)
	changes, err := s.Watch(ctx, store.WatchOptions{})
	check(t, err)
	redisstore.AwaitChange(t, changes, "ready", func(c store.Change) bool { return c.Kind == store.ChangeReady })

	check(t, dead.Kill())
	failed := redisstore.AwaitChange(t, changes, "the watch's failure", func(c store.Change) bool { return c.Kind == store.ChangeError })
	assertNamesOnce(t, "the watch's failure", failed.Err, dead.Addr, c.Addrs())
	_, err = s.Load(ctx, store.LoadOptions{})
	if !errors.Is(err, store.ErrUnreachable) {
		t.Fatalf("load with a master down: %v, want unreachable", err)
	}
	assertNamesOnce(t, "the load's failure", err, dead.Addr, c.Addrs())

	check(t, dead.Restart(ctx))
	redisstore.AwaitChange(t, changes, "ready again on the restarted master", func(c store.Change) bool { return c.Kind == store.ChangeReady })
	// The restarted master is empty, and the cluster may need a moment
	// to take it back.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		err := writeConfig(c.Client(), prefix)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("write on the restarted master: %v", err)
		}
	}
	redisstore.AwaitChange(t, changes, "another client's change on the restarted master", isConfig("ns", "cfg"))
}

// assertNamesOnce fails unless err blames the cluster node at addr, once,
// and no other node of all.
func assertNamesOnce(t *testing.T, what string, err error, addr string, all []string) {
	t.Helper()
	msg := err.Error()
	if !strings.Contains(msg, "cluster node "+addr) || strings.Count(msg, "cluster node") != 1 {
		t.Errorf("%s does not blame cluster node %s once: %s", what, addr, msg)
	}
	for _, other := range all {
		if other != addr && strings.Contains(msg, "node "+other) {
			t.Errorf("%s blames %s, which did not fail: %s", what, other, msg)
		}
	}
}

// prefixWhere tries fresh prefixes until pick, given the master of each
// key under one, chooses a master; it returns that prefix and master.
func prefixWhere(ctx context.Context, t *testing.T, c *redisserver.Cluster, keys []string, pick func(owner []*redisserver.Server) *redisserver.Server) (string, *redisserver.Server) {
	t.Helper()
	for {
		prefix := confotest.FreshPrefix()
		owner := make([]*redisserver.Server, len(keys))
		for i, key := range keys {
			var err error
			owner[i], err = c.MasterFor(ctx, prefix+key)
			check(t, err)
		}
		if m := pick(owner); m != nil {
			return prefix, m
		}
	}
}
