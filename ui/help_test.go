package ui

import (
	"strings"
	"testing"
)

// TestHelpFitsANarrowScreen: at 80×24 no column of the help is cut at the
// border; scrolling shows every binding in full.
func TestHelpFitsANarrowScreen(t *testing.T) {
	a := newApp(t, appConfig{width: 80, height: 24})
	a.press("?")
	seen := a.screen()
	for range 40 {
		a.press("j")
		seen += a.screen()
	}
	if strings.Contains(seen, "…│") {
		t.Fatalf("a help line is cut:\n%s", seen)
	}
	for _, g := range a.m.keys.Groups() {
		for _, b := range g.Bindings {
			if !strings.Contains(seen, b.Help().Desc) {
				t.Errorf("%q not shown in full", b.Help().Desc)
			}
		}
	}
}
