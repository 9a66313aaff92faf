package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
	"github.com/confo-dev/confo/internal/dataset"
)

// The Redis Cluster figures: a 3-master cluster started here (the tests'
// starter), every baseline a minimal go-redis program on the same cluster
// in the same run.

const (
	targetClusterReload  = 1.5
	targetClusterPersist = 2.0
	// targetCheckedPersist is the target the design proposes against the
	// raw read-check-then-write, which is what a conflict check costs.
	targetCheckedPersist = 3.0
	// clusterChunk is the GETs per pipeline Exec of the raw fetch.
	clusterChunk = 10000
)

func measureCluster(ctx context.Context, o options) ([]row, []string, error) {
	c, err := redisserver.StartCluster(ctx, redisserver.ClusterOptions{Server: redisserver.ServerOptions{LogLevel: "warning"}})
	if err != nil {
		return nil, nil, fmt.Errorf("start a cluster: %w", err)
	}
	atExit(func() { c.Stop() })
	progress("redis cluster of %d masters on %s", len(c.Masters()), c.URL())
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs(), ReadTimeout: time.Minute, WriteTimeout: time.Minute, DisableIdentity: true})
	defer cc.Close()
	nodes := map[string]*redis.Client{}
	for _, m := range c.Masters() {
		nodes[m.Addr] = redis.NewClient(&redis.Options{Addr: m.Addr, ReadTimeout: time.Minute, WriteTimeout: time.Minute, DisableIdentity: true})
		defer nodes[m.Addr].Close()
	}
	var rows []row
	var notes []string
	size := o.sizes[len(o.sizes)-1]
	reload, err := measureClusterReload(ctx, o, c, cc, nodes, size)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster reload: %w", err)
	}
	r := row{what: "cluster (3 masters): reload whole backend (Load + Apply) vs raw per-master pipelined GETs, masters in parallel", size: sizeLabel(size),
		confo: fmtDur(reload.confo), baseline: fmtDur(reload.raw), ratio: ratio(float64(reload.confo), float64(reload.raw)), target: "—", verdict: info}
	if size >= 100000 {
		r.target, r.verdict = fmt.Sprintf("≤ %.1f×", targetClusterReload), verdict(float64(reload.confo) <= targetClusterReload*float64(reload.raw))
	}
	rows = append(rows, r)
	notes = append(notes, fmt.Sprintf("cluster reload %s (%d runs): confo %s = Load %s + Apply %s; raw: GET of the registry, one pipeline of the lists, then each master's config keys by pipelined GETs (%d per Exec) on a plain client per master, masters in parallel, keys grouped by CRC16 slot from one CLUSTER SLOTS.",
		sizeLabel(size), reload.runs, fmtDur(reload.confo), fmtDur(reload.load), fmtDur(reload.apply), clusterChunk))
	if o.persistN > 0 {
		p, err := measureClusterPersist(ctx, o, c, cc, o.persistN)
		if err != nil {
			return nil, nil, fmt.Errorf("cluster persist: %w", err)
		}
		rows = append(rows,
			row{what: "cluster: persist changed configs, one namespace (check pass, a compare-and-set script per key, list, registry) vs raw pipelined SET of the same bytes", size: sizeLabel(p.configs),
				confo: fmtDur(p.confo), baseline: fmtDur(p.raw), ratio: ratio(float64(p.confo), float64(p.raw)),
				target: fmt.Sprintf("≤ %.0f×", targetClusterPersist), verdict: verdict(float64(p.confo) <= targetClusterPersist*float64(p.raw))},
			row{what: "cluster: persist, same, vs raw pipelined GET + compare + pipelined SET (what a conflict check costs at the least, not atomic per key)", size: sizeLabel(p.configs),
				confo: fmtDur(p.confo), baseline: fmtDur(p.readWrite), ratio: ratio(float64(p.confo), float64(p.readWrite)),
				target: fmt.Sprintf("≤ %.0f× (proposed)", targetCheckedPersist), verdict: verdict(float64(p.confo) <= targetCheckedPersist*float64(p.readWrite))},
			row{what: "cluster: a per-key script that only SETs (no check: the floor of any per-key compare-and-set) vs raw pipelined SET", size: sizeLabel(p.configs),
				confo: fmtDur(p.floor), baseline: fmtDur(p.raw), ratio: ratio(float64(p.floor), float64(p.raw)), target: "—", verdict: info})
		notes = append(notes, fmt.Sprintf("cluster persist: %d runs, data reset to the original bytes before every timed write; %s written per run; every baseline through the cluster client's pipeline, which splits per master and runs the masters in parallel.", p.runs, fmtBytes(int64(p.writtenSize))))
	}
	return rows, notes, nil
}

