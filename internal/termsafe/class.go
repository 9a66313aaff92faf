package termsafe

import (
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// mustEscape reports whether the code point r is never written raw.
// C0, DEL and C1 can start or be terminal controls; format characters are
// invisible by definition (bidi overrides reorder what is around them);
// U+2028 and U+2029 break lines in some renderers.
func mustEscape(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f:
		return true
	case r < 0x80:
		return false
	case r < 0xa0:
		return true
	case r < 0xad: // the first format character is the soft hyphen
		return false
	case r == 0x200c || r == 0x200d:
		return false
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// joinsPrev reports whether r would become part of the grapheme cluster of
// whatever precedes it (combining and spacing marks, variation selectors,
// ZWJ). After an escape such an r would change the escape's look and width:
// "\x00" followed by U+FE0F is measured as a two-cell keycap.
func joinsPrev(r rune) bool {
	if r < 0x300 { // nothing below the combining diacritics extends a cluster
		return false
	}
	return joinsFor(r).prev.has(r)
}

// joinsNext reports whether r would take the following character into its
// grapheme cluster (prepended concatenation marks and letters such as
// U+0D4E): before an escape, it would swallow the backslash's cell.
func joinsNext(r rune) bool {
	if r < 0x600 { // the first prepend character is U+0600
		return false
	}
	return joinsFor(r).next.has(r)
}

// The answers come from the segmenter that ansi.StringWidth uses, so the two
// agree. Asking it allocates, and the clean path must not, so the answers
// are kept per block of 256 code points, filled on first use.
type joinBlock struct{ prev, next bits256 }

type bits256 [4]uint64

func (b *bits256) has(r rune) bool { return b[r>>6&3]&(1<<(r&63)) != 0 }

func (b *bits256) set(r rune) { b[r>>6&3] |= 1 << (r & 63) }

var joinBlocks [(unicode.MaxRune + 1) >> 8]atomic.Pointer[joinBlock]

func joinsFor(r rune) *joinBlock {
	slot := &joinBlocks[r>>8]
	if jb := slot.Load(); jb != nil {
		return jb
	}
	jb := new(joinBlock)
	for c := r &^ 0xff; c <= r|0xff; c++ {
		if probePrev(c) {
			jb.prev.set(c)
		}
		if probeNext(c) {
			jb.next.set(c)
		}
	}
	slot.Store(jb) // a goroutine racing here stores an equal block
	return jb
}

// probePrev asks whether r joins the cluster of a character before it.
func probePrev(r rune) bool {
	c, _ := ansi.FirstGraphemeCluster("0"+string(r), ansi.WcWidth)
	return len(c) > 1
}

// probeNext asks whether r joins a backslash after it into its cluster.
func probeNext(r rune) bool {
	s := string(r)
	c, _ := ansi.FirstGraphemeCluster(s+`\`, ansi.WcWidth)
	return len(c) > len(s)
}

// HasControl reports whether s holds a C0 or C1 control, DEL, a bidi
// control or other format character, a line or paragraph separator, or a
// byte that is not valid UTF-8 (a stray 0x9b is a CSI to an 8-bit terminal).
// The write path uses it to refuse such names and field keys.
func HasControl(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if n == 1 || mustEscape(r) {
			return true
		}
		i += n
	}
	return false
}

// Needs reports whether Line would change s: it holds something HasControl
// finds, or starts with a mark or ends with a prepended letter that would
// cling to the surrounding text. A UI marks such names so that an operator
// knows the shown text is an escaped form. A backslash alone does not count,
// although Name doubles it.
func Needs(s string) bool {
	return !clean(s, modeLine)
}
