package redisstore

import (
	"errors"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// A server that became a replica after confo opened it refuses the commit
// with READONLY; confo says so in plain words, without the script's SHA,
// as a read-only backend.
func TestCommitOnADemotedServerSaysSoPlainly(t *testing.T) {
	primary := redisserver.NewServer(t, redisserver.ServerOptions{})
	demoted := redisserver.NewServer(t, redisserver.ServerOptions{})
	s := openTestRedis(t, Config{Addr: demoted.Addr})
	c := demoted.Client()
	t.Cleanup(func() { c.Close() })
	if err := c.Do(t.Context(), "REPLICAOF", "127.0.0.1", primary.Port).Err(); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, watchLimit + 1} { // WATCH and MULTI/EXEC, and the script
		change := store.NamespaceChange{Namespace: "ns", Register: true}
		for i := range n {
			change.Configs = append(change.Configs, store.ConfigChange{Name: string(rune('a' + i)), Expect: store.MissingRaw(), Write: []byte(`{}`)})
		}
		_, err := s.Commit(t.Context(), []store.NamespaceChange{change}, store.CommitOptions{})
		if !errors.Is(err, store.ErrReadOnly) || !strings.Contains(err.Error(), "is a read-only replica; nothing was written") || strings.Contains(err.Error(), "script") {
			t.Errorf("%d configs: got %v", n, err)
		}
	}
}

// serverReply is an error answer of the server.
type serverReply string

func (e serverReply) Error() string { return string(e) }
func (serverReply) RedisError()     {}

// Under Sentinel a READONLY answer means a failover is under way: the
// commit is tried once more, then reported as a master not reachable yet.
func TestSentinelReadOnlyAnswerIsAFailoverUnderWay(t *testing.T) {
	s := &Store{cfg: Config{Addr: "127.0.0.1:26379", MasterName: "mymaster"}, mode: modeSentinel}
	err := s.classify(serverReply("READONLY You can't write against a read only replica. script: 63f0aa, on @user_script:27."))
	if !errors.Is(err, store.ErrUnreachable) || !strings.Contains(err.Error(), "failover") || strings.Contains(err.Error(), "63f0") {
		t.Fatalf("got %v", err)
	}
	if !isReadOnlyReply(serverReply("READONLY You can't write against a read only replica.")) {
		t.Fatal("READONLY not recognized")
	}
}