// clusterReloadResult holds the medians of the cluster reload.
type clusterReloadResult struct {
	runs                    int
	confo, load, apply, raw time.Duration
}

func measureClusterReload(ctx context.Context, o options, c *redisserver.Cluster, cc *redis.ClusterClient, nodes map[string]*redis.Client, size int) (clusterReloadResult, error) {
	res := clusterReloadResult{runs: o.runsFor(size)}
	data := dataset.Generate(size, minPerNamespace, maxPerNamespace)
	if err := fillCluster(ctx, cc, data.Keys("")); err != nil {
		return res, err
	}
	store, err := confo.OpenStore(ctx, confo.BackendRedis, map[string]any{"redis_url": c.URL()})
	if err != nil {
		return res, fmt.Errorf("open confo redis store: %w", err)
	}
	defer store.Close()
	if _, _, _, n, err := confoReload(ctx, store); err != nil || n != size {
		return res, fmt.Errorf("confo loaded %d configs, want %d: %v", n, size, err)
	}
	if n, err := rawClusterFetch(ctx, cc, nodes); err != nil || n != size {
		return res, fmt.Errorf("raw fetch read %d configs, want %d: %v", n, size, err)
	}
	var tConfo, tLoad, tApply, tRaw []time.Duration
	for run := 0; run < res.runs; run++ {
		d, err := timed(func() error { _, err := rawClusterFetch(ctx, cc, nodes); return err })
		if err != nil {
			return res, err
		}
		tRaw = append(tRaw, d)
		d, load, apply, err := timedReload(ctx, store)
		if err != nil {
			return res, err
		}
		tConfo, tLoad, tApply = append(tConfo, d), append(tLoad, load), append(tApply, apply)
		logf(o, "cluster reload %d run %d: confo %v (load %v, apply %v), raw %v", size, run+1, d, load, apply, tRaw[run])
	}
	res.confo, res.load, res.apply, res.raw = median(tConfo), median(tLoad), median(tApply), median(tRaw)
	progress("cluster reload %s: confo %s (load %s + apply %s), raw per-master fetch %s", sizeLabel(size), fmtDur(res.confo), fmtDur(res.load), fmtDur(res.apply), fmtDur(res.raw))
	return res, nil
}

