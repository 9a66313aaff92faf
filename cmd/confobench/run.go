package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	targetReload  = 1.5
	targetPersist = 2.0
	targetSpread  = 1.30
	targetMemory  = 3.0
)

func run(ctx context.Context, o options, stdout io.Writer) error {
	began := time.Now()
	m := describeMachine()
	srv, err := startRedis(ctx)
	if err != nil {
		return err
	}
	atExit(func() { srv.Stop() })
	progress("redis-server %s on %s", m.redisVersion, srv.Addr)
	raw := redis.NewClient(&redis.Options{Addr: srv.Addr, ReadTimeout: time.Minute, WriteTimeout: time.Minute, PoolSize: 4})
	defer raw.Close()

	var rows, scaling []row
	var notes []string
	var reloads []reloadResult
	largest := o.sizes[len(o.sizes)-1]
	var mem memResult
	for _, size := range o.sizes {
		var mp *memResult
		if size == largest {
			mp = &mem
		}
		res, err := measureReload(ctx, o, raw, srv.Addr, size, mp)
		if err != nil {
			return fmt.Errorf("reload %s: %w", sizeLabel(size), err)
		}
		reloads = append(reloads, res)
		rawLabel := " vs raw " + res.rawMode.String()
		rows = append(rows,
			reloadRow("reload whole backend (Load + Apply)"+rawLabel, size, res.confo, res.raw),
			reloadRow("reload onto the loaded Workspace (Load + Apply(snap, false), no unsaved edits)"+rawLabel, size, res.onto, res.raw))
		if res.naiveRuns > 0 {
			rows = append(rows, row{
				what: "reload whole backend vs naive (one GET per config, like Python)", size: sizeLabel(size),
				confo: fmtDur(res.confo), baseline: fmtDur(res.naive), ratio: ratio(float64(res.confo), float64(res.naive)) + fmt.Sprintf(" (%.0f× faster)", float64(res.naive)/float64(res.confo)),
				target: "—", verdict: info,
			})
		}
		perConfo, perRaw := res.confo/time.Duration(size), res.raw/time.Duration(size)
		scaling = append(scaling, row{
			what: "reload time per config", size: sizeLabel(size),
			confo: fmtDur(perConfo), baseline: fmtDur(perRaw), ratio: ratio(float64(perConfo), float64(perRaw)),
			target: "—", verdict: info,
		})
		notes = append(notes, fmt.Sprintf("reload %s (%d runs): confo %s = Load %s + Apply %s into a fresh Workspace; onto the loaded Workspace %s, of which Apply %s; raw pipelined GET %s, pipelined MGET×%d %s; naive %s (%d runs).",
			sizeLabel(size), res.runs, fmtDur(res.confo), fmtDur(res.load), fmtDur(res.apply), fmtDur(res.onto), fmtDur(res.ontoApply),
			fmtDur(res.rawGET), mgetChunk, fmtDur(res.rawMGET), fmtDur(res.naive), res.naiveRuns))
	}
	rows = append(rows, scaling...)
	if len(reloads) > 1 {
		lo, hi := perConfig(reloads, func(r reloadResult) time.Duration { return r.confo })
		rlo, rhi := perConfig(reloads, func(r reloadResult) time.Duration { return r.raw })
		spread := float64(hi) / float64(lo)
		rows = append(rows, row{
			what: "reload scaling: max/min time per config", size: sizeLabel(o.sizes[0]) + " → " + sizeLabel(largest),
			confo: fmt.Sprintf("%.2f", spread), baseline: fmt.Sprintf("%.2f", float64(rhi)/float64(rlo)), ratio: "—",
			target: fmt.Sprintf("≤ %.2f", targetSpread), verdict: verdict(spread <= targetSpread),
		})
		if n := len(reloads); n >= 2 {
			a, b := reloads[n-2], reloads[n-1]
			marginal := float64(b.confo-a.confo) / float64(b.size-a.size)
			rawMarginal := float64(b.raw-a.raw) / float64(b.size-a.size)
			fixed := float64(reloads[0].confo) - marginal*float64(reloads[0].size)
			rows = append(rows, row{
				what:  fmt.Sprintf("reload marginal time per config, Δt/Δn from %s to %s (fixed cost per reload left at %s: %s)", sizeLabel(a.size), sizeLabel(b.size), sizeLabel(reloads[0].size), fmtDur(time.Duration(fixed))),
				size:  sizeLabel(a.size) + " → " + sizeLabel(b.size),
				confo: fmtDur(time.Duration(marginal)), baseline: fmtDur(time.Duration(rawMarginal)), ratio: ratio(marginal, rawMarginal),
				target: "—", verdict: info,
			})
		}
	} else {
		rows = append(rows, notMeasured("reload scaling: max/min time per config", "—", fmt.Sprintf("≤ %.2f", targetSpread), "needs two sizes or more"))
	}

	memTarget, memVerdict := fmt.Sprintf("≤ %.0f×", targetMemory), info
	if mem.size >= 100000 {
		memVerdict = verdict(float64(mem.heap) <= targetMemory*float64(mem.stored))
	}
	rows = append(rows, row{
		what: "memory: heap held by the loaded Workspace vs key+value bytes stored in Redis", size: sizeLabel(mem.size),
		confo: fmtBytes(int64(mem.heap)), baseline: fmtBytes(int64(mem.stored)), ratio: ratio(float64(mem.heap), float64(mem.stored)),
		target: memTarget, verdict: memVerdict,
	})
	notes = append(notes, fmt.Sprintf("memory %s: HeapAlloc delta after runtime.GC around Load + Apply, snapshot dropped; the baseline is the sum of key and value lengths; Redis's own INFO used_memory_dataset for the same data is %s (ratio %s).",
		sizeLabel(mem.size), fmtBytes(mem.usedDataset), ratio(float64(mem.heap), float64(mem.usedDataset))))

	if o.persistN > 0 {
		p, err := measurePersist(ctx, o, raw, srv.Addr, o.persistN)
		if err != nil {
			return fmt.Errorf("persist: %w", err)
		}
		rows = append(rows, row{
			what: "persist changed configs, one namespace (confo.Persist: every key checked and written in one compare-and-set script) vs raw TxPipelined MULTI/SET of the same bytes", size: sizeLabel(p.configs),
			confo: fmtDur(p.confo), baseline: fmtDur(p.raw), ratio: ratio(float64(p.confo), float64(p.raw)),
			target: fmt.Sprintf("≤ %.0f×", targetPersist), verdict: verdict(float64(p.confo) <= targetPersist*float64(p.raw)),
		})
		rows = append(rows, row{
			what: "persist, same, vs raw pipelined MGET + compare + MULTI/SET (the least a conflict check adds, not atomic)", size: sizeLabel(p.configs),
			confo: fmtDur(p.confo), baseline: fmtDur(p.readWrite), ratio: ratio(float64(p.confo), float64(p.readWrite)),
			target: fmt.Sprintf("≤ %.0f× (proposed)", targetCheckedPersist), verdict: verdict(float64(p.confo) <= targetCheckedPersist*float64(p.readWrite)),
		})
		rows = append(rows, row{
			what: "a script that only MSETs the same bytes (no check: the floor of any one-script commit) vs raw TxPipelined MULTI/SET", size: sizeLabel(p.configs),
			confo: fmtDur(p.scriptFloor), baseline: fmtDur(p.raw), ratio: ratio(float64(p.scriptFloor), float64(p.raw)),
			target: "—", verdict: info,
		})
		rows = append(rows, row{
			what: "edit changed configs in the Workspace (SetField each; not part of the persist figure)", size: sizeLabel(p.configs),
			confo: fmtDur(p.edit), baseline: "—", ratio: "—", target: "—", verdict: info,
		})
		notes = append(notes, fmt.Sprintf("persist: %d runs, data reset to the original bytes before every timed write; %s written per run.", p.runs, fmtBytes(int64(p.writtenSize))))
	}

	if o.cluster {
		clusterRows, clusterNotes, err := measureCluster(ctx, o)
		if err != nil {
			return err
		}
		rows, notes = append(rows, clusterRows...), append(notes, clusterNotes...)
	}

	if o.reads {
		readRows, readNotes, err := measureReadFigures(ctx, o, raw, srv.Addr)
		if err != nil {
			return fmt.Errorf("reads: %w", err)
		}
		rows, notes = append(rows, readRows...), append(notes, readNotes...)
	}

	if o.ui {
		uiRows, uiNotes := measureUI(ctx, o)
		rows = append(rows, uiRows...)
		notes = append(notes, uiNotes...)
	} else {
		for _, r := range uiRowsSkipped("-ui=false") {
			rows = append(rows, r)
		}
	}

	took := time.Since(began)
	fmt.Fprint(stdout, table(rows))
	if o.out != "" {
		if err := writeResults(o.out, results(o, m, rows, notes, took)); err != nil {
			return fmt.Errorf("write %s: %w", o.out, err)
		}
		progress("wrote %s", o.out)
	}
	progress("done in %s", took.Round(time.Second))
	return nil
}

func perConfig(rs []reloadResult, f func(reloadResult) time.Duration) (lo, hi time.Duration) {
	for i, r := range rs {
		d := f(r) / time.Duration(r.size)
		if i == 0 || d < lo {
			lo = d
		}
		if d > hi {
			hi = d
		}
	}
	return lo, hi
}

// reloadRow compares a reload time with the raw fetch; the target applies
// from 100k configs on.
func reloadRow(what string, size int, confo, raw time.Duration) row {
	r := row{what: what, size: sizeLabel(size), confo: fmtDur(confo), baseline: fmtDur(raw),
		ratio: ratio(float64(confo), float64(raw)), target: "—", verdict: info}
	if size >= 100000 {
		r.target, r.verdict = fmt.Sprintf("≤ %.1f×", targetReload), verdict(float64(confo) <= targetReload*float64(raw))
	}
	return r
}
