package redisstore_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// A cluster whose master died with no replica to take over is down: every
// node still answers PING but refuses commands on keys. Opening it says
// the cluster is down (what `confo backends` shows) rather than succeed,
// and a store opened before says so on a read, in those words: not as a
// slot migration, and not that nothing was written.
func TestClusterDownIsSaidSo(t *testing.T) {
	c := redisserver.NewCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// A master that holds none of the keys read, so that the reads go to
	// live nodes, which refuse them.
	prefix, dead := prefixWhere(ctx, t, c, []string{"confo", "rt", "rt-cfg"}, func(owner []*redisserver.Server) *redisserver.Server {
		for _, m := range c.Masters() {
			if !slices.Contains(owner, m) {
				return m
			}
		}
		return nil
	})
	s := openPrefixed(t, c.URL(), prefix)
	roundTrip(t, s)
	check(t, dead.Kill())
	live := c.Masters()[0]
	if live == dead {
		live = c.Masters()[1]
	}
	alive := live.Client()
	defer alive.Close()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		info, err := alive.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:fail") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cluster is not down 30 s after a master died: %v %s", err, info)
		}
	}
	assertDown := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrUnreachable) {
			t.Fatalf("%s: %v, want unreachable", what, err)
		}
		msg := err.Error()
		t.Logf("%s: %s", what, msg)
		if !strings.Contains(msg, "the cluster is down (a master is unreachable and has no replica to take over)") ||
			strings.Contains(msg, "nothing was written") || strings.Contains(msg, "slot map is changing") {
			t.Errorf("%s: %s", what, msg)
		}
	}
	cfg, err := redisstore.ParseURL(c.URL())
	check(t, err)
	_, err = redisstore.Open(ctx, cfg)
	assertDown("open", err)
	if !strings.Contains(err.Error(), "cluster_state:fail") {
		t.Errorf("open does not quote the cluster's state: %v", err)
	}
	_, err = confo.Reload(ctx, s, confo.NewWorkspace(s.Naming()), confo.ReloadOptions{Discard: true})
	assertDown("read", err)
}
