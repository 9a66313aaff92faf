package confo_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// When the connection dies after the commit was sent, the write may have
// landed: the error says so (not "cannot reach"), the script is not sent
// again, and a later persist finds our own write and settles on it.
func TestALostReplyIsAnUnknownOutcome(t *testing.T) {
	// A few configs are written with MULTI/EXEC, many by a script.
	for _, tc := range []struct {
		configs int
		command string
	}{{1, "exec"}, {40, "evalsha"}} {
		t.Run(tc.command, func(t *testing.T) {
			ctx := context.Background()
			addr := redisserver.Redis(t)
			proxy := confotest.NewProxy(t, addr)
			store, err := confo.OpenRedis(ctx, confo.RedisConfig{Addr: proxy.Addr})
			check(t, err)
			t.Cleanup(func() { store.Close() })
			ws := confotest.Loaded(t, store)
			check(t, ws.CreateNamespace("db"))
			for i := range tc.configs {
				check(t, ws.Set("db", fmt.Sprint("cfg", i), mustDecode(t, `{"host": "a", "user": "root"}`)))
			}
			check(t, confo.Persist(ctx, store, ws, confo.Scope{}, confo.CommitOptions{}))

			for i := range tc.configs {
				check(t, ws.SetField("db", fmt.Sprint("cfg", i), "user", confo.StringValue("mine")))
			}
			proxy.LoseReplyTo(tc.command)
			err = confo.Persist(ctx, store, ws, confo.Scope{}, confo.CommitOptions{})
			if !errors.Is(err, confo.ErrOutcomeUnknown) || errors.Is(err, confo.ErrUnreachable) || errors.Is(err, confo.ErrConflict) {
				t.Fatalf("persist with a lost reply: %v, want an unknown outcome", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "the write may have landed; reload to see") || strings.Contains(msg, "\n") {
				t.Fatalf("message %q", msg)
			}
			raw := redis.NewClient(&redis.Options{Addr: addr})
			t.Cleanup(func() { raw.Close() })
			if got := raw.Get(ctx, "db-cfg0").Val(); got != `{"host": "a", "user": "mine"}` {
				t.Fatalf("the write that lost its reply did not land once: %s", got)
			}
			// The workspace still holds the edits over the old base;
			// persisting again meets our own write, which agrees with it.
			check(t, confo.Persist(ctx, store, ws, confo.Scope{}, confo.CommitOptions{}))
			if st := ws.Namespace("db").Config("cfg0").Status(); st != confo.StatusClean {
				t.Fatalf("after persisting again the config is %s", st)
			}
			st, err := confotest.CheckRedis(ctx, raw, "")
			check(t, err)
			check(t, st.Err())
		})
	}
}
