package redisserver

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// failoverTimeout bounds Failover when the caller's context has no deadline.
const failoverTimeout = 60 * time.Second

// Failover has a sentinel promote the replica (SENTINEL FAILOVER) and
// returns the new master's address once every sentinel reports it, it
// answers ROLE as master and accepts writes, and the old master has become
// its replica. Writes the old master acknowledged before Failover survive.
func (g *SentinelGroup) Failover(ctx context.Context) (string, error) {
	ctx, cancel := withDefaultTimeout(ctx, failoverTimeout)
	defer cancel()
	old, err := g.CurrentMaster(ctx)
	if err != nil {
		return "", err
	}
	if old != g.Master.Addr {
		return "", fmt.Errorf("redisserver: failover: sentinels report master %s, expected %s", old, g.Master.Addr)
	}
	// Replication is asynchronous: without this, a write made just before
	// Failover could be lost with the old master's data.
	if err := waitFor(ctx, "the replica to catch up before failover", g.caughtUp); err != nil {
		return "", err
	}
	if err := g.driveFailover(ctx, old); err != nil {
		return "", err
	}
	return g.AwaitFailover(ctx, old)
}

// caughtUp says why the replica has not yet received all the master has.
func (g *SentinelGroup) caughtUp(ctx context.Context) error {
	m, err := g.Master.do(ctx, "INFO", "replication").Text()
	if err != nil {
		return fmt.Errorf("INFO replication on %s: %w", g.Master.Addr, err)
	}
	r, err := g.Replica.do(ctx, "INFO", "replication").Text()
	if err != nil {
		return fmt.Errorf("INFO replication on %s: %w", g.Replica.Addr, err)
	}
	want, err1 := strconv.ParseInt(infoField(m, "master_repl_offset"), 10, 64)
	got, err2 := strconv.ParseInt(infoField(r, "slave_repl_offset"), 10, 64)
	if err1 != nil || err2 != nil || got < want {
		return fmt.Errorf("replica %s at offset %d of %d", g.Replica.Addr, got, want)
	}
	return nil
}

// driveFailover sends SENTINEL FAILOVER to one sentinel and waits until
// that sentinel reports a master other than old. It asks again whenever
// the sentinel has no failover under way: at first; after NOGOODSLAVE,
// until the sentinel has fresh news of the replica (just after start-up or
// a previous failover); and after the sentinel gave up a failover it could
// not finish within failover-timeout, as when the machine stalls.
func (g *SentinelGroup) driveFailover(ctx context.Context, old string) error {
	var s *Server
	for _, c := range g.Sentinels {
		if c.Running() {
			s = c
			break
		}
	}
	if s == nil {
		return errors.New("redisserver: failover: no sentinel is running")
	}
	return waitFor(ctx, "a sentinel to fail over", func(ctx context.Context) error {
		m, err := sentinelMap(s.do(ctx, "SENTINEL", "MASTER", g.MasterName).Slice())
		if err != nil {
			return fmt.Errorf("SENTINEL MASTER on %s: %w", s.Addr, err)
		}
		if m["ip"]+":"+m["port"] != old {
			return nil
		}
		if strings.Contains(m["flags"], "failover_in_progress") {
			return fmt.Errorf("sentinel %s: failover under way", s.Addr)
		}
		err = s.do(ctx, "SENTINEL", "FAILOVER", g.MasterName).Err()
		switch {
		case err == nil:
			return fmt.Errorf("sentinel %s: failover started", s.Addr)
		case strings.HasPrefix(err.Error(), "NOGOODSLAVE"), strings.HasPrefix(err.Error(), "INPROG"):
			return fmt.Errorf("SENTINEL FAILOVER on %s: %w", s.Addr, err)
		default:
			return permanent{fmt.Errorf("SENTINEL FAILOVER on %s: %w", s.Addr, err)}
		}
	})
}

// AwaitFailover waits until the sentinels have replaced old (forced by
// Failover, or on their own after a test stopped the master): every
// running sentinel reports the same new master, which answers ROLE as
// master and accepts writes; if the old master still runs, it is made the
// new one's replica at once (sentinels would take 10 s or more, during
// which both accept writes). It swaps Master and Replica and returns the
// new master's address.
func (g *SentinelGroup) AwaitFailover(ctx context.Context, old string) (string, error) {
	ctx, cancel := withDefaultTimeout(ctx, failoverTimeout)
	defer cancel()
	var addr string
	err := waitFor(ctx, "the sentinels to agree on a new master", func(ctx context.Context) error {
		addr = ""
		for _, s := range g.Sentinels {
			if !s.Running() {
				continue
			}
			a, err := g.masterSeenBy(ctx, s)
			if err != nil {
				return err
			}
			if a == old || addr != "" && a != addr {
				return fmt.Errorf("sentinel %s reports master %s", s.Addr, a)
			}
			addr = a
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	oldM, newM := g.Master, g.Replica
	if newM.Addr != addr {
		return "", fmt.Errorf("redisserver: failover: sentinels report master %s, expected %s", addr, newM.Addr)
	}
	if err := waitFor(ctx, "the new master to accept writes", func(ctx context.Context) error {
		return acceptsWrites(ctx, newM)
	}); err != nil {
		return "", err
	}
	if oldM.Running() {
		if err := oldM.do(ctx, "REPLICAOF", "127.0.0.1", newM.Port).Err(); err != nil {
			return "", fmt.Errorf("redisserver: REPLICAOF %s on %s: %w", addr, oldM.Addr, err)
		}
		if err := waitFor(ctx, "the old master to sync as a replica", func(ctx context.Context) error {
			return linkUp(ctx, oldM)
		}); err != nil {
			return "", err
		}
	}
	g.Master, g.Replica = newM, oldM
	return addr, nil
}

// acceptsWrites says why s is not a writable master. The probe is a DEL of
// a key nobody uses: a write command, so a replica refuses it, that
// changes nothing on a master.
func acceptsWrites(ctx context.Context, s *Server) error {
	role, err := s.do(ctx, "ROLE").Slice()
	if err != nil || len(role) == 0 || role[0] != "master" {
		return fmt.Errorf("%s does not answer ROLE as master: %v %v", s.Addr, role, err)
	}
	if err := s.do(ctx, "DEL", "redisserver:failover-probe").Err(); err != nil {
		return fmt.Errorf("%s refuses a write: %w", s.Addr, err)
	}
	return nil
}
