package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestNotJSONReasonIsWrappedInTheFieldsPane: the reason says where the
// JSON breaks; the pane has room for all of it.
func TestNotJSONReasonIsWrappedInTheFieldsPane(t *testing.T) {
	a := newApp(t, appConfig{width: 160, height: 48})
	a.behindTheBack("database", "mysqli", `{"host": "db", "port": 3306, "user": "root", "password": "x", "tls": false, "pool": {"min": 1, "max": 9}, "x": nope}`)
	a.press("R")
	a.gotoConfig("database", "mysqli")
	reason := a.m.fields.Note
	if !strings.Contains(reason, "not JSON") || len(reason) < 80 {
		t.Fatalf("note %q: want a reason longer than the pane is wide", reason)
	}
	a.wantScreen("? config database/mysqli: not JSON:")
	w := a.m.paneWidths()[paneFields] - 2
	shown := ansi.Strip(strings.Join(a.m.renderFields(w, a.m.paneRows()), " "))
	if strings.Join(strings.Fields(shown), " ") != reason {
		t.Fatalf("the pane shows %q, want the whole reason %q", shown, reason)
	}
	// Too little height: the last row ends with an ellipsis.
	lines := a.m.renderNote(strings.Repeat("word ", 100), 20, 3)
	if len(lines) != 3 || !strings.HasSuffix(ansi.Strip(lines[2]), "…") {
		t.Fatalf("note in 3 rows: %q", lines)
	}
}

// TestRenameNamespaceWithANonJSONConfigSaysWhatToDo: the refusal names the
// config and the key that opens it, before the long reason.
func TestRenameNamespaceWithANonJSONConfigSaysWhatToDo(t *testing.T) {
	a := newApp(t, appConfig{width: 160, height: 48})
	a.behindTheBack("database", "mysqli", `{"host": nope}`)
	a.press("R")
	a.gotoConfig("database", "mysqli").press("h", "n").typeText("db").press("enter")
	a.wantScreen(`✗ rename namespace "database": fix or delete config "mysqli" first (E on it opens it in $EDITOR): not JSON`)
}
