package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// The baselines: what a minimal go-redis program does to read the same keys,
// with no decoding beyond pulling the names out of the two lists.

// fetchMode selects how the raw baseline reads the config keys.
type fetchMode int

const (
	// fetchPipelinedGET sends one GET per config key, all in one pipeline.
	fetchPipelinedGET fetchMode = iota
	// fetchPipelinedMGET sends MGETs of mgetChunk keys, all in one pipeline.
	fetchPipelinedMGET
	// fetchNaive sends one GET per key and waits for each answer (the Python way).
	fetchNaive
)

const mgetChunk = 1000

func (m fetchMode) String() string {
	return [...]string{"pipelined GET", "pipelined MGET×1000", "one GET per config"}[m]
}

// fetchStats is what a fetch read, to check it read everything.
type fetchStats struct{ keys, bytes int }

// rawFetch reads the registry, every namespace list and every config key.
func rawFetch(ctx context.Context, c *redis.Client, prefix string, mode fetchMode) (fetchStats, error) {
	var st fetchStats
	reg, err := c.Get(ctx, prefix+"confo").Bytes()
	if err != nil {
		return st, fmt.Errorf("GET %sconfo: %w", prefix, err)
	}
	st.keys++
	st.bytes += len(reg)
	namespaces, err := names(reg)
	if err != nil {
		return st, err
	}
	lists := make([][]byte, len(namespaces))
	if mode == fetchNaive {
		for i, ns := range namespaces {
			if lists[i], err = c.Get(ctx, prefix+ns).Bytes(); err != nil {
				return st, err
			}
		}
	} else {
		cmds := make([]*redis.StringCmd, len(namespaces))
		if _, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, ns := range namespaces {
				cmds[i] = p.Get(ctx, prefix+ns)
			}
			return nil
		}); err != nil {
			return st, err
		}
		for i, cmd := range cmds {
			lists[i], _ = cmd.Bytes()
		}
	}
	var keys []string
	for i, ns := range namespaces {
		st.keys++
		st.bytes += len(lists[i])
		cfgs, err := names(lists[i])
		if err != nil {
			return st, fmt.Errorf("list %q: %w", ns, err)
		}
		for _, cfg := range cfgs {
			keys = append(keys, prefix+ns+"-"+cfg)
		}
	}
	switch mode {
	case fetchNaive:
		for _, k := range keys {
			v, err := c.Get(ctx, k).Bytes()
			if err != nil {
				return st, fmt.Errorf("GET %s: %w", k, err)
			}
			st.keys++
			st.bytes += len(v)
		}
	case fetchPipelinedGET:
		cmds := make([]*redis.StringCmd, len(keys))
		if _, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range keys {
				cmds[i] = p.Get(ctx, k)
			}
			return nil
		}); err != nil {
			return st, err
		}
		for _, cmd := range cmds {
			v, _ := cmd.Bytes()
			st.keys++
			st.bytes += len(v)
		}
	case fetchPipelinedMGET:
		var cmds []*redis.SliceCmd
		if _, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := 0; i < len(keys); i += mgetChunk {
				cmds = append(cmds, p.MGet(ctx, keys[i:min(i+mgetChunk, len(keys))]...))
			}
			return nil
		}); err != nil {
			return st, err
		}
		for _, cmd := range cmds {
			for _, v := range cmd.Val() {
				s, _ := v.(string)
				st.keys++
				st.bytes += len(s)
			}
		}
	}
	return st, nil
}

// names pulls the strings out of the one JSON list in a registry or
// namespace value ({"namespaces": [...]} / {"configurations": [...]}),
// without a general JSON decoder: the fastest honest way to learn the keys.
func names(value []byte) ([]string, error) {
	i := bytes.IndexByte(value, '[')
	if i < 0 {
		return nil, errors.New("no list in " + strconv.Quote(string(value[:min(len(value), 60)])))
	}
	var out []string
	for i++; i < len(value); i++ {
		switch value[i] {
		case ']':
			return out, nil
		case '"':
			j, escaped := i+1, false
			for ; j < len(value) && value[j] != '"'; j++ {
				if value[j] == '\\' {
					escaped = true
					j++
				}
			}
			if j >= len(value) {
				return nil, errors.New("unterminated string in list")
			}
			s := string(value[i+1 : j])
			if escaped {
				u, err := strconv.Unquote(`"` + s + `"`)
				if err != nil {
					return nil, fmt.Errorf("list entry %s: %w", s, err)
				}
				s = u
			}
			out = append(out, s)
			i = j
		}
	}
	return nil, errors.New("unterminated list")
}
