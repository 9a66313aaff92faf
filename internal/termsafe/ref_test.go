package termsafe

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// The reference escaper below is slow and literal: one unit per code point,
// the grapheme rules applied until nothing changes, tab stops measured on
// the whole line so far. The fuzzers compare the real one with it and use
// its pieces to check that widths add up.

type piece struct {
	text string
	kept bool // copied from the input; otherwise an escape, padding, \n or \t
}

func refPieces(s string, m mode) []piece {
	type unit struct {
		piece
		r   rune
		pad bool
	}
	var us []unit
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		u := unit{r: r}
		switch {
		case r == utf8.RuneError && n == 1:
			u.text = hexEscape(`\x`, rune(s[i]), 2)
		case r == '\n' && m&keepNewline != 0, r == '\t' && m&keepTab != 0:
			u.text = string(r)
		case r == '\t' && m&expandTab != 0:
			u.pad = true
		case r == '\n':
			u.text = `\n`
		case r == '\t':
			u.text = `\t`
		case r == '\r':
			u.text = `\r`
		case r < 0x20 || r == 0x7f:
			u.text = hexEscape(`\x`, r, 2)
		case r == '\\' && m&escBackslash != 0:
			u.text = `\\`
		case refInvisible(r):
			u.text = refRuneEscape(r)
		default:
			u.text, u.kept = s[i:i+n], true
		}
		us = append(us, u)
		i += n
	}
	// Marks cascade forward from an escape, prepended letters backward;
	// sweeping both ways keeps this linear on long cascades.
	for changed := true; changed; {
		changed = false
		for k := range 2 * len(us) {
			i := k
			if k >= len(us) {
				i = 2*len(us) - 1 - k
			}
			if !us[i].kept {
				continue
			}
			before := i == 0 || !us[i-1].kept
			after := i == len(us)-1 || !us[i+1].kept
			if before && refJoins("a", us[i].r, "") || after && refJoins("", us[i].r, "\\") {
				us[i].text, us[i].kept = refRuneEscape(us[i].r), false
				changed = true
			}
		}
	}
	// Padding ends on a tab stop, so measuring from the last one suffices.
	var ps []piece
	var sinceStop strings.Builder
	for _, u := range us {
		if u.pad {
			u.text = strings.Repeat(" ", tabWidth-ansi.StringWidth(sinceStop.String())%tabWidth)
		}
		ps = append(ps, u.piece)
		sinceStop.WriteString(u.text)
		if u.pad || u.text == "\n" {
			sinceStop.Reset()
		}
	}
	return ps
}

func refInvisible(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Zl, unicode.Zp) ||
		unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d'
}

func refRuneEscape(r rune) string {
	if r > 0xffff {
		return hexEscape(`\U`, r, 8)
	}
	return hexEscape(`\u`, r, 4)
}

// hexEscape avoids fmt: its sync.Pool makes coverage vary between runs of
// one input, which keeps the fuzzer from minimizing.
func hexEscape(prefix string, r rune, digits int) string {
	h := strconv.FormatInt(int64(r), 16)
	return prefix + strings.Repeat("0", digits-len(h)) + h
}

// refJoins reports whether r shares a grapheme cluster with pre or post.
func refJoins(pre string, r rune, post string) bool {
	s := pre + string(r) + post
	c, _ := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
	if pre != "" {
		return len(c) > len(pre)
	}
	return len(c) > utf8.RuneLen(r)
}

func join(ps []piece) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.text)
	}
	return b.String()
}

// pieceWidth is the width the pieces have apart: kept text measured in
// maximal runs, since a run's clusters are the input's.
func pieceWidth(ps []piece) int {
	w := 0
	var run strings.Builder
	for _, p := range ps {
		if p.kept {
			run.WriteString(p.text)
			continue
		}
		w += ansi.StringWidth(run.String())
		run.Reset()
		if p.text != "\n" && p.text != "\t" {
			w += len(p.text)
		}
	}
	return w + ansi.StringWidth(run.String())
}

func ansiWidth(s string) int { return ansi.StringWidth(s) }
