package redisserver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ClusterOptions configures StartCluster.
type ClusterOptions struct {
	Masters           int // 0 means 3
	ReplicasPerMaster int
	// NodeTimeout is cluster-node-timeout; 0 means 5s: short, so a test
	// that kills a master sees a failover within seconds, yet longer than
	// the stalls of a loaded CI machine, which would have nodes mark
	// healthy peers as failing and the cluster go down for a while.
	NodeTimeout time.Duration
	// Server applies to every node.
	Server ServerOptions
}

// Cluster is a Redis Cluster of child processes, every slot assigned.
type Cluster struct {
	// Nodes are the masters, then the replicas of the first master, of
	// the second, and so on, as started: failovers do not reorder them.
	Nodes []*Server

	masters int
	ids     map[*Server]string // node IDs; fixed once the cluster is up
}

const clusterSlots = 16384

// StartCluster starts the nodes, assigns the slots evenly over the
// masters, attaches the replicas, and returns once every node reports
// cluster_state:ok and all agree on who serves which slots.
func StartCluster(ctx context.Context, opts ClusterOptions) (*Cluster, error) {
	if opts.Masters <= 0 {
		opts.Masters = 3
	}
	if opts.NodeTimeout <= 0 {
		opts.NodeTimeout = 5 * time.Second
	}
	ctx, cancel := withDefaultTimeout(ctx, 60*time.Second)
	defer cancel()
	conf := []string{
		"cluster-enabled yes",
		"cluster-config-file nodes.conf",
		"cluster-node-timeout " + strconv.FormatInt(opts.NodeTimeout.Milliseconds(), 10),
	}
	n := opts.Masters * (1 + opts.ReplicasPerMaster)
	nodes, err := startAll(n, func(int) (*Server, error) {
		return start(ctx, opts.Server, spec{bus: true, conf: conf})
	})
	if err != nil {
		return nil, err
	}
	c := &Cluster{Nodes: nodes, masters: opts.Masters, ids: map[*Server]string{}}
	if err := c.form(ctx, opts.ReplicasPerMaster); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// form does by hand what redis-cli --cluster create does, minus its fixed
// sleeps and its output.
func (c *Cluster) form(ctx context.Context, replicas int) error {
	for i, s := range c.Nodes {
		id, err := s.do(ctx, "CLUSTER", "MYID").Text()
		if err != nil {
			return fmt.Errorf("redisserver: CLUSTER MYID on %s: %w", s.Addr, err)
		}
		c.ids[s] = id
		// Distinct epochs from the start spare the nodes resolving an
		// epoch collision one bump at a time.
		if err := s.do(ctx, "CLUSTER", "SET-CONFIG-EPOCH", i+1).Err(); err != nil {
			return fmt.Errorf("redisserver: CLUSTER SET-CONFIG-EPOCH on %s: %w", s.Addr, err)
		}
	}
	for i, s := range c.Masters() {
		lo, hi := i*clusterSlots/c.masters, (i+1)*clusterSlots/c.masters-1
		// ADDSLOTS rather than ADDSLOTSRANGE, which needs Redis 7.
		args := []any{"CLUSTER", "ADDSLOTS"}
		for slot := lo; slot <= hi; slot++ {
			args = append(args, slot)
		}
		if err := s.do(ctx, args...).Err(); err != nil {
			return fmt.Errorf("redisserver: CLUSTER ADDSLOTS %d-%d on %s: %w", lo, hi, s.Addr, err)
		}
	}
	// Each replica meets its master first and becomes its replica before
	// meeting anyone else. The others then learn its role from its own
	// MEET, instead of from gossip once it has changed, which with the
	// pings spaced by half the node timeout takes seconds.
	for i, s := range c.Masters() {
		for _, o := range c.Masters()[:i] {
			if err := s.do(ctx, "CLUSTER", "MEET", "127.0.0.1", o.Port).Err(); err != nil {
				return fmt.Errorf("redisserver: CLUSTER MEET %s on %s: %w", o.Addr, s.Addr, err)
			}
		}
	}
	for i, r := range c.Replicas() {
		m := c.Nodes[i/replicas]
		if err := r.do(ctx, "CLUSTER", "MEET", "127.0.0.1", m.Port).Err(); err != nil {
			return fmt.Errorf("redisserver: CLUSTER MEET %s on %s: %w", m.Addr, r.Addr, err)
		}
		if err := waitFor(ctx, "a replica to meet its master", func(ctx context.Context) error {
			nodes, err := c.nodesOf(ctx, r)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(nodes, func(n clusterNode) bool { return n.id == c.ids[m] }) {
				return fmt.Errorf("%s does not know %s yet", r.Addr, m.Addr)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := r.do(ctx, "CLUSTER", "REPLICATE", c.ids[m]).Err(); err != nil {
			return fmt.Errorf("redisserver: CLUSTER REPLICATE %s on %s: %w", m.Addr, r.Addr, err)
		}
	}
	// allMet has every node meet those it does not know yet.
	if err := waitFor(ctx, "the cluster nodes to meet", c.allMet); err != nil {
		return err
	}
	// A node takes no slots or role from the packets of a handshake, only
	// from the pings after it, which come every half node timeout. A MEET
	// between nodes that know each other is such a ping, at once.
	for _, s := range c.Nodes {
		for _, o := range c.Nodes {
			if o != s {
				s.do(ctx, "CLUSTER", "MEET", "127.0.0.1", o.Port)
			}
		}
	}
	return c.waitSettled(ctx)
}

// allMet says why not every node yet knows every other with a live link.
// A handshake that does not finish within the node timeout (as when the
// machine stalls) is dropped for good, so a node that has no trace of
// another is told to meet it again.
func (c *Cluster) allMet(ctx context.Context) error {
	for _, s := range c.Nodes {
		nodes, err := c.nodesOf(ctx, s)
		if err != nil {
			return err
		}
		for _, o := range c.Nodes {
			if !slices.ContainsFunc(nodes, func(n clusterNode) bool { return n.addr == o.Addr }) {
				// An error means a handshake is already under way.
				s.do(ctx, "CLUSTER", "MEET", "127.0.0.1", o.Port)
			}
		}
	}
	for _, s := range c.Nodes {
		if _, err := c.view(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// waitSettled waits until every node reports cluster_state:ok, all agree
// on roles and slots, and every replica's link to its master is up.
func (c *Cluster) waitSettled(ctx context.Context) error {
	return waitFor(ctx, "the cluster to settle", c.settled)
}

func (c *Cluster) settled(ctx context.Context) error {
	var first string
	for _, s := range c.Nodes {
		info, err := s.do(ctx, "CLUSTER", "INFO").Text()
		if err != nil {
			return fmt.Errorf("CLUSTER INFO on %s: %w", s.Addr, err)
		}
		if !strings.Contains(info, "cluster_state:ok") {
			return fmt.Errorf("%s: cluster_state is not ok", s.Addr)
		}
		v, err := c.view(ctx, s)
		if err != nil {
			return err
		}
		if first == "" {
			first = v
		} else if v != first {
			return fmt.Errorf("%s and %s disagree on the slot map", c.Nodes[0].Addr, s.Addr)
		}
		repl, err := s.do(ctx, "INFO", "replication").Text()
		if err != nil {
			return fmt.Errorf("INFO replication on %s: %w", s.Addr, err)
		}
		if infoField(repl, "role") == "slave" && infoField(repl, "master_link_status") != "up" {
			return fmt.Errorf("%s: replica link to its master is not up", s.Addr)
		}
	}
	return nil
}

// view is s's CLUSTER NODES reduced to what all nodes must agree on: IDs,
// addresses, roles and slots, sorted. It fails unless s knows every node
// with no flag of trouble and a connected link.
func (c *Cluster) view(ctx context.Context, s *Server) (string, error) {
	nodes, err := c.nodesOf(ctx, s)
	if err != nil {
		return "", err
	}
	if len(nodes) != len(c.Nodes) {
		return "", fmt.Errorf("%s knows %d of %d nodes", s.Addr, len(nodes), len(c.Nodes))
	}
	lines := make([]string, len(nodes))
	for i, n := range nodes {
		for _, bad := range []string{"handshake", "noaddr", "fail", "fail?"} {
			if n.is(bad) {
				return "", fmt.Errorf("%s flags %s %s", s.Addr, n.addr, bad)
			}
		}
		if n.link != "connected" {
			return "", fmt.Errorf("%s has no link to %s", s.Addr, n.addr)
		}
		role := "master"
		if n.is("slave") {
			role = "replica"
		}
		lines[i] = strings.Join(append([]string{n.id, n.addr, role, n.master}, n.slots...), " ")
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n"), nil
}

// clusterNode is one line of CLUSTER NODES.
type clusterNode struct {
	id, addr, master, link string
	flags                  []string
	slots                  []string // "lo-hi" or "n"; no migration markers
}

func (n clusterNode) is(flag string) bool { return slices.Contains(n.flags, flag) }

func (n clusterNode) owns(slot int) bool {
	for _, r := range n.slots {
		lo, hi, ok := strings.Cut(r, "-")
		if !ok {
			hi = lo
		}
		l, err1 := strconv.Atoi(lo)
		h, err2 := strconv.Atoi(hi)
		if err1 == nil && err2 == nil && l <= slot && slot <= h {
			return true
		}
	}
	return false
}

func (c *Cluster) nodesOf(ctx context.Context, s *Server) ([]clusterNode, error) {
	text, err := s.do(ctx, "CLUSTER", "NODES").Text()
	if err != nil {
		return nil, fmt.Errorf("CLUSTER NODES on %s: %w", s.Addr, err)
	}
	var nodes []clusterNode
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.Fields(line)
		if len(f) < 8 {
			return nil, fmt.Errorf("CLUSTER NODES on %s: cannot read %q", s.Addr, line)
		}
		addr, _, _ := strings.Cut(f[1], "@")
		n := clusterNode{id: f[0], addr: addr, flags: strings.Split(f[2], ","), master: f[3], link: f[7]}
		for _, slot := range f[8:] {
			// "[slot->-id]" and "[slot-<-id]" show a migration only to the
			// node doing it, so they are no part of the shared map.
			if !strings.HasPrefix(slot, "[") {
				n.slots = append(n.slots, slot)
			}
		}
		nodes = append(nodes, n)
	}
	return nodes, nil
}

// Addrs returns every node's address, masters first, for a client's seeds.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.Nodes))
	for i, s := range c.Nodes {
		addrs[i] = s.Addr
	}
	return addrs
}

// Masters returns the nodes started as masters.
func (c *Cluster) Masters() []*Server { return c.Nodes[:c.masters] }

// Replicas returns the nodes started as replicas.
func (c *Cluster) Replicas() []*Server { return c.Nodes[c.masters:] }

// NodeID returns s's cluster node ID.
func (c *Cluster) NodeID(s *Server) string { return c.ids[s] }

// KeySlot returns the hash slot of key, as the cluster computes it.
func (c *Cluster) KeySlot(ctx context.Context, key string) (int, error) {
	s, err := c.anyRunning()
	if err != nil {
		return 0, err
	}
	slot, err := s.do(ctx, "CLUSTER", "KEYSLOT", key).Int()
	if err != nil {
		return 0, fmt.Errorf("redisserver: CLUSTER KEYSLOT on %s: %w", s.Addr, err)
	}
	return slot, nil
}

// MasterFor returns the master serving key.
func (c *Cluster) MasterFor(ctx context.Context, key string) (*Server, error) {
	slot, err := c.KeySlot(ctx, key)
	if err != nil {
		return nil, err
	}
	return c.SlotOwner(ctx, slot)
}

// SlotOwner returns the master serving slot, as the first running node
// sees it; while the slot is half-migrated that is still the source.
func (c *Cluster) SlotOwner(ctx context.Context, slot int) (*Server, error) {
	s, err := c.anyRunning()
	if err != nil {
		return nil, err
	}
	nodes, err := c.nodesOf(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("redisserver: %w", err)
	}
	for _, n := range nodes {
		if n.is("master") && n.owns(slot) {
			if m := c.byAddr(n.addr); m != nil {
				return m, nil
			}
			return nil, fmt.Errorf("redisserver: slot %d is on %s, which this cluster did not start", slot, n.addr)
		}
	}
	return nil, fmt.Errorf("redisserver: no master serves slot %d in the view of %s", slot, s.Addr)
}

func (c *Cluster) byAddr(addr string) *Server {
	for _, s := range c.Nodes {
		if s.Addr == addr {
			return s
		}
	}
	return nil
}

func (c *Cluster) anyRunning() (*Server, error) {
	for _, s := range c.Nodes {
		if s.Running() {
			return s, nil
		}
	}
	return nil, errors.New("redisserver: no cluster node is running")
}

// Stop stops every node; it is safe to call more than once.
func (c *Cluster) Stop() error { return stopAll(c.Nodes) }

// URL is confo's URL of the cluster: the first master, the other masters
// as ?addr= seeds.
func (c *Cluster) URL() string {
	masters := c.Masters()
	u := "redis://" + masters[0].Addr
	for i, m := range masters[1:] {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		u += sep + "addr=" + m.Addr
	}
	return u
}

// Client returns a client of the cluster; the caller closes it.
func (c *Cluster) Client() *redis.ClusterClient {
	return redis.NewClusterClient(&redis.ClusterOptions{
		Addrs: c.Addrs(), Username: c.Nodes[0].User, Password: c.Nodes[0].Password,
		DisableIdentity: true,
	})
}
