package redisstore

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"time"

	"github.com/confo-dev/confo/confo/store"
	"github.com/redis/go-redis/v9"
)

// The commit of one namespace on a single server (standalone, or the master
// a Sentinel names): one Lua script (commit.lua) checks the namespace's
// list, the registry, the lists checked for key collisions and every
// config against what was read or loaded, and only when all match writes
// the configs, the list and the registry. Redis runs a script atomically,
// so no other client's write lands between the check and the write. When a
// list or the registry changed since the read (another client listed a
// config or registered a namespace), the script writes nothing and the
// commit reads again and retries; a config that changed is a conflict.
//
// Nothing is WATCHed: Redis (7.0 at least) checks every WATCH argument
// against the keys the connection already watches, so watching many keys
// costs O(n²). The expected bytes of the configs are sent, not digests:
// Redis hashes with SHA-1 in software, which costs more than carrying the
// bytes, and Lua compares equal strings by pointer once they are interned.
//
//go:embed commit.lua
var casSource string

var casScript = redis.NewScript(casSource)

// commitAttempts bounds the retries when a list or the registry changes
// between our read and the script; a conflicting change of a config shows
// up as a conflict on the first attempt.
const commitAttempts = 8

func (s *Store) commitScripted(ctx context.Context, change store.NamespaceChange, opts store.CommitOptions) ([]store.Conflict, error) {
	for attempt := 1; attempt <= commitAttempts; attempt++ {
		if attempt > 1 {
			if err := backoff(ctx, attempt); err != nil {
				return nil, err
			}
		}
		cur, err := s.readCurrent(ctx, change)
		if err != nil {
			return nil, s.classify(err)
		}
		w, err := s.decide(change, cur, opts)
		if err != nil || len(w.conflicts) > 0 {
			return w.conflicts, err
		}
		call := s.scriptArgs(change, cur, w, opts)
		if !call.writes {
			return nil, nil // registering what is registered and listed already
		}
		reply, err := s.runCAS(ctx, call.keys, call.args)
		if err != nil {
			return nil, err
		}
		switch status, _ := reply[0].(string); status {
		case "ok":
			return nil, nil
		case "retry":
			continue
		case "conflict":
			return s.scriptConflicts(change, call.configAt, reply[1:])
		}
		return nil, fmt.Errorf("unexpected answer from the compare-and-set script: %v", reply)
	}
	return nil, &store.ContentionError{Namespace: change.Namespace, Attempts: commitAttempts}
}

// backoff waits a little, longer after each attempt and at random, so that
// clients retrying together spread out.
func backoff(ctx context.Context, attempt int) error {
	return pause(ctx, time.Duration(rand.Int64N(int64(attempt)*int64(2*time.Millisecond)))+time.Millisecond)
}

// casCall is one call of the script: its keys and arguments (see
// commit.lua), and for each key the index of its config in the change, or
// -1 for a guarded key.
type casCall struct {
	keys     []string
	args     []any
	configAt []int
	writes   bool
}

// scriptArgs builds the script's call. Configs expected to hold given bytes
// (or to be missing) and to be set go in the bulk groups; the others, and
// all of them under Overwrite, in the generic one.
func (s *Store) scriptArgs(change store.NamespaceChange, cur *current, w nsWrite, opts store.CommitOptions) casCall {
	var generic, present, missing []int
	for i, c := range change.Configs {
		switch {
		case opts.Overwrite || c.Write == nil:
			generic = append(generic, i)
		case c.Expect.State == store.RawPresent:
			present = append(present, i)
		case c.Expect.State == store.RawMissing:
			missing = append(missing, i)
		default:
			generic = append(generic, i)
		}
	}
	guarded := 2 + len(cur.others)
	n := guarded + len(change.Configs)
	call := casCall{keys: make([]string, 0, n), configAt: make([]int, 0, n)}
	ops := make([]byte, 0, 2*(guarded+len(generic)))
	args := make([]any, 5, 5+2*(guarded+len(generic))+len(present)+len(present)+len(missing))
	add := func(key string, config int, expect store.Raw, check bool, write []byte, del bool) {
		call.keys, call.configAt = append(call.keys, key), append(call.configAt, config)
		switch {
		case !check:
			ops = append(ops, '*')
			args = append(args, "")
		case expect.State == store.RawPresent:
			ops = append(ops, 'p')
			args = append(args, expect.Bytes)
		case expect.State == store.RawMissing:
			ops = append(ops, 'm')
			args = append(args, "")
		default:
			ops = append(ops, 'u')
			args = append(args, expect.Type)
		}
		switch {
		case del:
			ops = append(ops, 'd')
			args = append(args, "")
		case write != nil:
			ops = append(ops, 's')
			args = append(args, write)
		default:
			ops = append(ops, '-')
			args = append(args, "")
		}
		call.writes = call.writes || del || write != nil
	}
	add(s.listKey(change.Namespace), -1, cur.list, true, w.list, w.dropList)
	for ns, list := range cur.others {
		add(s.listKey(ns), -1, list, true, nil, false)
	}
	add(s.registryKey(), -1, cur.registry, true, w.registry, false)
	for _, i := range generic {
		c := change.Configs[i]
		add(s.configKey(change.Namespace, c.Name), i, c.Expect, !opts.Overwrite, c.Write, c.Write == nil)
	}
	bulk := append(present, missing...)
	for _, i := range bulk {
		call.keys = append(call.keys, s.configKey(change.Namespace, change.Configs[i].Name))
		call.configAt = append(call.configAt, i)
	}
	for _, i := range present {
		args = append(args, change.Configs[i].Expect.Bytes)
	}
	for _, i := range bulk {
		args = append(args, change.Configs[i].Write)
	}
	call.writes = call.writes || len(bulk) > 0
	args[0], args[1], args[2], args[3], args[4] = guarded, len(generic), len(present), len(missing), ops
	call.args = args
	return call
}

