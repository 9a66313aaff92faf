package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

// syncBuffer is an output a test reads while the command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// watchRunning is one `confo watch` running in-process, its outputs read
// as it writes them.
type watchRunning struct {
	t           *testing.T
	stop        context.CancelFunc
	out, errOut *syncBuffer
	done        chan struct{} // closed when Run returned code
	code        int
}

// watchWait bounds the wait for a change to be printed: about a second
// is the promise, a busy machine gets more.
const watchWait = 10 * time.Second

// startWatchCLI runs confo with args (a watch) until the test stops it,
// and waits until it says it is watching.
func startWatchCLI(t *testing.T, args ...string) *watchRunning {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &watchRunning{t: t, stop: cancel, out: &syncBuffer{}, errOut: &syncBuffer{}, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		w.code = Run(ctx, Env{Args: args, Stdin: strings.NewReader(""), Stdout: w.out, Stderr: w.errOut})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-w.done:
		case <-time.After(watchWait):
		}
	})
	w.until("the watch to start", func() bool { return strings.Contains(w.errOut.String(), "watching") })
	return w
}

// until polls cond until it holds; it fails the test if the command
// exits first or after watchWait.
func (w *watchRunning) until(what string, cond func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(watchWait)
	for !cond() {
		select {
		case <-w.done:
			w.t.Fatalf("waiting for %s: confo watch exited with %d\nstdout: %q\nstderr: %q", what, w.code, w.out.String(), w.errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("waiting for %s: not there after %s\nstdout: %q\nstderr: %q", what, watchWait, w.out.String(), w.errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lines waits until stdout is exactly want, one line each.
func (w *watchRunning) lines(want ...string) {
	w.t.Helper()
	text := strings.Join(want, "\n") + "\n"
	w.until(fmt.Sprintf("%q", want[len(want)-1]), func() bool { return w.out.String() == text })
}

// interrupt stops the watch as ctrl+c does and returns its exit status.
func (w *watchRunning) interrupt() int {
	w.t.Helper()
	w.stop()
	select {
	case <-w.done:
		return w.code
	case <-time.After(watchWait):
		w.t.Fatalf("confo watch did not stop within %s of ctrl+c", watchWait)
		return -1
	}
}

// backendArgs are the flags that name a suite backend.
func backendArgs(b *confotest.Backend) []string {
	if b.Type == confo.BackendDir {
		return []string{"--dir", b.Creds["config_path"].(string)}
	}
	url, _ := b.Creds["redis_url"].(string) // a cluster's or a Sentinel group's
	if url == "" {
		url = fmt.Sprintf("redis://%s:%s", b.Creds["redis_host"], b.Creds["redis_port"])
	}
	args := []string{"--redis", url}
	if p, _ := b.Creds["redis_prefix"].(string); p != "" {
		args = append(args, "--prefix", p)
	}
	return args
}

// put stores a config's value the way another client does, in one step:
// a file written in place would be seen empty first, which a watch
// rightly reports as a change of its own.
func put(t *testing.T, b *confotest.Backend, ns, cfg, data string) {
	t.Helper()
	if b.Type != confo.BackendDir {
		b.Door.Put(t, ns, cfg, data)
		return
	}
	dir := filepath.Join(b.Creds["config_path"].(string), ns)
	must(t, os.WriteFile(filepath.Join(dir, ".put-"+cfg), []byte(data), 0o644))
	must(t, os.Rename(filepath.Join(dir, ".put-"+cfg), filepath.Join(dir, cfg+".json")))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestCLIWatchPrintsOtherClientsChanges: on every backend (a real
// redis-server, which tells of changes with CLIENT TRACKING; miniredis,
// which confo polls; a directory, watched with file notifications),
// confo watch prints one line per change another client makes, in order,
// and ctrl+c ends it with exit status 0.
func TestCLIWatchPrintsOtherClientsChanges(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		other := b.Open(t)
		must(t, other.CreateNamespace("database"))
		must(t, other.UseNamespace("database"))
		must(t, other.Set("mysqli", confo.ParseLiteral(`{"host": "a"}`)))
		must(t, other.Set("pg", confo.ParseLiteral(`{"host": "b"}`)))
		must(t, other.Persist(ctx))

		w := startWatchCLI(t, append(backendArgs(b), "watch", "--interval", "50ms")...)
		how := map[string]string{"miniredis": "polling", "dir": "file system notifications"}[b.Name]
		if how == "" {
			how = "CLIENT TRACKING"
		}
		if !strings.Contains(w.errOut.String(), how) {
			t.Fatalf("watching by %q, want %s", w.errOut.String(), how)
		}

		put(t, b, "database", "mysqli", `{"host": "changed"}`)
		w.lines("changed database/mysqli")
		must(t, other.Set("newcfg", confo.IntValue(1)))
		must(t, other.Persist(ctx))
		w.lines("changed database/mysqli", "added database/newcfg")
		must(t, other.DeleteConfig("pg"))
		must(t, other.Persist(ctx))
		w.lines("changed database/mysqli", "added database/newcfg", "removed database/pg")
		must(t, other.CreateNamespace("sales"))
		must(t, other.UseNamespace("sales"))
		must(t, other.Set("leads", confo.IntValue(1)))
		must(t, other.Persist(ctx))
		w.lines("changed database/mysqli", "added database/newcfg", "removed database/pg", "namespace added sales", "added sales/leads")
		put(t, b, "sales", "leads", `2`)
		w.lines("changed database/mysqli", "added database/newcfg", "removed database/pg", "namespace added sales", "added sales/leads", "changed sales/leads")
		before := w.out.String()
		must(t, other.Reload(ctx))
		must(t, other.DeleteNamespace("sales"))
		must(t, other.Persist(ctx))
		w.until("namespace removed sales", func() bool {
			// A directory's files go before its folder, and the watch
			// may see them go.
			got := strings.TrimPrefix(w.out.String(), before)
			return got == "namespace removed sales\n" || b.Type == confo.BackendDir && got == "removed sales/leads\nnamespace removed sales\n"
		})
		if code := w.interrupt(); code != exitOK {
			t.Fatalf("ctrl+c: exit %d, want 0", code)
		}
	})
}

// TestCLIWatchNamedNamespacesAndNewOnes: watch NS prints nothing about
// other namespaces; a watch of an empty backend follows the namespaces
// that appear, configs included; -o json prints one object per line with
// names exact.
func TestCLIWatchNamedNamespacesAndNewOnes(t *testing.T) {
	confotest.ForEachBackend(t, func(t *testing.T, b *confotest.Backend) {
		ctx := context.Background()
		all := startWatchCLI(t, append(backendArgs(b), "watch", "--interval", "50ms", "-o", "json")...)
		other := b.Open(t)
		must(t, other.CreateNamespace("database"))
		must(t, other.UseNamespace("database"))
		must(t, other.Set("mysqli", confo.ParseLiteral(`{"host": "a"}`)))
		must(t, other.CreateNamespace("sales"))
		must(t, other.UseNamespace("sales"))
		must(t, other.Set("leads", confo.IntValue(1)))
		must(t, other.Persist(ctx))
		added := []string{
			`{"what": "namespace added", "namespace": "database"}`, `{"what": "added", "namespace": "database", "config": "mysqli"}`,
			`{"what": "namespace added", "namespace": "sales"}`, `{"what": "added", "namespace": "sales", "config": "leads"}`,
		}
		all.lines(added...)

		one := startWatchCLI(t, append(backendArgs(b), "watch", "--interval", "50ms", "database")...)
		put(t, b, "sales", "leads", `2`)
		all.lines(append(added, `{"what": "changed", "namespace": "sales", "config": "leads"}`)...)
		put(t, b, "database", "mysqli", `{"host": "b"}`)
		one.lines("changed database/mysqli")
		all.lines(append(added, `{"what": "changed", "namespace": "sales", "config": "leads"}`,
			`{"what": "changed", "namespace": "database", "config": "mysqli"}`)...)
		for _, w := range []*watchRunning{all, one} {
			if code := w.interrupt(); code != exitOK {
				t.Fatalf("ctrl+c: exit %d, want 0", code)
			}
		}
	})
}

// TestCLIWatchBadDataAndHostileNames: a list that becomes unreadable is
// one line naming the key; piped, names are printed exactly as stored,
// escape sequences included, since scripts need them (a terminal gets
// them escaped: see the tmux test).
func TestCLIWatchBadDataAndHostileNames(t *testing.T) {
	ctx := context.Background()
	url, rdb := realRedis(t)
	const hostile = "evil\x1b]2;title\x07"
	must(t, rdb.MSet(ctx, "confo", `{"namespaces": ["database"]}`, "database", `{"configurations": ["mysqli"]}`, "database-mysqli", `{}`).Err())
	w := startWatchCLI(t, "--redis", url, "watch")
	list, _ := confo.ValueOf(map[string]any{"configurations": []any{"mysqli", hostile}})
	must(t, rdb.MSet(ctx, "database", confo.Encode(list), "database-"+hostile, `{}`).Err())
	w.lines("added database/" + hostile)
	must(t, rdb.Set(ctx, "database", `{"configurations": ["mysqli"`, 0).Err())
	w.until("the unreadable list", func() bool {
		return strings.HasSuffix(w.out.String(), "list unreadable database: key \"database\": not JSON: invalid JSON at byte 28: unexpected end of input, expected ',' or ']' after array element\n")
	})
	must(t, rdb.Set(ctx, "database", `{"configurations": ["mysqli"]}`, 0).Err())
	w.until("the list read again", func() bool { return strings.HasSuffix(w.out.String(), "removed database/"+hostile+"\n") })

	// A registry that cannot be read: said once on stderr, however many
	// times the watch tries again, then that it works again.
	must(t, rdb.Set(ctx, "confo", `{"namespaces": ["database"`, 0).Err())
	w.until("the unreadable registry", func() bool { return strings.Contains(w.errOut.String(), `malformed key "confo"`) })
	time.Sleep(3 * refreshRetry)
	if n := strings.Count(w.errOut.String(), "trying again"); n != 1 {
		t.Fatalf("the same trouble said %d times: %q", n, w.errOut.String())
	}
	must(t, rdb.Set(ctx, "confo", `{"namespaces": ["database"]}`, 0).Err())
	must(t, rdb.Set(ctx, "database-mysqli", `{"n": 1}`, 0).Err())
	w.until("the watch working again", func() bool {
		return strings.Contains(w.errOut.String(), "works again") && strings.HasSuffix(w.out.String(), "changed database/mysqli\n")
	})
	if code := w.interrupt(); code != exitOK {
		t.Fatalf("ctrl+c: exit %d, want 0", code)
	}
}

func TestCLIWatchUsage(t *testing.T) {
	_, url := seeded(t)
	for _, tc := range []cliCase{
		{name: "bad interval", args: []string{"--redis", url, "watch", "--interval", "0s"}, code: exitUsage, errHas: []string{"--interval"}, errLines: 1},
		{name: "bad output", args: []string{"--redis", url, "watch", "-o", "yaml"}, code: exitUsage, errHas: []string{"text or json"}, errLines: 1},
		{name: "unknown namespace", args: []string{"--redis", url, "watch", "nope"}, code: exitError, errHas: []string{`"nope"`, "not found"}, errLines: 1},
		{name: "no backend", args: []string{"watch"}, code: exitUsage, errHas: []string{"--redis", "--dir"}, errLines: 1},
	} {
		tc.run(t)
	}
}
