package redisstore

import (
	"context"
	"crypto/sha1"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strconv"
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
//   - config values are checked in a rotation of blocks of 500 configs,
//     pollBlocks blocks per poll: the server returns one digest per block,
//     and only a block whose digest changed is asked for its configs'
//     digests, compared with the ones the watcher kept. A value change is
//     seen within ceil(configs/5000) polls: one poll up to 5,000 configs,
//     20 at 100,000.
//
// So a poll moves a few hundred bytes, not an amount proportional to the
// tree, and the server's work per poll is hashing the lists plus 5,000
// values (a few milliseconds at 100k).
//
//go:embed poll.lua
var pollScript string

var pollLua = redis.NewScript(pollScript)

const (
	// pollBlocks is the blocks whose values one poll checks.
	pollBlocks = 10
	// blockSize is poll.lua's.
	blockSize = 500
)

// poller keeps what the polls saw.
type poller struct {
	w         *watcher
	structure string
	lists     map[string]string            // namespace ("" for the registry) → list digest
	values    map[string]map[string]string // namespace → config → value digest
	blocks    map[string]map[string]string // namespace → block → digest
	cursor    string                       // namespace the rotation resumes at
	block     string                       // and the block in it
}

func (w *watcher) poll(ctx context.Context) error {
	p := &poller{w: w, lists: map[string]string{}, values: map[string]map[string]string{}, blocks: map[string]map[string]string{}, block: "1"}
	if err := p.baseline(ctx); err != nil {
		return err
	}
	w.ready(fmt.Sprintf("polling every %s (values: %d configs per poll)", w.interval, pollBlocks*blockSize))
	ticker := time.NewTicker(w.interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		if err := p.tick(ctx); err != nil {
			return err
		}
	}
}

// baseline takes every digest once, quietly.
func (p *poller) baseline(ctx context.Context) error {
	res, err := p.run(ctx, "tick", "", "1", 0)
	if err != nil {
		return err
	}
	p.structure = res[0]
	lists, err := p.run(ctx, "lists")
	if err != nil {
		return err
	}
	for i := 0; i+1 < len(lists); i += 2 {
		p.lists[lists[i]] = lists[i+1]
		if lists[i] != "" {
			if err := p.namespace(ctx, lists[i], false); err != nil {
				return err
			}
		}
	}
	return nil
}

// tick runs one poll.
func (p *poller) tick(ctx context.Context) error {
	res, err := p.run(ctx, "tick", p.cursor, p.block, pollBlocks)
	if err != nil {
		return err
	}
	if len(res) < 3 {
		return fmt.Errorf("unexpected answer from the polling script: %q", res)
	}
	structure := res[0]
	p.cursor, p.block = res[1], res[2]
	for i := 3; i+2 < len(res); i += 3 {
		ns, block, d := res[i], res[i+1], res[i+2]
		kept, known := p.blocks[ns]
		if !known {
			continue // a new namespace: its list change brings it
		}
		if old, seen := kept[block]; seen && old != d {
			configs, err := p.run(ctx, "block", ns, block)
			if err != nil {
				return err
			}
			p.compare(ns, configs, true)
		}
		kept[block] = d
	}
	if structure != p.structure {
		if err := p.structureChanged(ctx); err != nil {
			return err
		}
		p.structure = structure
	}
	return nil
}

// structureChanged finds which lists changed, reports them, and takes the
// digests of those namespaces' configs at once, so that a config added
// there is followed from its first value on.
func (p *poller) structureChanged(ctx context.Context) error {
	lists, err := p.run(ctx, "lists")
	if err != nil {
		return err
	}
	now := map[string]string{}
	for i := 0; i+1 < len(lists); i += 2 {
		now[lists[i]] = lists[i+1]
	}
	// The digests of a changed namespace are taken before its change is
	// reported: a value written after the consumer reads it is then a
	// change against them, never part of a quiet baseline.
	var changes []store.Change
	for ns, d := range now {
		if ns == "" || d == p.lists[ns] {
			continue
		}
		if err := p.namespace(ctx, ns, true); err != nil {
			return err
		}
		changes = append(changes, store.Change{Kind: store.ChangeList, Namespace: ns})
	}
	if now[""] != p.lists[""] {
		if err := p.w.reloadRegistry(ctx); err != nil {
			return err
		}
		changes = append(changes, store.Change{Kind: store.ChangeRegistry})
	}
	for _, c := range changes {
		p.w.q.Push(c)
	}
	for ns := range p.lists {
		if _, ok := now[ns]; !ok {
			delete(p.values, ns)
			delete(p.blocks, ns)
		}
	}
	p.lists = now
	return nil
}

// namespace takes the digests of every config of ns and of its blocks.
func (p *poller) namespace(ctx context.Context, ns string, report bool) error {
	configs, err := p.run(ctx, "ns", ns)
	if err != nil {
		return err
	}
	p.compare(ns, configs, report)
	blocks := map[string]string{}
	for b := 0; 2*b*blockSize < len(configs); b++ {
		h := sha1.New()
		for i := 2 * b * blockSize; i < min(2*(b+1)*blockSize, len(configs)); i += 2 {
			h.Write([]byte(configs[i+1]))
		}
		blocks[strconv.Itoa(b+1)] = hex.EncodeToString(h.Sum(nil))
	}
	p.blocks[ns] = blocks
	return nil
}

// compare takes (cfg, digest) pairs of ns and reports the values that
// differ from the digest kept; a config seen for the first time is not a
// change (its list change was, or it is part of the baseline).
func (p *poller) compare(ns string, pairs []string, report bool) {
	kept := p.values[ns]
	if kept == nil {
		kept = map[string]string{}
		p.values[ns] = kept
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		cfg, d := pairs[i], pairs[i+1]
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
