package cli

import (
	"fmt"
	"io"
	"strings"
)

// diffContext is the number of unchanged lines shown around a change, as
// diff -u does.
const diffContext = 3

// maxDiffCells bounds the table of the line diff; past it the changed
// middle is shown as replaced whole, which is still a correct diff.
const maxDiffCells = 4 << 20

// lineOp is one line of an edit script: ' ' kept, '-' removed, '+' added.
type lineOp struct {
	kind byte
	text string
}

// splitLines splits text into lines without their newlines.
func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// diffLines returns an edit script from a to b: the common head and tail
// are kept, and the middle is aligned by a longest common subsequence.
func diffLines(a, b []string) []lineOp {
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	var ops []lineOp
	for _, l := range a[:head] {
		ops = append(ops, lineOp{' ', l})
	}
	ops = append(ops, alignMiddle(a[head:len(a)-tail], b[head:len(b)-tail])...)
	for _, l := range a[len(a)-tail:] {
		ops = append(ops, lineOp{' ', l})
	}
	return ops
}

func alignMiddle(a, b []string) []lineOp {
	var ops []lineOp
	if len(a)*len(b) > maxDiffCells {
		for _, l := range a {
			ops = append(ops, lineOp{'-', l})
		}
		for _, l := range b {
			ops = append(ops, lineOp{'+', l})
		}
		return ops
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, lineOp{' ', a[i]})
			i++
			j++
		case i < len(a) && (j == len(b) || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			// Removals before additions, as diff -u shows them.
			ops = append(ops, lineOp{'-', a[i]})
			i++
		default:
			ops = append(ops, lineOp{'+', b[j]})
			j++
		}
	}
	return ops
}

// writeUnified writes the edit script as unified diff hunks under the
// two file headers; it writes nothing when nothing changed.
func writeUnified(w io.Writer, from, to string, ops []lineOp) error {
	changed := false
	for _, op := range ops {
		changed = changed || op.kind != ' '
	}
	if !changed {
		return nil
	}
	if _, err := fmt.Fprintf(w, "--- %s\n+++ %s\n", from, to); err != nil {
		return err
	}
	for start := 0; start < len(ops); {
		hunkStart, hunkEnd, ok := nextHunk(ops, start)
		if !ok {
			break
		}
		if err := writeHunk(w, ops, hunkStart, hunkEnd); err != nil {
			return err
		}
		start = hunkEnd
	}
	return nil
}

// nextHunk finds the next run of changes at or after start, with its
// context, merging changes closer than twice the context.
func nextHunk(ops []lineOp, start int) (from, to int, ok bool) {
	first := -1
	for i := start; i < len(ops); i++ {
		if ops[i].kind != ' ' {
			first = i
			break
		}
	}
	if first < 0 {
		return 0, 0, false
	}
	last := first
	for i := first + 1; i < len(ops); i++ {
		if ops[i].kind == ' ' {
			continue
		}
		if i-last > 2*diffContext {
			break
		}
		last = i
	}
	return max(start, first-diffContext), min(len(ops), last+1+diffContext), true
}

func writeHunk(w io.Writer, ops []lineOp, from, to int) error {
	// Line numbers (1-based) of the hunk's first line on each side.
	oldLine, newLine := 1, 1
	for _, op := range ops[:from] {
		if op.kind != '+' {
			oldLine++
		}
		if op.kind != '-' {
			newLine++
		}
	}
	oldCount, newCount := 0, 0
	for _, op := range ops[from:to] {
		if op.kind != '+' {
			oldCount++
		}
		if op.kind != '-' {
			newCount++
		}
	}
	// An empty side is numbered by the line before it, as diff -u does.
	if oldCount == 0 {
		oldLine--
	}
	if newCount == 0 {
		newLine--
	}
	var b strings.Builder
	fmt.Fprintf(&b, "@@ -%s +%s @@\n", hunkRange(oldLine, oldCount), hunkRange(newLine, newCount))
	for _, op := range ops[from:to] {
		b.WriteByte(op.kind)
		b.WriteString(op.text)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func hunkRange(line, count int) string {
	if count == 1 {
		return fmt.Sprint(line)
	}
	return fmt.Sprintf("%d,%d", line, count)
}
