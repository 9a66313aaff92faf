// Package dataset generates the deterministic benchmark data of confobench
// and of the confo package's Go benchmarks: configs in the Confo Redis
// layout, written the way Python's json.dumps writes them.
package dataset

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Seed is the fixed seed every generated dataset derives from.
const Seed = 20240501

// Config is one generated config.
type Config struct {
	Name  string
	Value []byte
}

// Namespace is one generated namespace, configs sorted by name.
type Namespace struct {
	Name    string
	Configs []Config
}

// Data is a generated backend: namespaces sorted by name.
type Data struct {
	Namespaces []Namespace
}

// Configs is the number of configs in the dataset.
func (d *Data) Configs() int {
	n := 0
	for _, ns := range d.Namespaces {
		n += len(ns.Configs)
	}
	return n
}

// Key is one Redis key and its value.
type Key struct {
	Key   string
	Value []byte
}

// Keys returns every key of the dataset in the Confo layout with prefix p:
// p+"confo" (the registry), p+ns (each namespace's list) and p+ns+"-"+cfg.
func (d *Data) Keys(p string) []Key {
	keys := make([]Key, 0, d.Configs()+len(d.Namespaces)+1)
	names := make([]string, len(d.Namespaces))
	for i, ns := range d.Namespaces {
		names[i] = ns.Name
	}
	keys = append(keys, Key{p + "confo", []byte(`{"namespaces": ` + jsonList(names) + `}`)})
	for _, ns := range d.Namespaces {
		cfgs := make([]string, len(ns.Configs))
		for i, c := range ns.Configs {
			cfgs[i] = c.Name
		}
		keys = append(keys, Key{p + ns.Name, []byte(`{"configurations": ` + jsonList(cfgs) + `}`)})
		for _, c := range ns.Configs {
			keys = append(keys, Key{p + ns.Name + "-" + c.Name, c.Value})
		}
	}
	return keys
}

// StoredBytes is the sum of key and value lengths of Keys(p).
func (d *Data) StoredBytes(p string) int {
	n := 0
	for _, k := range d.Keys(p) {
		n += len(k.Key) + len(k.Value)
	}
	return n
}

func jsonList(names []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(n)) // names are plain ASCII
	}
	b.WriteByte(']')
	return b.String()
}

// Generate returns total configs spread over namespaces of minPer..maxPer
// configs each (the last one takes the remainder). The same arguments
// always give the same bytes.
func Generate(total, minPer, maxPer int) *Data {
	r := rand.New(rand.NewPCG(Seed, uint64(total)))
	d := &Data{}
	for left, i := total, 0; left > 0; i++ {
		n := minPer + r.IntN(maxPer-minPer+1)
		if n > left || left-n < minPer {
			n = left
		}
		ns := Namespace{Name: fmt.Sprintf("team%03d", i), Configs: make([]Config, n)}
		for j := range n {
			ns.Configs[j] = Config{Name: fmt.Sprintf("service%06d", j), Value: ConfigValue(r, j)}
		}
		d.Namespaces = append(d.Namespaces, ns)
		left -= n
	}
	return d
}

// Single returns one namespace named name holding n configs.
func Single(name string, n int) *Data {
	r := rand.New(rand.NewPCG(Seed, uint64(n)+1))
	ns := Namespace{Name: name, Configs: make([]Config, n)}
	for j := range n {
		ns.Configs[j] = Config{Name: fmt.Sprintf("service%06d", j), Value: ConfigValue(r, j)}
	}
	return &Data{Namespaces: []Namespace{ns}}
}

var (
	regions = []string{"eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1"}
	drivers = []string{"postgres", "mysql", "redis", "kafka", "s3", "http"}
	tags    = []string{"alpha", "beta", "prod", "staging", "billing", "search", "cache", "eu", "us"}
	words   = strings.Fields("primary replica pool shard backup cluster tenant internal legacy migrated owned by platform team for reporting and batch jobs")
)

// ConfigValue returns one config of ten fields, about 300 bytes, in
// json.dumps format (", " and ": " separators).
func ConfigValue(r *rand.Rand, i int) []byte {
	var b strings.Builder
	b.Grow(320)
	b.WriteString(`{"host": "`)
	fmt.Fprintf(&b, "db-%04d.%s.internal", r.IntN(10000), regions[r.IntN(len(regions))])
	fmt.Fprintf(&b, `", "port": %d`, 1024+r.IntN(60000))
	fmt.Fprintf(&b, `, "driver": "%s"`, drivers[r.IntN(len(drivers))])
	fmt.Fprintf(&b, `, "user": "svc_%06x"`, r.IntN(1<<24))
	fmt.Fprintf(&b, `, "timeout": %d.%d`, r.IntN(30), r.IntN(10))
	fmt.Fprintf(&b, `, "retries": %d`, r.IntN(8))
	fmt.Fprintf(&b, `, "enabled": %t`, r.IntN(4) != 0)
	fmt.Fprintf(&b, `, "tags": ["%s", "%s"]`, tags[r.IntN(len(tags))], tags[r.IntN(len(tags))])
	fmt.Fprintf(&b, `, "pool": {"min": %d, "max": %d}`, 1+r.IntN(4), 10+r.IntN(90))
	b.WriteString(`, "description": "`)
	target := 280 + r.IntN(40)
	for n := 0; b.Len() < target-2; n++ {
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[(i+n*7+r.IntN(3))%len(words)])
	}
	b.WriteString(`"}`)
	return []byte(b.String())
}
