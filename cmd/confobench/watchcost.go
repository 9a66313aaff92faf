package main

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/dataset"
)

const targetWatchCPU = 0.05

// watchCost is what an idle watch costs over a window.
type watchCost struct {
	how        string
	cpu        time.Duration // this process's CPU time
	serverIn   int64         // bytes the server received
	serverOut  int64         // bytes the server sent
	serverCmds int64
}

// measureWatch fills size configs and measures, over the same window each,
// this idle process with no watch, with the tracking watch, and with the
// polling watch (forced with a user that may not use CLIENT on a server
// without keyspace notifications): CPU time from getrusage, traffic from
// the server's own counters (nothing else talks to it meanwhile).
func measureWatch(ctx context.Context, o options, raw *redis.Client, addr string, size int) ([]watchCost, error) {
	data := dataset.Generate(size, minPerNamespace, maxPerNamespace)
	if err := raw.FlushAll(ctx).Err(); err != nil {
		return nil, err
	}
	if err := fill(ctx, raw, data.Keys("")); err != nil {
		return nil, err
	}
	if err := raw.Do(ctx, "ACL", "SETUSER", "poller", "on", ">poller", "~*", "&*", "+@all", "-client").Err(); err != nil {
		return nil, err
	}
	var out []watchCost
	for _, mode := range []struct {
		name string
		cfg  confo.RedisConfig
		on   bool
	}{
		{"no watch", confo.RedisConfig{Addr: addr}, false},
		{"tracking", confo.RedisConfig{Addr: addr}, true},
		{"polling", confo.RedisConfig{Addr: addr, Username: "poller", Password: "poller"}, true},
	} {
		c, err := idleCost(ctx, raw, mode.cfg, mode.on, o.watchWindow)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", mode.name, err)
		}
		if c.how == "" {
			c.how = mode.name
		}
		progress("watch %s, %s idle: %s: CPU %s (%.2f%%), server in %s, out %s, %d commands",
			sizeLabel(size), o.watchWindow, c.how, fmtDur(c.cpu), 100*c.cpu.Seconds()/o.watchWindow.Seconds(), fmtBytes(c.serverIn), fmtBytes(c.serverOut), c.serverCmds)
		out = append(out, c)
	}
	return out, nil
}

func idleCost(ctx context.Context, raw *redis.Client, cfg confo.RedisConfig, watch bool, window time.Duration) (watchCost, error) {
	var c watchCost
	s, err := confo.OpenRedis(ctx, cfg)
	if err != nil {
		return c, err
	}
	defer s.Close()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if watch {
		ch, err := s.(confo.Watcher).Watch(wctx, confo.WatchOptions{})
		if err != nil {
			return c, err
		}
		for ch := range ch {
			if ch.Kind == confo.ChangeReady {
				c.how = ch.Detail
				break
			}
			if ch.Kind == confo.ChangeError {
				return c, ch.Err
			}
		}
	}
	time.Sleep(time.Second) // the first poll and the setup settle
	in0, out0, cmds0, err := serverTraffic(ctx, raw)
	if err != nil {
		return c, err
	}
	cpu0 := processCPU()
	select {
	case <-ctx.Done():
		return c, ctx.Err()
	case <-time.After(window):
	}
	c.cpu = processCPU() - cpu0
	in1, out1, cmds1, err := serverTraffic(ctx, raw)
	if err != nil {
		return c, err
	}
	// Our own INFO calls are part of the count: one before, one after.
	c.serverIn, c.serverOut, c.serverCmds = in1-in0, out1-out0, cmds1-cmds0-1
	return c, nil
}

func serverTraffic(ctx context.Context, raw *redis.Client) (in, out, cmds int64, err error) {
	info, err := raw.Info(ctx, "stats").Result()
	if err != nil {
		return 0, 0, 0, err
	}
	return infoField(info, "total_net_input_bytes"), infoField(info, "total_net_output_bytes"), infoField(info, "total_commands_processed"), nil
}

// watchRows turns the costs at each size into rows: CPU added per second
// of idle, and bytes per second.
func watchRows(size int, costs []watchCost, window time.Duration) []row {
	base := costs[0]
	var rows []row
	for _, c := range costs[1:] {
		added := (c.cpu - base.cpu).Seconds() / window.Seconds()
		rows = append(rows,
			row{what: "watch, idle: CPU added to this process, " + c.how, size: sizeLabel(size),
				confo: fmt.Sprintf("%.2f%%", 100*c.cpu.Seconds()/window.Seconds()), baseline: fmt.Sprintf("%.2f%% (no watch)", 100*base.cpu.Seconds()/window.Seconds()),
				ratio: fmt.Sprintf("+%.2f%%", 100*added), target: "≤ +5%", verdict: verdict(added <= targetWatchCPU)},
			row{what: "watch, idle: traffic with the server, " + c.how, size: sizeLabel(size),
				confo:    fmt.Sprintf("%s/s in, %s/s out, %.1f cmd/s", fmtBytes(perSecond(c.serverIn, window)), fmtBytes(perSecond(c.serverOut, window)), float64(c.serverCmds)/window.Seconds()),
				baseline: fmt.Sprintf("%s/s in, %s/s out (no watch)", fmtBytes(perSecond(base.serverIn, window)), fmtBytes(perSecond(base.serverOut, window))),
				ratio:    "—", target: "not ∝ size", verdict: info},
		)
	}
	return rows
}

func perSecond(n int64, window time.Duration) int64 { return int64(float64(n) / window.Seconds()) }
