package redisserver

import (
	"context"
	"fmt"
)

// Migration is a slot moving from one master to another, begun and not
// yet finished: From answers ASK for the keys already moved and To
// accepts them after ASKING.
type Migration struct {
	Slot     int
	From, To *Server
	c        *Cluster
}

// migrateBatch is how many keys one MIGRATE carries.
const migrateBatch = 100

// MigrateSlot moves slot and its keys from one master to another and
// returns once every node agrees on the new owner.
func (c *Cluster) MigrateSlot(ctx context.Context, slot int, from, to *Server) error {
	m, err := c.BeginMigration(ctx, slot, from, to, 0)
	if err != nil {
		return err
	}
	return m.Finish(ctx)
}

// BeginMigration marks slot IMPORTING on to and MIGRATING on from, as the
// CLUSTER SETSLOT documentation orders, then moves up to moveKeys of its
// keys, so a test can work against the half-migrated slot before Finish.
func (c *Cluster) BeginMigration(ctx context.Context, slot int, from, to *Server, moveKeys int) (*Migration, error) {
	if c.ids[from] == "" || c.ids[to] == "" || from == to {
		return nil, fmt.Errorf("redisserver: migrate slot %d: from and to must be two nodes of this cluster", slot)
	}
	if err := to.do(ctx, "CLUSTER", "SETSLOT", slot, "IMPORTING", c.ids[from]).Err(); err != nil {
		return nil, fmt.Errorf("redisserver: CLUSTER SETSLOT %d IMPORTING on %s: %w", slot, to.Addr, err)
	}
	if err := from.do(ctx, "CLUSTER", "SETSLOT", slot, "MIGRATING", c.ids[to]).Err(); err != nil {
		return nil, fmt.Errorf("redisserver: CLUSTER SETSLOT %d MIGRATING on %s: %w", slot, from.Addr, err)
	}
	m := &Migration{Slot: slot, From: from, To: to, c: c}
	if moveKeys > 0 {
		if _, err := m.MoveKeys(ctx, moveKeys); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// MoveKeys migrates up to n of the slot's keys still on From (all of them
// if n < 0) and returns how many it moved.
func (m *Migration) MoveKeys(ctx context.Context, n int) (int, error) {
	moved := 0
	for n < 0 || moved < n {
		batch := migrateBatch
		if n >= 0 {
			batch = min(batch, n-moved)
		}
		keys, err := m.From.do(ctx, "CLUSTER", "GETKEYSINSLOT", m.Slot, batch).StringSlice()
		if err != nil {
			return moved, fmt.Errorf("redisserver: CLUSTER GETKEYSINSLOT %d on %s: %w", m.Slot, m.From.Addr, err)
		}
		if len(keys) == 0 {
			break
		}
		args := []any{"MIGRATE", "127.0.0.1", m.To.Port, "", 0, 10000}
		args = append(args, m.To.authArgs()...)
		args = append(args, "KEYS")
		for _, k := range keys {
			args = append(args, k)
		}
		if err := m.From.do(ctx, args...).Err(); err != nil {
			return moved, fmt.Errorf("redisserver: MIGRATE %d keys of slot %d from %s to %s: %w", len(keys), m.Slot, m.From.Addr, m.To.Addr, err)
		}
		moved += len(keys)
	}
	return moved, nil
}

// authArgs is what MIGRATE needs to log in to s.
func (s *Server) authArgs() []any {
	switch {
	case s.Password == "":
		return nil
	case s.User == "" || s.User == "default":
		return []any{"AUTH", s.Password}
	default:
		return []any{"AUTH2", s.User, s.Password}
	}
}

// Finish moves the keys left, assigns the slot to To on To, From and every
// other master, in the documented order, and waits until all nodes agree.
func (m *Migration) Finish(ctx context.Context) error {
	if _, err := m.MoveKeys(ctx, -1); err != nil {
		return err
	}
	id := m.c.ids[m.To]
	// To first: it bumps its epoch, so its claim wins over stale gossip.
	if err := m.setNode(ctx, m.To, id); err != nil {
		return err
	}
	if err := m.setNode(ctx, m.From, id); err != nil {
		return err
	}
	nodes, err := m.c.nodesOf(ctx, m.To)
	if err != nil {
		return fmt.Errorf("redisserver: %w", err)
	}
	for _, n := range nodes {
		s := m.c.byAddr(n.addr)
		if n.is("master") && s != nil && s != m.To && s != m.From {
			if err := m.setNode(ctx, s, id); err != nil {
				return err
			}
		}
	}
	return m.c.waitSettled(ctx)
}

func (m *Migration) setNode(ctx context.Context, s *Server, id string) error {
	if err := s.do(ctx, "CLUSTER", "SETSLOT", m.Slot, "NODE", id).Err(); err != nil {
		return fmt.Errorf("redisserver: CLUSTER SETSLOT %d NODE %s on %s: %w", m.Slot, m.To.Addr, s.Addr, err)
	}
	return nil
}
