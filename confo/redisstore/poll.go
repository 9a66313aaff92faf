package redisstore

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo/store"
)

// pollScript (poll.lua) is the polling watcher's eyes on the server. Each
// poll costs the same whatever the size of the tree:
//
//   - the structure (registry and every list) is hashed on the server and
//     only its digest comes back, so a list or registry change is seen at
//     the next poll; only then are per-list digests fetched, to tell
//     which changed, and the configs of those namespaces checked;
//   - config values are checked in a rotation, pollBudget configs per poll:
//     the server returns a 48-bit digest of each, the watcher compares it
//     with the one it kept. A value change is seen within
//     ceil(configs/pollBudget) polls: one poll up to 5,000 configs, 20 at
//     100,000.
//
// So the traffic per poll is bounded (the budget's digests, ~40 bytes
// each), not proportional to the tree, and the server's work per poll is
// hashing the lists plus pollBudget values (a few milliseconds at 100k).
//
//go:embed poll.lua
var pollScript string

var pollLua = redis.NewScript(pollScript)

const (
	// pollBudget is the configs whose values one poll checks.
	pollBudget = 5000
	// baselineBudget is the configs per call while the first digests are
	// taken, before the watch reports ready.
	baselineBudget = 20000
)

// poller keeps what the polls saw.
type poller struct {
	w         *watcher
	structure string
	lists     map[string]string            // namespace ("" for the registry) → list digest
	values    map[string]map[string]string // namespace → config → value digest
	cursor    string                       // namespace the rotation resumes at
	offset    int                          // and the config index in it (1-based)
}

func (w *watcher) poll(ctx context.Context) error {
	p := &poller{w: w, lists: map[string]string{}, values: map[string]map[string]string{}, offset: 1}
	if err := p.baseline(ctx); err != nil {
		return err
	}
	w.ready(fmt.Sprintf("polling every %s (values: %d configs per poll)", w.interval, pollBudget))
	ticker := time.NewTicker(w.interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		if err := p.tick(ctx, pollBudget, true); err != nil {
			return err
		}
	}
}

// baseline takes every digest once, quietly.
func (p *poller) baseline(ctx context.Context) error {
	lists, err := p.run(ctx, "lists")
	if err != nil {
		return err
	}
	for i := 0; i+1 < len(lists); i += 2 {
		p.lists[lists[i]] = lists[i+1]
	}
	for {
		if err := p.tick(ctx, baselineBudget, false); err != nil {
			return err
		}
		if p.cursor == "" {
			return nil
		}
	}
}

// tick runs one poll; with report, differences become changes.
func (p *poller) tick(ctx context.Context, budget int, report bool) error {
	res, err := p.run(ctx, "tick", p.cursor, p.offset, budget)
	if err != nil {
		return err
	}
	if len(res) < 3 {
		return fmt.Errorf("unexpected answer from the polling script: %q", res)
	}
	structure := res[0]
	p.cursor = res[1]
	fmt.Sscan(res[2], &p.offset)
	p.offset = max(p.offset, 1)
	p.compare(res[3:], report)
	if p.structure != "" && structure != p.structure && report {
		if err := p.structureChanged(ctx); err != nil {
			return err
		}
	}
	p.structure = structure
	return nil
}

// structureChanged finds which lists changed, reports them, and checks the
// configs of those namespaces at once, so that a config added there is
// followed from its first value on.
func (p *poller) structureChanged(ctx context.Context) error {
	lists, err := p.run(ctx, "lists")
	if err != nil {
		return err
	}
	now := map[string]string{}
	for i := 0; i+1 < len(lists); i += 2 {
		now[lists[i]] = lists[i+1]
	}
	if now[""] != p.lists[""] {
		if err := p.w.reloadRegistry(ctx); err != nil {
			return err
		}
		p.w.q.Push(store.Change{Kind: store.ChangeRegistry})
	}
	for ns, d := range now {
		if ns == "" || d == p.lists[ns] {
			continue
		}
		p.w.q.Push(store.Change{Kind: store.ChangeList, Namespace: ns})
		configs, err := p.run(ctx, "ns", ns)
		if err != nil {
			return err
		}
		p.compare(configs, true)
	}
	for ns := range p.lists {
		if _, ok := now[ns]; !ok {
			delete(p.values, ns)
		}
	}
	p.lists = now
	return nil
}

// compare takes (ns, cfg, digest) triples and reports the values that
// differ from the digest kept; a config seen for the first time is not a
// change (its list change was, or it is part of the baseline).
func (p *poller) compare(triples []string, report bool) {
	for i := 0; i+2 < len(triples); i += 3 {
		ns, cfg, d := triples[i], triples[i+1], triples[i+2]
		kept := p.values[ns]
		if kept == nil {
			kept = map[string]string{}
			p.values[ns] = kept
		}
		if old, seen := kept[cfg]; seen && old != d && report {
			p.w.q.Push(store.Change{Kind: store.ChangeConfig, Namespace: ns, Config: cfg})
		}
		kept[cfg] = d
	}
}

func (p *poller) run(ctx context.Context, mode string, args ...any) ([]string, error) {
	res, err := pollLua.Run(ctx, p.w.s.client, nil, append([]any{p.w.s.cfg.Prefix, mode}, args...)...).StringSlice()
	if err != nil {
		return nil, p.w.s.classify(err)
	}
	return res, nil
}
