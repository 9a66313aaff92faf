package ui

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func rowsOf(l string, w, indent int) []string {
	var out []string
	for _, s := range wrapLine(nil, 0, l, w, indent) {
		out = append(out, l[s.start:s.end])
	}
	return out
}

func TestWrapLineBreaksAtSpaces(t *testing.T) {
	for _, tc := range []struct {
		line      string
		w, indent int
		want      []string
	}{
		{"word0016 word0017 word0018", 12, 0, []string{"word0016", "word0017", "word0018"}},
		{"abcdefghij xy", 4, 0, []string{"abcd", "efgh", "ij", "xy"}},
		{"aaa bbb ccc", 7, 2, []string{"aaa bbb", "ccc"}},
		{"aaa bbbbbbb", 8, 4, []string{"aaa bbbb", "bbb"}},
		{"漢字 漢字漢字", 6, 0, []string{"漢字", "漢字漢", "字"}},
		{"", 5, 0, []string{""}},
	} {
		if got := rowsOf(tc.line, tc.w, tc.indent); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%q at %d (indent %d): %q, want %q", tc.line, tc.w, tc.indent, got, tc.want)
		}
	}
}

// Every row fits its width, and the rows with the spaces broken at are
// the line.
func TestWrapLineFitsAndLosesNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	parts := []string{"a", "b", " ", "  ", "é", "漢", "word"}
	for range 5000 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		l, w, indent := b.String(), 2+r.IntN(12), r.IntN(4)
		spans := wrapLine(nil, 0, l, w, indent)
		at := 0
		for i, s := range spans {
			limit := w
			if i > 0 {
				limit = max(w-indent, 1)
			}
			// A cluster wider than the row still gets one of its own.
			if cw := ansi.StringWidth(l[s.start:s.end]); cw > limit && utf8.RuneCountInString(l[s.start:s.end]) > 1 {
				t.Fatalf("%q at %d/%d: row %d %q is %d cells", l, w, indent, i, l[s.start:s.end], cw)
			}
			if gap := l[at:s.start]; gap != "" && gap != " " {
				t.Fatalf("%q at %d/%d: lost %q before row %d", l, w, indent, gap, i)
			}
			at = s.end
		}
		if at != len(l) {
			t.Fatalf("%q at %d/%d: rows end at %d", l, w, indent, at)
		}
	}
}

// TestMessageHistoryShowsEveryMessageInFull: a long message wraps, its
// continuation under the text (not under the time), and the history
// scrolls.
func TestMessageHistoryShowsEveryMessageInFull(t *testing.T) {
	a := newApp(t, appConfig{width: 60, height: 16})
	long := `✗ "dead": watching for other clients' changes failed: cannot reach 127.0.0.1:28772: dial tcp 127.0.0.1:28772: connect: connection refused (retrying; r and R still reload)`
	for i := range 20 {
		a.m.setStatus(statusInfo, fmt.Sprintf("message %d", i))
	}
	a.m.setStatus(statusErr, long)
	a.press("m")
	screen := a.screen()
	if !strings.Contains(flat(screen), flat(long)) {
		t.Fatalf("the message is not there in full:\n%s", screen)
	}
	cont := regexp.MustCompile(`(?m)^│ {11}\S`)
	if got := len(cont.FindAllString(screen, -1)); got < 2 {
		t.Fatalf("%d continuation rows under the text:\n%s", got, screen)
	}
	if strings.Contains(screen, "│ 127.0.0.1") || strings.Contains(screen, "│ refused") {
		t.Fatalf("a continuation row starts under the time:\n%s", screen)
	}
	a.press("g").wantScreen("message 0", "View 1–")
	a.press("j").wantScreen("View 2–")
	a.press("G").wantScreen("still reload)")
}

// TestViewerResizeKeepsThePlace: a resize rewraps the text around the row
// at the top, so the search match shown stays on screen.
func TestViewerResizeKeepsThePlace(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 20})
	var fields []string
	for i := range 60 {
		fields = append(fields, fmt.Sprintf(`"field%02d": "value %02d of a config long enough to wrap on a narrow screen"`, i, i))
	}
	a.behindTheBack("sales", "crm", "{"+strings.Join(fields, ", ")+"}")
	a.press("R")
	a.gotoConfig("sales", "crm").press("v", "/").typeText("field47").press("enter")
	a.wantScreen(`"field47"`).dontWantScreen("View 1–")
	for _, w := range []int{70, 60, 140} {
		a.resize(w, 20)
		a.wantScreen(`"field47"`).dontWantScreen("View 1–")
	}
}
