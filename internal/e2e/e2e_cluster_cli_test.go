package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// TestCLIOnClusterAndSentinel: the headless commands work the same on a
// 3-master Redis Cluster (given by its seed list, and by one node's
// address) and through the Sentinels: namespaces, get, set, export,
// import; a database other than 0 on a cluster node is a usage error that
// says why.
func TestCLIOnClusterAndSentinel(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	bin := buildConfo(t)
	c := redisserver.NewCluster(t)
	g := redisserver.NewSentinel(t)
	cluster, sentinel := c.Client(), g.Client()
	t.Cleanup(func() { cluster.Close(); sentinel.Close() })
	for _, tc := range []struct {
		name, url string
		rdb       redis.UniversalClient
	}{
		{"cluster seed list", c.URL(), cluster},
		{"cluster node", "redis://" + c.Masters()[1].Addr, cluster},
		{"sentinel", g.URL(), sentinel},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			for _, k := range []string{"confo", "database", "database-mysqli", "database-postgres", "sales", "sales-leads"} {
				tc.rdb.Del(ctx, k)
			}
			for k, v := range e2eSeed {
				if err := tc.rdb.Set(ctx, k, v, 0).Err(); err != nil {
					t.Fatal(err)
				}
			}
			run := func(stdin string, args ...string) string {
				t.Helper()
				out, errOut, status := runConfo(t, bin, stdin, append([]string{"--redis", tc.url}, args...)...)
				if status != 0 {
					t.Fatalf("confo %s: status %d: %s", strings.Join(args, " "), status, errOut)
				}
				return out
			}
			if out := run("", "namespaces"); out != "database\n" {
				t.Fatalf("namespaces: %q", out)
			}
			if out := run("", "get", "database", "mysqli", "user", "-o", "raw"); out != "root\n" {
				t.Fatalf("get: %q", out)
			}
			run("", "set", "database", "mysqli", "port", "3307")
			if got := tc.rdb.Get(ctx, "database-mysqli").Val(); got != `{"host": "localhost", "db_name": "sambe_db", "user": "root", "port": 3307}` {
				t.Fatalf("after set: %s", got)
			}
			exported := run("", "export")
			if !strings.Contains(exported, `"port": 3307`) || !strings.Contains(exported, `"postgres"`) {
				t.Fatalf("export: %s", exported)
			}
			file := filepath.Join(t.TempDir(), "all.json")
			changed := strings.Replace(exported, `"database": {`, `"sales": {"leads": {"owner": "ana"}}, "database": {`, 1)
			if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
				t.Fatal(err)
			}
			run("", "import", file)
			if out := run("", "namespaces"); out != "database\nsales\n" {
				t.Fatalf("namespaces after import: %q", out)
			}
			if got := tc.rdb.Get(ctx, "sales-leads").Val(); got != `{"owner": "ana"}` {
				t.Fatalf("sales-leads after import: %q", got)
			}
		})
	}
	t.Run("database 1 of a cluster node", func(t *testing.T) {
		_, errOut, status := runConfo(t, bin, "", "--redis", "redis://"+c.Masters()[0].Addr+"/1", "namespaces")
		if status != 2 || !strings.Contains(errOut, "a cluster has only database 0; drop /1 from the URL") {
			t.Fatalf("status %d: %s", status, errOut)
		}
	})
}

// runConfo runs the binary with stdin and returns its stdout, stderr and
// exit status.
func runConfo(t *testing.T, bin, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	home := t.TempDir() // no config file of the user's
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "CONFO_CONFIG=")
	err := cmd.Run()
	status := 0
	if exit, ok := err.(*exec.ExitError); ok {
		status = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), status
}
