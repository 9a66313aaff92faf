package redisstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/internal/confotest"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
	"github.com/confo-dev/confo/internal/dataset"
)

// A slot half moved from one master to another (CLUSTER SETSLOT …
// MIGRATING/IMPORTING, some keys MIGRATEd, some not): a load reads every
// key where it is, discovery finds each once, a persist writes keys on
// both sides (the target never ran the script before), and a store whose
// slot map is stale follows the moves once they are final.
func TestClusterLoadAndPersistDuringASlotMigration(t *testing.T) {
	c := redisserver.NewCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	raw := c.Client()
	t.Cleanup(func() { raw.Close() })
	const prefix = "mig:"
	data := dataset.Generate(30000, 500, 1500)
	keys := data.Keys(prefix)
	for i := 0; i < len(keys); i += 2000 {
		_, err := raw.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys[i:min(i+2000, len(keys))] {
				p.Set(ctx, k.Key, k.Value, 0)
			}
			return nil
		})
		check(t, err)
	}
	s, stale := openPrefixed(t, c.URL(), prefix), openPrefixed(t, c.URL(), prefix)
	confotest.Loaded(t, stale) // its slot map is the one before the migration

	// The slot with the most config keys. Keys that differ only in their
	// last characters never share a slot, so they are configs of several
	// namespaces.
	bySlot := map[int][]confo.ConfigRef{}
	for _, n := range data.Namespaces {
		for _, cfg := range n.Configs {
			sl := redisstore.KeySlot(prefix + n.Name + "-" + cfg.Name)
			bySlot[sl] = append(bySlot[sl], confo.ConfigRef{Namespace: n.Name, Config: cfg.Name})
		}
	}
	slot, inSlot := 0, []confo.ConfigRef(nil)
	for sl, refs := range bySlot {
		if len(refs) > len(inSlot) {
			slot, inSlot = sl, refs
		}
	}
	if len(inSlot) < 3 {
		t.Fatalf("the fullest slot holds %d configs", len(inSlot))
	}
	values := map[confo.ConfigRef]string{}
	for _, k := range keys {
		values[confo.ConfigRef{Namespace: "", Config: k.Key}] = string(k.Value)
	}
	valueOf := func(r confo.ConfigRef) string {
		return values[confo.ConfigRef{Config: prefix + r.Namespace + "-" + r.Config}]
	}
	from, err := c.SlotOwner(ctx, slot)
	check(t, err)
	to := c.Masters()[0]
	if to == from {
		to = c.Masters()[1]
	}
	m, err := c.BeginMigration(ctx, slot, from, to, len(inSlot)/2)
	check(t, err)
	target := to.Client()
	defer target.Close()
	check(t, target.ScriptFlush(ctx).Err())

	loaded := confotest.Loaded(t, s)
	if got := configCount(loaded); got != data.Configs() {
		t.Fatalf("loaded %d configs mid-migration, want %d", got, data.Configs())
	}
	for _, r := range inSlot {
		if got := loaded.Namespace(r.Namespace).Config(r.Config).Base(); string(got.Bytes) != valueOf(r) {
			t.Fatalf("%s/%s mid-migration: %s", r.Namespace, r.Config, got.Describe())
		}
	}
	snap, err := s.Load(ctx, confo.LoadOptions{Discover: true})
	check(t, err)
	if len(snap.Warnings) != 0 {
		t.Errorf("discovery mid-migration: %v", snap.Warnings)
	}

	// Edit every config of the slot but one, delete that one, and create
	// one in the slot: keys on both sides of the migration.
	created := confo.ConfigRef{Namespace: inSlot[0].Namespace}
	for i := 0; created.Config == ""; i++ {
		if name := fmt.Sprint("new", i); redisstore.KeySlot(prefix+created.Namespace+"-"+name) == slot {
			created.Config = name
		}
	}
	for _, r := range inSlot[1:] {
		check(t, loaded.SetField(r.Namespace, r.Config, "migrated", confo.BoolValue(true)))
	}
	check(t, loaded.DeleteConfig(inSlot[0].Namespace, inSlot[0].Config))
	check(t, loaded.Set(created.Namespace, created.Config, confo.ParseLiteral(`{"created": "mid-migration"}`)))
	check(t, confo.Persist(ctx, s, loaded, confo.Scope{}, confo.CommitOptions{}))
	check(t, m.Finish(ctx))

	// A store that still has the slot map from before the migration.
	fresh := confotest.Loaded(t, stale)
	for _, r := range inSlot[1:] {
		if v, err := fresh.GetField(r.Namespace, r.Config, "migrated"); err != nil || string(confo.Encode(v)) != "true" {
			t.Errorf("%s/%s after the migration: %v, %v", r.Namespace, r.Config, v, err)
		}
	}
	if fresh.Namespace(inSlot[0].Namespace).Config(inSlot[0].Config) != nil {
		t.Errorf("%s is still there", inSlot[0])
	}
	if v, err := fresh.GetField(created.Namespace, created.Config, "created"); err != nil || v.Str() != "mid-migration" {
		t.Errorf("%s: %v, %v", created.Config, v, err)
	}
	check(t, fresh.SetField(created.Namespace, created.Config, "after", confo.BoolValue(true)))
	check(t, confo.Persist(ctx, stale, fresh, confo.Scope{}, confo.CommitOptions{}))
	st, err := confotest.CheckRedis(ctx, raw, prefix)
	check(t, err)
	if err := st.Err(); err != nil || st.Configs != data.Configs() { // one deleted, one created
		t.Fatalf("after the migration: %+v, %v", st, err)
	}
}

func configCount(ws *confo.Workspace) int {
	n := 0
	for _, name := range ws.NamespaceNames() {
		n += len(ws.Namespace(name).ConfigNames())
	}
	return n
}

// Discovery scans every master: keys missing from their lists are found
// whichever master holds them.
func TestClusterDiscoveryScansEveryMaster(t *testing.T) {
	c := confotest.Cluster(t)
	ctx := context.Background()
	raw := c.Client()
	t.Cleanup(func() { raw.Close() })
	prefix := confotest.FreshPrefix()
	check(t, raw.Set(ctx, prefix+"confo", `{"namespaces": ["ns"]}`, 0).Err())
	check(t, raw.Set(ctx, prefix+"ns", `{"configurations": []}`, 0).Err())
	masters := map[string]bool{}
	var unlisted []string
	for i := 0; len(unlisted) < 60; i++ {
		name := fmt.Sprint("u", i)
		check(t, raw.Set(ctx, prefix+"ns-"+name, `{}`, 0).Err())
		m, err := c.MasterFor(ctx, prefix+"ns-"+name)
		check(t, err)
		masters[m.Addr] = true
		unlisted = append(unlisted, name)
	}
	if len(masters) != len(c.Masters()) {
		t.Fatalf("the unlisted keys are on %d masters", len(masters))
	}
	s := openPrefixed(t, c.URL(), prefix)
	snap, err := s.Load(ctx, confo.LoadOptions{Discover: true})
	check(t, err)
	if len(snap.Namespaces) != 1 || len(snap.Namespaces[0].Configs) != len(unlisted) {
		t.Fatalf("discovered %+v, want the %d unlisted configs", snap.Namespaces, len(unlisted))
	}
	for _, cfg := range snap.Namespaces[0].Configs {
		if !cfg.Unlisted || cfg.Raw.State != confo.RawPresent {
			t.Errorf("%s: %+v", cfg.Name, cfg)
		}
	}
}
