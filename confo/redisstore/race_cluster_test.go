package redisstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// The cluster commit is a sequence of per-key steps (commit_cluster.go);
// this race is its specification. Writers write, create, delete configs
// and remove whole namespaces of two namespaces of four configs at random,
// each from what it just read, as confo clients do. After they stop, the
// state checker must find no listed config without its key, no registered
// namespace without its list, and no orphan except those a partial commit
// named; persisting those again must leave none. No update may be lost:
// a value is replaced by at most one successful commit.
func TestClusterConcurrentWriters(t *testing.T) {
	clusterRace(t, false)
}

// The same while slots of the registry, a list and configs move between
// masters.
func TestClusterConcurrentWritersDuringSlotMigrations(t *testing.T) {
	clusterRace(t, true)
}

const (
	raceWriters = 8
	raceOps     = 150
)

var (
	raceNamespaces = []string{"ns0", "ns1"}
	raceConfigs    = []string{"c0", "c1", "c2", "c3"}
)

// raceTally is what the writers saw.
type raceTally struct {
	mu                      sync.Mutex
	ok, conflicts, partials int
	// replaced counts, per value id, the successful commits that replaced
	// that value: two lose one of them. (A delete that finds the key
	// already gone, its value replaced and then deleted by others, has
	// reached its goal and lost nothing: it is not counted.)
	replaced                   map[string]int
	reported                   map[string]bool
	contention, unknown, other []string
}

func clusterRace(t *testing.T, migrate bool) {
	c := redisserver.NewCluster(t)
	ctx := context.Background()
	const prefix = "race:"
	s, err := redisstore.Open(ctx, redisstore.Config{Addr: c.Masters()[0].Addr, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if !strings.HasPrefix(s.Address(), "cluster ") {
		t.Fatalf("a cluster node opened as %s", s.Address())
	}
	raw := c.Client()
	t.Cleanup(func() { raw.Close() })
	tally := &raceTally{replaced: map[string]int{}, reported: map[string]bool{}}
	stop := make(chan struct{})
	moved := make(chan int, 1)
	if migrate {
		go func() { moved <- migrateWhileRacing(t, c, prefix, stop) }()
	}
	var wg sync.WaitGroup
	for w := range raceWriters {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for op := range raceOps {
				raceOne(t, ctx, s, raw, prefix, r, fmt.Sprintf("w%d-%d", w, op), tally)
			}
		})
	}
	wg.Wait()
	if migrate {
		close(stop)
		t.Logf("slot migrations during the run: %d", <-moved)
	}
	t.Logf("%d commits: %d written, %d conflicts, %d partial; gave up after contention %d, outcome unknown %d",
		raceWriters*raceOps, tally.ok, tally.conflicts, tally.partials, len(tally.contention), len(tally.unknown))
	if len(tally.other) > 0 {
		t.Errorf("unexpected errors: %s", strings.Join(tally.other, "\n"))
	}
	for id, n := range tally.replaced {
		if n > 1 {
			t.Errorf("lost update: value %s was replaced by %d commits that each expected it", id, n)
		}
	}
	st, err := confotest.CheckRedis(ctx, raw, prefix)
	if err != nil {
		t.Fatal(err)
	}
	var reported []string
	for k := range tally.reported {
		reported = append(reported, k)
	}
	st = st.Accept(reported)
	if err := st.Err(); err != nil {
		t.Fatalf("after the race: %v", err)
	}
	t.Logf("after the race: %d namespaces, %d configs, %d orphans reported by partial commits, %d empty lists of unregistered namespaces",
		st.Namespaces, st.Configs, len(st.Reported), len(st.EmptyLists))
	for _, key := range st.Reported {
		persistAgain(t, ctx, s, raw, prefix, key)
	}
	st, err = confotest.CheckRedis(ctx, raw, prefix)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Err(); err != nil {
		t.Fatalf("after persisting the partial commits again: %v", err)
	}
}

