package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// TestTUISentinelFailover: confo opened through the Sentinels
// (redis+sentinel://…?master_name=) keeps working across a forced failover
// (SENTINEL FAILOVER) and the death of the master, without a restart: an
// edit made before the failover persists after it; while no master
// answers, a persist says so in plain words and writes nothing; once the
// Sentinels promote the replica, R reloads and the persist goes through.
func TestTUISentinelFailover(t *testing.T) {
	g := redisserver.NewSentinel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rdb := g.Client()
	t.Cleanup(func() { rdb.Close() })
	for k, v := range e2eSeed {
		if err := rdb.Set(ctx, k, v, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	e := startPane(t, "", nil, buildConfo(t), "--redis", "ha="+g.URL())
	e.rdb = rdb
	e.waitFor(e2eStartWait, "main screen", hasAll("Namespaces", "mysqli", `"root"`, "sentinel mymaster via"))
	e.goTo("database", "mysqli")
	send(t, e.sock, "l")
	e.selectRow("user", "host", "db_name", "user")
	e.editSelected("mysqli.user", "before-failover")

	if _, err := g.Failover(ctx); err != nil {
		t.Fatal(err)
	}
	e.persistSelected("database/mysqli")
	e.wantRedis("database-mysqli", `{"host": "localhost", "db_name": "sambe_db", "user": "before-failover"}`)

	// The master dies, every write on the replica first.
	old := g.Master.Addr
	if err := waitReplicated(ctx, g.Master); err != nil {
		t.Fatal(err)
	}
	if err := g.Master.Stop(); err != nil {
		t.Fatal(err)
	}
	e.editSelected("mysqli.user", "after-the-master-died")
	send(t, e.sock, "s")
	e.waitFor(e2eWait, "persist question", hasAll("Persist config database/mysqli?"))
	send(t, e.sock, "y")
	e.waitFor(e2eWait, "the error in plain words", hasAll("cannot reach the master of mymaster"))
	if _, err := g.AwaitFailover(ctx, old); err != nil {
		t.Fatal(err)
	}
	// R reloads the backend on the promoted master, keeping the edit; it
	// may take a moment until the Sentinels hand out the new address.
	deadline := time.Now().Add(30 * time.Second)
	for {
		send(t, e.sock, "R")
		e.waitFor(e2eWait, "the reload question", hasAll("Reload backend ha?"))
		send(t, e.sock, "k")
		screen := e.waitFor(e2eWait, "the reload's outcome", hasAnyOf("✓ reloaded backend ha", "✗ reload backend ha"), negate(hasAll("Reload backend ha?")))
		if strings.Contains(screen, "✓ reloaded backend ha") {
			break
		}
		if time.Now().After(deadline) {
			e.fatalf("R still fails after the promotion")
		}
		time.Sleep(500 * time.Millisecond)
	}
	e.waitFor(e2eWait, "the edit kept", matches(`user\s+"after-the-master-died"`))
	e.persistSelected("database/mysqli")
	e.wantRedis("database-mysqli", `{"host": "localhost", "db_name": "sambe_db", "user": "after-the-master-died"}`)
	e.quit()
}

// editSelected edits the selected field to value, as a string.
func (e *e2e) editSelected(field, value string) {
	e.t.Helper()
	send(e.t, e.sock, "Enter")
	e.waitFor(e2eWait, "edit prompt", hasAll("Edit "+field))
	send(e.t, e.sock, "C-u")
	sendText(e.t, e.sock, value)
	e.waitFor(e2eWait, "new value in the prompt", promptShows("Edit "+field, value))
	send(e.t, e.sock, "Enter")
	e.waitFor(e2eWait, "edited field", hasAll("unsaved"), negate(hasAll("Edit "+field)))
}

// persistSelected persists the selected config with s, y and waits for
// the success.
func (e *e2e) persistSelected(what string) {
	e.t.Helper()
	send(e.t, e.sock, "s")
	e.waitFor(e2eWait, "persist question", hasAll("Persist config "+what+"?"))
	send(e.t, e.sock, "y")
	e.waitFor(e2eWait, "persisted", hasAll("✓ persisted"), negate(hasAll("Persist config")))
}

// hasAnyOf holds when the screen shows one of subs.
func hasAnyOf(subs ...string) condition {
	return func(screen string) (bool, string) {
		for _, s := range subs {
			if strings.Contains(screen, s) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("none of %q", subs)
	}
}

// waitReplicated waits until the replicas hold every write of master.
func waitReplicated(ctx context.Context, master *redisserver.Server) error {
	c := master.Client()
	defer c.Close()
	return c.Do(ctx, "WAIT", 1, 2000).Err()
}
