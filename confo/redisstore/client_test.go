package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// openURL opens the store a URL names, under a fresh prefix.
func openURL(t *testing.T, rawURL string) (*redisstore.Store, error) {
	t.Helper()
	return openAt(t, rawURL, confotest.FreshPrefix())
}

// openPrefixed opens the store a URL names, under prefix.
func openPrefixed(t *testing.T, rawURL, prefix string) *redisstore.Store {
	t.Helper()
	s, err := openAt(t, rawURL, prefix)
	check(t, err)
	return s
}

func openAt(t *testing.T, rawURL, prefix string) (*redisstore.Store, error) {
	t.Helper()
	cfg, err := redisstore.ParseURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Prefix = prefix
	s, err := redisstore.Open(context.Background(), cfg)
	if err == nil {
		t.Cleanup(func() { s.Close() })
	}
	return s, err
}

// roundTrip persists a config through s and reads it back with a fresh
// load.
func roundTrip(t *testing.T, s confo.Store) {
	t.Helper()
	ctx := context.Background()
	ws := confotest.Loaded(t, s)
	if ws.Namespace("rt") == nil {
		check(t, ws.CreateNamespace("rt"))
	}
	check(t, ws.Set("rt", "cfg", confo.ParseLiteral(fmt.Sprintf(`{"at": %q, "n": %d}`, s.Address(), time.Now().UnixNano()))))
	check(t, confo.Persist(ctx, s, ws, confo.Scope{}, confo.CommitOptions{}))
	again := confotest.Loaded(t, s)
	if v, err := again.GetField("rt", "cfg", "at"); err != nil || v.Str() != s.Address() {
		t.Fatalf("read back %v, %v", v, err)
	}
}

// Every form of address reaches the right deployment, and writes and reads
// there.
func TestOpenFindsTheDeployment(t *testing.T) {
	c := confotest.Cluster(t)
	g := confotest.Sentinel(t)
	for _, tc := range []struct {
		name, url, want string
	}{
		{"cluster seed list", c.URL(), "cluster "},
		{"one cluster node", "redis://" + c.Masters()[2].Addr, "cluster " + c.Masters()[2].Addr},
		{"one cluster node, database 0", "redis://" + c.Masters()[0].Addr + "/0", "cluster "},
		{"sentinel, redis+sentinel://", g.URL(), "sentinel mymaster via "},
		{"sentinel, ?master_name=", "redis://" + g.Sentinels[1].Addr + "?master_name=mymaster", "sentinel mymaster via " + g.Sentinels[1].Addr},
		{"standalone", "redis://" + g.Master.Addr + "/3", g.Master.Addr + "/3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := openURL(t, tc.url)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(s.Address(), tc.want) || s.ReadOnly() {
				t.Fatalf("opened %q (read-only %v), want %q…", s.Address(), s.ReadOnly(), tc.want)
			}
			roundTrip(t, s)
		})
	}
}

func TestOpenRefusesWhatCannotWork(t *testing.T) {
	c := confotest.Cluster(t)
	g := confotest.Sentinel(t)
	for _, tc := range []struct {
		name, url, mention string
		is                 error
	}{
		{"database 1 of a cluster node", "redis://" + c.Masters()[0].Addr + "/1",
			c.Masters()[0].Addr + " is a Redis Cluster node, and a cluster has only database 0; drop /1 from the URL", redisstore.ErrBadURL},
		{"an unknown master name", "redis+sentinel://" + g.Sentinels[0].Addr + "?master_name=nope",
			`knows no master named "nope"`, nil},
		{"no sentinel answers", "redis+sentinel://127.0.0.1:1?master_name=mymaster", "the sentinels of mymaster", confo.ErrUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openURL(t, tc.url)
			if err == nil || !strings.Contains(err.Error(), tc.mention) || tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("got %v, want an error mentioning %q", err, tc.mention)
			}
		})
	}
}

// A replica's address opens read-only, saying so: a write would only be
// refused with READONLY.
func TestOpenAReplicaReadOnly(t *testing.T) {
	g := confotest.Sentinel(t)
	s, err := openURL(t, "redis://"+g.Replica.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if !s.ReadOnly() || !strings.Contains(s.Address(), "a replica of "+g.Master.Addr) {
		t.Fatalf("a replica opened as %q, read-only %v", s.Address(), s.ReadOnly())
	}
	confotest.Loaded(t, s)
}

// Sentinels with a password of their own, and data nodes with another.
func TestOpenSentinelWithBothPasswords(t *testing.T) {
	g := redisserver.NewSentinelWith(t, redisserver.SentinelOptions{SentinelPassword: "sentinel-pw", Server: redisserver.ServerOptions{User: "ops", Password: "data-pw"}})
	s, err := openURL(t, g.URL())
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, s)
	_, err = openURL(t, strings.Replace(g.URL(), "sentinel-pw", "wrong", 1))
	if !errors.Is(err, confo.ErrAuth) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("a wrong sentinel password: %v", err)
	}
	_, err = openURL(t, strings.Replace(g.URL(), "data-pw", "wrong", 1))
	if !errors.Is(err, confo.ErrAuth) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("a wrong data password: %v", err)
	}
}

// A cluster with replicas and a password, reached through a replica's
// address alone.
func TestOpenClusterThroughAReplica(t *testing.T) {
	c := redisserver.NewClusterWith(t, redisserver.ClusterOptions{ReplicasPerMaster: 1, Server: redisserver.ServerOptions{Password: "pw"}})
	s, err := openURL(t, "redis://:pw@"+c.Replicas()[0].Addr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Address(), "cluster ") || s.ReadOnly() {
		t.Fatalf("a cluster replica's address opened %q, read-only %v", s.Address(), s.ReadOnly())
	}
	roundTrip(t, s)
	if _, err := openURL(t, "redis://:nope@"+c.Replicas()[0].Addr); !errors.Is(err, confo.ErrAuth) {
		t.Errorf("a wrong password: %v", err)
	}
}

func TestOpenUnixSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "redis.sock")
	redisserver.Redis(t, "--unixsocket", sock, "--unixsocketperm", "700")
	s, err := openURL(t, "unix://"+sock+"?db=2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Address(), "unix:"+sock+"/2 ") {
		t.Errorf("address %s", s.Address())
	}
	roundTrip(t, s)
}

// A seed list of which no node answers names every seed and why, on one
// line, not only the last one go-redis tried.
func TestClusterSeedsNoneAnswers(t *testing.T) {
	a := fmt.Sprintf("127.0.0.1:%d", redisserver.FreePort(t))
	b := fmt.Sprintf("127.0.0.1:%d", redisserver.FreePort(t))
	_, err := openURL(t, "redis://"+a+"?addr="+b)
	if !errors.Is(err, store.ErrUnreachable) {
		t.Fatalf("got %v, want unreachable", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "cannot reach any of the 2 seed nodes: ") || !strings.Contains(msg, a) || !strings.Contains(msg, b) || strings.Contains(msg, "\n") {
		t.Errorf("does not name both seeds on one line: %s", msg)
	}
}
