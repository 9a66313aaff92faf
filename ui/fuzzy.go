package ui

import (
	"unicode"
	"unicode/utf8"
)

// fuzzyScore reports whether the characters of pattern appear in s in
// order, ignoring case, and scores the match: higher for runs of adjacent
// characters, for matches at the start of s or of a word, and for a
// pattern found whole. It does not allocate: the pane filter runs it over
// every name of a 100,000-config namespace on each keystroke.
func fuzzyScore(s, pattern string) (int, bool) {
	if pattern == "" {
		return 0, true
	}
	score, si, pi := 0, 0, 0
	prevMatch := -2
	var prev rune
	run := 0
	for si < len(s) && pi < len(pattern) {
		r, rn := decode(s, si)
		p, pn := decode(pattern, pi)
		if foldEqual(r, p) {
			score += 16
			if prevMatch == si-lastLen(s, si) && si > 0 {
				run++
				score += 8 * run
			} else {
				run = 0
			}
			if si == 0 || isBoundary(prev, r) {
				score += 12
			}
			prevMatch = si
			pi += pn
		} else if prevMatch >= 0 {
			score--
		}
		prev = r
		si += rn
	}
	if pi < len(pattern) {
		return 0, false
	}
	// Shorter names rank first among equal matches.
	return score*4 - min(len(s), 64), true
}

func decode(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// lastLen is the byte length of the rune before index i.
func lastLen(s string, i int) int {
	if i == 0 {
		return 0
	}
	_, n := utf8.DecodeLastRuneInString(s[:i])
	return n
}

func foldEqual(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		return lowerASCII(a) == lowerASCII(b)
	}
	return unicode.ToLower(a) == unicode.ToLower(b)
}

func lowerASCII(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// isBoundary: r starts a word after prev ("db_name", "dbName", "a-b").
func isBoundary(prev, r rune) bool {
	switch prev {
	case '-', '_', '.', '/', ' ', ':':
		return true
	}
	return unicode.IsLower(prev) && unicode.IsUpper(r)
}