// rawClusterFetch reads the registry, the lists and every config key: the
// config keys grouped by master and read by pipelined GETs on a plain
// client per master, masters in parallel. It returns the configs read.
func rawClusterFetch(ctx context.Context, cc *redis.ClusterClient, nodes map[string]*redis.Client) (int, error) {
	reg, err := cc.Get(ctx, "confo").Bytes()
	if err != nil {
		return 0, fmt.Errorf("GET confo: %w", err)
	}
	namespaces, err := names(reg)
	if err != nil {
		return 0, err
	}
	lists := make([]*redis.StringCmd, len(namespaces))
	pipe := cc.Pipeline()
	for i, ns := range namespaces {
		lists[i] = pipe.Get(ctx, ns)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, err
	}
	slots, err := cc.ClusterSlots(ctx).Result()
	if err != nil {
		return 0, err
	}
	owner := make([]string, 16384)
	for _, r := range slots {
		for s := r.Start; s <= r.End; s++ {
			owner[s] = r.Nodes[0].Addr
		}
	}
	byNode := map[string][]string{}
	for i, ns := range namespaces {
		data, _ := lists[i].Bytes()
		cfgs, err := names(data)
		if err != nil {
			return 0, fmt.Errorf("list %q: %w", ns, err)
		}
		for _, cfg := range cfgs {
			key := ns + "-" + cfg
			byNode[owner[redisstore.KeySlot(key)]] = append(byNode[owner[redisstore.KeySlot(key)]], key)
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	read, errs := 0, []error(nil)
	for addr, keys := range byNode {
		node := nodes[addr]
		if node == nil {
			return 0, fmt.Errorf("no client for master %s", addr)
		}
		wg.Go(func() {
			n, err := fetchOnNode(ctx, node, keys)
			mu.Lock()
			defer mu.Unlock()
			read, errs = read+n, append(errs, err)
		})
	}
	wg.Wait()
	return read, errors.Join(errs...)
}

func fetchOnNode(ctx context.Context, node *redis.Client, keys []string) (int, error) {
	read := 0
	for start := 0; start < len(keys); start += clusterChunk {
		part := keys[start:min(start+clusterChunk, len(keys))]
		cmds := make([]*redis.StringCmd, len(part))
		pipe := node.Pipeline()
		for i, k := range part {
			cmds[i] = pipe.Get(ctx, k)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return read, err
		}
		for _, cmd := range cmds {
			if _, err := cmd.Bytes(); err == nil {
				read++
			}
		}
	}
	return read, nil
}

// fillCluster stores keys with the cluster client's pipelined SETs.
func fillCluster(ctx context.Context, cc *redis.ClusterClient, keys []dataset.Key) error {
	for i := 0; i < len(keys); i += clusterChunk {
		_, err := cc.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys[i:min(i+clusterChunk, len(keys))] {
				p.Set(ctx, k.Key, k.Value, 0)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("fill: %w", err)
		}
	}
	return nil
}

// clusterPersistResult holds the medians of the cluster persist.
type clusterPersistResult struct {
	configs, runs, writtenSize   int
	confo, raw, readWrite, floor time.Duration
}

// setOnly is the least a per-key script does: SET its key, no check.
var setOnly = redis.NewScript(`redis.call('SET', KEYS[1], ARGV[1]) return 1`)

func measureClusterPersist(ctx context.Context, o options, c *redisserver.Cluster, cc *redis.ClusterClient, n int) (clusterPersistResult, error) {
	res := clusterPersistResult{configs: n, runs: o.runs}
	data := dataset.Single(persistNamespace, n)
	keys := data.Keys("")
	store, err := confo.OpenStore(ctx, confo.BackendRedis, map[string]any{"redis_url": c.URL()})
	if err != nil {
		return res, fmt.Errorf("open confo redis store: %w", err)
	}
	defer store.Close()
	cfgKeys := make([]string, n)
	names := make([]string, n)
	original := make([][]byte, n)
	for i, cfg := range data.Namespaces[0].Configs {
		cfgKeys[i], names[i], original[i] = persistNamespace+"-"+cfg.Name, cfg.Name, cfg.Value
	}
	if err := setOnly.Load(ctx, cc).Err(); err != nil {
		return res, err
	}
	var tConfo, tRaw, tRW, tFloor []time.Duration
	for run := -1; run < res.runs; run++ { // run -1 warms up, untimed
		if err := fillCluster(ctx, cc, keys); err != nil {
			return res, err
		}
		_, d, written, err := editAndPersist(ctx, store, names, run)
		if err != nil {
			return res, err
		}
		res.writtenSize = 0
		for _, w := range written {
			res.writtenSize += len(w)
		}
		if got, err := cc.Get(ctx, cfgKeys[n-1]).Bytes(); err != nil || !bytes.Equal(got, written[n-1]) {
			return res, fmt.Errorf("confo persist did not store the edit (GET: %q, %v)", got, err)
		}
		set := func() error {
			_, err := cc.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i, k := range cfgKeys {
					p.Set(ctx, k, written[i], 0)
				}
				return nil
			})
			return err
		}
		if err := fillCluster(ctx, cc, keys); err != nil {
			return res, err
		}
		r, err := timed(set)
		if err != nil {
			return res, fmt.Errorf("raw SET: %w", err)
		}
		if err := fillCluster(ctx, cc, keys); err != nil {
			return res, err
		}
		rw, err := timed(func() error {
			gets := make([]*redis.StringCmd, n)
			if _, err := cc.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i, k := range cfgKeys {
					gets[i] = p.Get(ctx, k)
				}
				return nil
			}); err != nil {
				return err
			}
			for i, g := range gets {
				if b, _ := g.Bytes(); !bytes.Equal(b, original[i]) {
					return fmt.Errorf("raw read-then-write: %s changed", cfgKeys[i])
				}
			}
			return set()
		})
		if err != nil {
			return res, err
		}
		if err := fillCluster(ctx, cc, keys); err != nil {
			return res, err
		}
		floor, err := timed(func() error {
			_, err := cc.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i, k := range cfgKeys {
					setOnly.EvalSha(ctx, p, []string{k}, written[i])
				}
				return nil
			})
			return err
		})
		if err != nil {
			return res, fmt.Errorf("set-only script: %w", err)
		}
		if run < 0 {
			continue
		}
		tConfo, tRaw, tRW, tFloor = append(tConfo, d), append(tRaw, r), append(tRW, rw), append(tFloor, floor)
		logf(o, "cluster persist %d run %d: confo %v, raw SET %v, raw GET+SET %v, set-only script %v", n, run+1, d, r, rw, floor)
	}
	res.confo, res.raw, res.readWrite, res.floor = median(tConfo), median(tRaw), median(tRW), median(tFloor)
	progress("cluster persist %s changed configs: confo %s, raw SET %s, raw GET+compare+SET %s, set-only script %s",
		sizeLabel(n), fmtDur(res.confo), fmtDur(res.raw), fmtDur(res.readWrite), fmtDur(res.floor))
	return res, nil
}
