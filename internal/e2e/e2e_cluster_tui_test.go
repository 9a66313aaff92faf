package e2e

import (
	"context"
	"testing"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// TestTUIOnACluster: the terminal UI on a 3-master Redis Cluster given by
// one node's address edits and persists; a second backend naming database
// 1 of a cluster node shows why it cannot open, and does not stop the
// first one.
func TestTUIOnACluster(t *testing.T) {
	c := redisserver.NewCluster(t)
	rdb := c.Client()
	t.Cleanup(func() { rdb.Close() })
	for k, v := range e2eSeed {
		if err := rdb.Set(context.Background(), k, v, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	node := c.Masters()[2].Addr
	e := startPane(t, "", nil, buildConfo(t), "--redis", "prod=redis://"+node, "--redis", "db1=redis://"+node+"/1")
	e.waitFor(e2eStartWait, "main screen", hasAll("Namespaces", "mysqli", `"root"`, "◆ prod", "⊘ db1", "cluster "+node))
	e.goTo("database", "mysqli")
	send(t, e.sock, "l")
	e.selectRow("user", "host", "db_name", "user")
	e.editSelected("mysqli.user", "on-the-cluster")
	e.persistSelected("database/mysqli")
	if got := rdb.Get(context.Background(), "database-mysqli").Val(); got != `{"host": "localhost", "db_name": "sambe_db", "user": "on-the-cluster"}` {
		e.fatalf("database-mysqli = %s", got)
	}
	send(t, e.sock, "h", "h", "h", "j")
	e.waitFor(e2eWait, "the refused backend", cursorOn("db1"))
	send(t, e.sock, "R")
	e.waitFor(e2eWait, "why it is refused", hasAll("✗ backend db1: bad Redis URL: database 1: "+node+" is a Redis Cluster node, and a cluster has only"))
	e.quit()
}
