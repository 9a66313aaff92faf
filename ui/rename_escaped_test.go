package ui

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/confo-dev/confo/internal/termsafe"
)

// TestRenameOfAnEscapedNameStartsEmpty: the screen shows such a name
// escaped; prefilling that form and accepting it would store the escapes'
// backslashes as the new name.
func TestRenameOfAnEscapedNameStartsEmpty(t *testing.T) {
	a := hostile(t, 160, 48)
	a.press("k")
	const c1 = "c1\u009b31m"
	if got := a.m.lists[paneConfigs].selected(); got != c1 {
		t.Fatalf("selected %q", got)
	}
	a.press("n").wantScreen("Rename "+termsafe.Name(c1), "the name holds control characters, so the prompt starts empty: type the new name")
	if p, ok := a.m.dialog.(*prompt); !ok || p.input.Value() != "" {
		t.Fatalf("prompt %#v, want an empty one", a.m.dialog)
	}
	// The hint wraps in the prompt: all of it shows.
	if v := flat(ansi.Strip(a.m.dialog.view(a.m))); !strings.Contains(v, "typethenewname;persistingwritesthenewconfiganddeletestheoldone") {
		t.Fatalf("the prompt cuts its hint: %s", v)
	}
	a.typeText("renamed").press("enter")
	names := a.m.current.ConfigNames("database")
	if !slices.Contains(names, "renamed") || slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, `c1\`) }) {
		t.Fatalf("configs after the rename: %q", names)
	}

	// A plain name is prefilled as is.
	a.gotoConfig("database", "mysqli").press("n")
	if p, ok := a.m.dialog.(*prompt); !ok || p.input.Value() != "mysqli" {
		t.Fatalf("prompt %#v, want mysqli", a.m.dialog)
	}
}

// TestViewerTitleEscapesNamesLikeThePanes: one sanitizer for a name
// wherever it is shown, so the viewer's title and the pane agree.
func TestViewerTitleEscapesNamesLikeThePanes(t *testing.T) {
	a := hostile(t, 160, 48)
	if got := a.m.lists[paneConfigs].selected(); got != hostileConfig {
		t.Fatalf("selected %q", got)
	}
	a.press("v").wantScreen("demo: database/" + termsafe.Name(hostileConfig) + " (")
}
