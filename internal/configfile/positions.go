package configfile

import (
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// positions maps a key path to where the key first appears; the decoder
// orders keys by it, so backends keep the file's order.
//
// go-toml decodes into maps without positions, so the document is walked a
// second time with go-toml's parser, whose nodes carry byte ranges. The
// decoder has already accepted the document when this runs.
type positions struct {
	at map[string]place
}

type place struct{ line, col int }

// join keys the index; NUL cannot clash with a real key in practice and a
// clash would only misplace a message.
func join(path []string) string { return strings.Join(path, "\x00") }

// of returns where path appears, 0, 0 when it does not.
func (ps positions) of(path []string) (line, col int) {
	p := ps.at[join(path)]
	return p.line, p.col
}

func indexPositions(doc []byte) positions {
	ps := positions{at: map[string]place{}}
	var p unstable.Parser
	p.Reset(doc)
	var table []string
	for p.NextExpression() {
		expr := p.Expression()
		switch expr.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = ps.addKey(&p, nil, expr.Key())
		case unstable.KeyValue:
			ps.addKeyValue(&p, table, expr)
		}
	}
	return ps
}

// addKeyValue records a key = value and, for an inline table, its members.
func (ps *positions) addKeyValue(p *unstable.Parser, table []string, kv *unstable.Node) {
	path := ps.addKey(p, table, kv.Key())
	if v := kv.Value(); v.Kind == unstable.InlineTable {
		it := v.Children()
		for it.Next() {
			if n := it.Node(); n.Kind == unstable.KeyValue {
				ps.addKeyValue(p, path, n)
			}
		}
	}
}

// addKey records every prefix of a dotted key under base (so that
// `[backends.prod]` also places "backends") and returns the full path.
func (ps *positions) addKey(p *unstable.Parser, base []string, key unstable.Iterator) []string {
	path := append([]string(nil), base...)
	for key.Next() {
		n := key.Node()
		path = append(path, string(n.Data))
		k := join(path)
		if _, seen := ps.at[k]; seen {
			continue
		}
		start := p.Shape(n.Raw).Start
		ps.at[k] = place{start.Line, start.Column}
	}
	return path
}
