package model

import (
	"fmt"

	"github.com/confo-dev/confo/confo"
)

// DiffOp marks a line of a diff.
type DiffOp uint8

const (
	Same DiffOp = iota
	// OnlyTheirs: the line is in their version, not in ours.
	OnlyTheirs
	// OnlyOurs: the line is in our version, not in theirs.
	OnlyOurs
)

// DiffLine is one line of a line diff.
type DiffLine struct {
	Op   DiffOp
	Text string
}

// ConflictView is what the UI shows for a config in conflict: our local
// version against the one another client stored, pretty-printed, and a line
// diff from theirs to ours.
type ConflictView struct {
	Namespace, Config string
	Ours, Theirs      []string
	Diff              []DiffLine
}

// ConflictView builds the view of a config in conflict.
func (b *Backend) ConflictView(ns, cfg string) (ConflictView, error) {
	c := b.config(ns, cfg)
	if c == nil {
		return ConflictView{}, fmt.Errorf("config %q in namespace %q: %w", cfg, ns, confo.ErrConfigNotFound)
	}
	theirs, ok := c.Theirs()
	if !ok {
		return ConflictView{}, fmt.Errorf("config %s/%s is not in conflict", ns, cfg)
	}
	view := ConflictView{Namespace: ns, Config: cfg, Theirs: rawLines(theirs, "(deleted by the other client)")}
	switch v, err := c.Value(ns); {
	case c.Deleted():
		view.Ours = []string{"(deleted here)"}
	case err != nil:
		view.Ours = []string{"(" + err.Error() + ")"}
	default:
		view.Ours = Pretty(v)
	}
	view.Diff = LineDiff(view.Theirs, view.Ours)
	return view, nil
}

func rawLines(r confo.Raw, missing string) []string {
	switch r.State {
	case confo.RawMissing:
		return []string{missing}
	case confo.RawUnreadable:
		return []string{"(unreadable: " + r.Detail + ")"}
	}
	v, err := confo.Decode(r.Bytes)
	if err != nil {
		return []string{"(not JSON: " + err.Error() + ")", string(r.Bytes)}
	}
	return Pretty(v)
}

// maxDiffCells bounds the LCS table; larger documents get a plain
// "all removed, all added" diff rather than a long pause.
const maxDiffCells = 4_000_000

// LineDiff returns the lines of a turned into b: common lines as Same, the
// others as OnlyTheirs (from a) and OnlyOurs (from b), by longest common
// subsequence.
func LineDiff(a, b []string) []DiffLine {
	if len(a)*len(b) > maxDiffCells {
		out := make([]DiffLine, 0, len(a)+len(b))
		for _, l := range a {
			out = append(out, DiffLine{OnlyTheirs, l})
		}
		for _, l := range b {
			out = append(out, DiffLine{OnlyOurs, l})
		}
		return out
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{Same, a[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{OnlyTheirs, a[i]})
			i++
		default:
			out = append(out, DiffLine{OnlyOurs, b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, DiffLine{OnlyTheirs, a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, DiffLine{OnlyOurs, b[j]})
	}
	return out
}
