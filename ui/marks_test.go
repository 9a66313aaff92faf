package ui

import (
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/confo-dev/confo/model"
)

// TestEveryMarkHasAGlyphAndMeaning keeps the table complete: a mark added to
// the model without a glyph would draw as nothing.
func TestEveryMarkHasAGlyphAndMeaning(t *testing.T) {
	seen := map[string]string{}
	for m, spec := range itemMarks {
		if model.Mark(m) == model.MarkNone {
			continue
		}
		if strings.TrimSpace(spec.glyph) == "" || spec.meaning == "" || spec.style == nil {
			t.Errorf("mark %d has glyph %q, meaning %q", m, spec.glyph, spec.meaning)
		}
		if other, ok := seen[spec.glyph]; ok {
			t.Errorf("glyph %q means both %q and %q", spec.glyph, other, spec.meaning)
		}
		seen[spec.glyph] = spec.meaning
	}
	for _, spec := range append(connMarks[:], readOnlyBadge, escapedMark) {
		if other, ok := seen[spec.glyph]; ok {
			t.Errorf("connection glyph %q also means %q", spec.glyph, other)
		}
		seen[spec.glyph] = spec.meaning
	}
}

// TestReadmeLegendMatchesTheTable checks the README's legend is the one the
// help overlay draws.
func TestReadmeLegendMatchesTheTable(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- legend:")
	block, _, ok2 := strings.Cut(rest, "<!-- /legend -->")
	if !ok || !ok2 {
		t.Fatal("README has no legend block")
	}
	_, block, _ = strings.Cut(block, "```\n")
	block, _, _ = strings.Cut(block, "```")
	var want []string
	for _, l := range legendLines(DefaultTheme(), 72) {
		want = append(want, strings.TrimPrefix(ansi.Strip(l), " "))
	}
	if got := strings.TrimRight(block, "\n"); got != strings.Join(want, "\n") {
		t.Fatalf("README legend:\n%s\nwant (from ui/marks.go):\n%s", got, strings.Join(want, "\n"))
	}
}