// noRetry keeps go-redis from sending the script again after a lost
// reply: the first one may have run, and the caller must be told so.
type noRetry struct{ *redis.Cmd }

func (noRetry) NoRetry() bool { return true }

// runCAS runs the script by its SHA-1, loading it when the server does not
// know it yet.
func (s *Store) runCAS(ctx context.Context, keys []string, args []any) ([]any, error) {
	run := func(verb, script string) (*redis.Cmd, error) {
		all := make([]any, 0, 3+len(keys)+len(args))
		all = append(all, verb, script, len(keys))
		for _, k := range keys {
			all = append(all, k)
		}
		all = append(all, args...)
		cmd := noRetry{redis.NewCmd(ctx, all...)}
		_ = s.client.Process(ctx, cmd)
		return cmd.Cmd, cmd.Err()
	}
	cmd, err := run("evalsha", casScript.Hash())
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		cmd, err = run("eval", casSource)
	}
	if err != nil {
		return nil, s.writeError(err)
	}
	reply, err := cmd.Slice()
	if err != nil || len(reply) == 0 {
		return nil, fmt.Errorf("unexpected answer from the compare-and-set script: %v", reply)
	}
	return reply, nil
}

// writeError classifies a failure of the script: when the connection
// failed after the script was sent, it may have run, and the error says so.
func (s *Store) writeError(err error) error {
	var serverErr redis.Error
	if errors.As(err, &serverErr) {
		return err // the server answered
	}
	var op *net.OpError
	notSent := errors.As(err, &op) && (op.Op == "dial" || op.Op == "write") ||
		errors.Is(err, redis.ErrPoolTimeout) || errors.Is(err, redis.ErrPoolExhausted) || errors.Is(err, redis.ErrClosed)
	if notSent {
		return s.classify(err)
	}
	return &store.OutcomeUnknownError{Addr: s.cfg.Addr, Cause: err}
}

// scriptConflicts reads the script's conflict answer: per config, its index
// among the keys (1-based), what it holds and its bytes or type.
func (s *Store) scriptConflicts(change store.NamespaceChange, configAt []int, bad []any) ([]store.Conflict, error) {
	var conflicts []store.Conflict
	for i := 0; i+2 < len(bad); i += 3 {
		idx, _ := bad[i].(int64)
		kind, _ := bad[i+1].(string)
		payload, _ := bad[i+2].(string)
		c := -1
		if idx >= 1 && int(idx) <= len(configAt) {
			c = configAt[idx-1]
		}
		if c < 0 {
			return nil, fmt.Errorf("unexpected answer from the compare-and-set script: %v", bad)
		}
		var theirs store.Raw
		switch kind {
		case "p":
			theirs = store.PresentRaw([]byte(payload))
		case "m":
			theirs = store.MissingRaw()
		default:
			theirs = rawOfType(payload)
		}
		cc := change.Configs[c]
		conflicts = append(conflicts, store.Conflict{Namespace: change.Namespace, Config: cc.Name,
			Reason: store.ConflictReason(cc.Expect, theirs), Ours: cc.Expect, Theirs: theirs})
	}
	return conflicts, nil
}