// raceOne reads one namespace, as a client loads it, and commits one
// random change of it.
func raceOne(t *testing.T, ctx context.Context, s *redisstore.Store, raw *redis.ClusterClient, prefix string, r *rand.Rand, id string, tally *raceTally) {
	ns := raceNamespaces[r.IntN(len(raceNamespaces))]
	keys := []string{prefix + store.RegistryName, prefix + ns}
	for _, cfg := range raceConfigs {
		keys = append(keys, prefix+ns+"-"+cfg)
	}
	raws, err := readRaws(ctx, raw, keys)
	if err != nil {
		t.Errorf("%s: read: %v", id, err)
		return
	}
	registered := slices.Contains(names(raws[0], "namespaces"), ns)
	var listed []string
	if registered {
		listed = names(raws[1], "configurations")
	}
	valueOf := func(cfg string) store.Raw { return raws[2+slices.Index(raceConfigs, cfg)] }
	change := store.NamespaceChange{Namespace: ns}
	switch k := r.IntN(10); {
	case k < 7:
		cfg := raceConfigs[r.IntN(len(raceConfigs))]
		value, _ := json.Marshal(map[string]string{"id": id})
		change.Register = !registered
		change.Configs = []store.ConfigChange{{Name: cfg, Expect: valueOf(cfg), Write: value}}
		if !slices.Contains(listed, cfg) {
			change.ListAdd = []string{cfg}
		}
	case k < 9 && len(listed) > 0:
		cfg := listed[r.IntN(len(listed))]
		change.Configs = []store.ConfigChange{{Name: cfg, Expect: valueOf(cfg)}}
		change.ListRemove = []string{cfg}
	case registered:
		change.Unregister = true
		for _, cfg := range listed {
			change.Configs = append(change.Configs, store.ConfigChange{Name: cfg, Expect: valueOf(cfg)})
		}
		change.ListRemove = listed
	default:
		return
	}
	_, err = s.Commit(ctx, []store.NamespaceChange{change}, store.CommitOptions{})
	tally.mu.Lock()
	defer tally.mu.Unlock()
	consume := func(names []string) {
		for _, cc := range change.Configs {
			if slices.Contains(names, cc.Name) && cc.Expect.State == store.RawPresent && cc.Write != nil {
				tally.replaced[valueID(cc.Expect.Bytes)]++
			}
		}
	}
	partial, isPartial := errors.AsType[*store.PartialCommitError](err)
	switch {
	case err == nil:
		tally.ok++
		consume(configNames(change))
	case isPartial:
		tally.partials++
		consume(partial.Written)
		for _, name := range partial.Unlisted {
			tally.reported[prefix+ns+"-"+name] = true
		}
	case errors.Is(err, store.ErrContention):
		tally.contention = append(tally.contention, err.Error())
	case errors.Is(err, store.ErrConflict):
		tally.conflicts++
	case errors.Is(err, store.ErrOutcomeUnknown):
		tally.unknown = append(tally.unknown, err.Error())
	default:
		tally.other = append(tally.other, id+": "+err.Error())
	}
}

func configNames(change store.NamespaceChange) []string {
	var names []string
	for _, cc := range change.Configs {
		names = append(names, cc.Name)
	}
	return names
}

// readRaws reads keys behind the store's back, as another client would.
func readRaws(ctx context.Context, raw *redis.ClusterClient, keys []string) ([]store.Raw, error) {
	out := make([]store.Raw, len(keys))
	for i, k := range keys {
		v, err := raw.Get(ctx, k).Bytes()
		switch {
		case errors.Is(err, redis.Nil):
			out[i] = store.MissingRaw()
		case err != nil:
			return nil, err
		default:
			out[i] = store.PresentRaw(v)
		}
	}
	return out, nil
}

// names reads the names of a list or registry value.
func names(r store.Raw, field string) []string {
	var v map[string][]string
	json.Unmarshal(r.Bytes, &v)
	return v[field]
}

func valueID(b []byte) string {
	var v struct{ ID string }
	json.Unmarshal(b, &v)
	return v.ID
}

// persistAgain finishes what a partial commit left of key: a persist again
// lists it in its namespace, or, with the namespace removed, deletes it (the
// user's choice after the conflict it then shows).
func persistAgain(t *testing.T, ctx context.Context, s *redisstore.Store, raw *redis.ClusterClient, prefix, key string) {
	t.Helper()
	ns, cfg, _ := strings.Cut(strings.TrimPrefix(key, prefix), "-")
	raws, err := readRaws(ctx, raw, []string{key, prefix + store.RegistryName})
	if err != nil {
		t.Fatal(err)
	}
	change := store.NamespaceChange{Namespace: ns}
	if slices.Contains(names(raws[1], "namespaces"), ns) {
		change.ListAdd = []string{cfg}
	} else {
		change.Configs = []store.ConfigChange{{Name: cfg, Expect: raws[0]}}
	}
	if _, err := s.Commit(ctx, []store.NamespaceChange{change}, store.CommitOptions{}); err != nil {
		t.Errorf("persist %s again: %v", key, err)
	}
}

// migrateWhileRacing moves the slots of the registry, a list and two
// configs to the next master, one at a time, each left half-migrated for a
// moment, until stop; it returns how many moved. Migrations are spaced:
// back-to-back ones can leave two nodes disagreeing on a slot for long.
func migrateWhileRacing(t *testing.T, c *redisserver.Cluster, prefix string, stop <-chan struct{}) int {
	keys := []string{prefix + store.RegistryName, prefix + "ns0", prefix + "ns0-c0", prefix + "ns1-c1"}
	moves := 0
	for i := 0; ; i++ {
		select {
		case <-stop:
			return moves
		case <-time.After(300 * time.Millisecond):
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err := migrateOnce(ctx, c, keys[i%len(keys)])
		cancel()
		if err != nil {
			t.Logf("migration of %s: %v", keys[i%len(keys)], err)
			continue
		}
		moves++
	}
}

func migrateOnce(ctx context.Context, c *redisserver.Cluster, key string) error {
	slot, err := c.KeySlot(ctx, key)
	if err != nil {
		return err
	}
	from, err := c.SlotOwner(ctx, slot)
	if err != nil {
		return err
	}
	masters := c.Masters()
	to := masters[(slices.Index(masters, from)+1)%len(masters)]
	m, err := c.BeginMigration(ctx, slot, from, to, 0)
	if err != nil {
		return err
	}
	time.Sleep(20 * time.Millisecond) // the writers meet the half-migrated slot
	return m.Finish(ctx)
}
