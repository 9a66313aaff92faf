package redisstore

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo/store"
)

//go:embed cas.lua
var keyCASSource string

var keyCASScript = redis.NewScript(keyCASSource)

// keyCAS is one key's compare-and-set (cas.lua).
type keyCAS struct {
	key string
	// expect is what the key must hold; anything, with any.
	expect store.Raw
	any    bool
	// write is the new value; nil deletes the key.
	write []byte
}

// casOutcome is what one keyCAS did: ok, it wrote; otherwise, when err is
// nil, the key held theirs and nothing was written.
type casOutcome struct {
	ok     bool
	theirs store.Raw
	err    error
}

// casChunk bounds the commands of one pipeline.
const casChunk = 10000

// runKeyCAS runs one compare-and-set per op, pipelined: through the
// cluster client each goes to its key's master, masters in parallel, and
// MOVED and ASK are followed per command. A node that does not know the
// script yet (it joined, failed over, or a slot moved to it) gets it with
// EVAL. A compare-and-set whose reply was lost is asked again by reading
// the key: one that holds what op wrote (a retried script finds its own
// write) counts as written, a delete that finds nothing has reached its
// goal.
func (s *Store) runKeyCAS(ctx context.Context, ops []keyCAS) []casOutcome {
	out := make([]casOutcome, len(ops))
	for start := 0; start < len(ops); start += casChunk {
		end := min(start+casChunk, len(ops))
		s.sendKeyCAS(ctx, ops[start:end], out[start:end])
	}
	var unknown []int
	for i, o := range out {
		if o.err != nil && !isServerError(o.err) {
			unknown = append(unknown, i)
		}
	}
	if len(unknown) > 0 {
		s.resolveKeyCAS(ctx, ops, out, unknown)
	}
	for i := range out {
		o := &out[i]
		if o.err != nil || o.ok {
			continue
		}
		if ops[i].write == nil && o.theirs.State == store.RawMissing || ops[i].write != nil && o.theirs.Same(store.PresentRaw(ops[i].write)) {
			o.ok, o.theirs = true, store.Raw{}
		}
	}
	return out
}

func (s *Store) sendKeyCAS(ctx context.Context, ops []keyCAS, out []casOutcome) {
	pending := make([]int, len(ops))
	for i := range pending {
		pending[i] = i
	}
	for _, useSHA := range []bool{true, false} {
		pipe := s.client.Pipeline()
		cmds := make([]*redis.Cmd, len(pending))
		for n, i := range pending {
			op := ops[i]
			check, expected := casExpectation(op.expect, !op.any)
			var verb, value any = "d", ""
			if op.write != nil {
				verb, value = "s", op.write
			}
			if useSHA {
				cmds[n] = pipe.EvalSha(ctx, keyCASScript.Hash(), []string{op.key}, check, expected, verb, value)
			} else {
				cmds[n] = pipe.Eval(ctx, keyCASSource, []string{op.key}, check, expected, verb, value)
			}
		}
		pipe.Exec(ctx)
		var noScript []int
		for n, i := range pending {
			if useSHA && redis.HasErrorPrefix(cmds[n].Err(), "NOSCRIPT") {
				noScript = append(noScript, i)
				continue
			}
			out[i] = casOutcomeOf(cmds[n])
		}
		if pending = noScript; len(pending) == 0 {
			return
		}
	}
}

// casExpectation encodes what a key must hold as the scripts read it: a
// letter and its bytes or type.
func casExpectation(expect store.Raw, check bool) (string, any) {
	switch {
	case !check:
		return "*", ""
	case expect.State == store.RawPresent:
		return "p", expect.Bytes
	case expect.State == store.RawMissing:
		return "m", ""
	}
	return "u", expect.Type
}

func casOutcomeOf(cmd *redis.Cmd) casOutcome {
	v, err := cmd.Result()
	if err != nil {
		return casOutcome{err: err}
	}
	switch x := v.(type) {
	case int64:
		return casOutcome{ok: x == 1}
	case []any:
		if len(x) == 2 {
			kind, _ := x[0].(string)
			payload, _ := x[1].(string)
			return casOutcome{theirs: rawOfScript(kind, payload)}
		}
	}
	return casOutcome{err: fmt.Errorf("unexpected answer from the compare-and-set script: %v", v)}
}

// rawOfScript reads what a script says a key holds.
func rawOfScript(kind, payload string) store.Raw {
	switch kind {
	case "p":
		return store.PresentRaw([]byte(payload))
	case "m":
		return store.MissingRaw()
	}
	return rawOfType(payload)
}

// resolveKeyCAS reads the keys of the ops at idx, whose replies were lost,
// to learn whether they landed. A key that cannot be read keeps its error,
// as an outcome unknown.
func (s *Store) resolveKeyCAS(ctx context.Context, ops []keyCAS, out []casOutcome, idx []int) {
	keys := make([]string, len(idx))
	for n, i := range idx {
		keys[n] = ops[i].key
	}
	raws, err := s.readRaws(ctx, keys)
	for n, i := range idx {
		if err != nil {
			out[i].err = &store.OutcomeUnknownError{Addr: s.Address(), Cause: store.JoinLine(out[i].err, err)}
			continue
		}
		op := ops[i]
		if !op.any && raws[n].Same(op.expect) {
			continue // it did not run: still the failure it was
		}
		// Ours (counted as written by the caller), or another client's,
		// which ours did not replace or which replaced ours: to them it
		// is the same.
		out[i] = casOutcome{theirs: raws[n]}
	}
}
