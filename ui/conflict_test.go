package ui

import (
	"fmt"
	"strings"
	"testing"
)

// conflicted edits mysqli's user and db_name here; another client changes
// both and the host; the persist reports a conflict on user and db_name.
func conflicted(t *testing.T, cfg appConfig) *app {
	a := newApp(t, cfg)
	a.gotoConfig("database", "mysqli").press("l", "j", "e").replace("mydb")
	a.press("j", "e").replace("mine")
	a.behindTheBack("database", "mysqli", theirMysqli("theirs"))
	a.press("s", "y")
	a.wantScreen("! conflict: database/mysqli changed elsewhere too, nothing written: c compares", "mysqli ! conflict")
	return a
}

func theirMysqli(user string) string {
	return `{"host": "db.prod", "db_name": "theirdb", "user": "` + user + `"}`
}

func TestConflictViewShowsEachFieldAndPicksPerField(t *testing.T) {
	a := conflicted(t, appConfig{width: 160, height: 40})
	a.press("h", "c").wantScreen("Conflict: database/mysqli", "changed on both sides",
		"base (loaded)", "ours (here)", "theirs (stored)",
		`▸ db_name`, `"sambe_db"`, `"mydb"`, `"theirdb"`, `"root"`, `"mine"`, `"theirs"`,
		"They also changed host: that merges with your edits whatever you choose.")
	// s refuses until every field is decided.
	a.press("s").wantScreen("decide db_name, user first")
	a.press("t").wantScreen("→ theirs", "▸ user")
	a.press("o").wantScreen("Write the resolution of mysqli?", `user: "theirs" → "mine"`, "y write", "no (default)")
	a.dontWantScreen("db_name:")
	// The default answer takes the decision back.
	a.press("enter").wantScreen("Conflict: database/mysqli", "not written: mysqli is still in conflict")
	if got := a.stored("database", "mysqli"); got != theirMysqli("theirs") {
		t.Fatalf("no wrote: %s", got)
	}
	if got := a.local("database", "mysqli"); !strings.Contains(got, `"user": "mine"`) || !strings.Contains(got, `"db_name": "mydb"`) {
		t.Fatalf("no changed the edit: %s", got)
	}
	// Decided again (the choices stay in the view), and written.
	a.press("s", "y").wantScreen("✓ persisted database/mysqli")
	if got := a.stored("database", "mysqli"); got != `{"host": "db.prod", "db_name": "theirdb", "user": "mine"}` {
		t.Fatalf("stored %s", got)
	}
	a.dontWantScreen("conflict", "unsaved")
}

func TestConflictAllOursAndAllTheirs(t *testing.T) {
	a := conflicted(t, appConfig{width: 120, height: 30})
	a.press("h", "c", "O").wantScreen("Write the resolution of mysqli?", `db_name: "theirdb" → "mydb"`, `user: "theirs" → "mine"`)
	a.press("y").wantScreen("✓ persisted database/mysqli")
	if got := a.stored("database", "mysqli"); got != `{"host": "db.prod", "db_name": "mydb", "user": "mine"}` {
		t.Fatalf("all ours: %s", got)
	}

	a = conflicted(t, appConfig{width: 120, height: 30})
	a.press("h", "enter", "T").wantScreen("took their version of database/mysqli: nothing to write")
	if got := a.local("database", "mysqli"); got != theirMysqli("theirs") {
		t.Fatalf("all theirs: %s", got)
	}
	a.dontWantScreen("unsaved", "conflict")
	if got := a.stored("database", "mysqli"); got != theirMysqli("theirs") {
		t.Fatalf("taking theirs wrote: %s", got)
	}
}

func TestConflictWriteIsCheckedAgain(t *testing.T) {
	a := conflicted(t, appConfig{width: 120, height: 30})
	a.press("h", "c", "O").wantScreen("Write the resolution of mysqli?")
	// Another client changes the user once more while the question is open.
	a.behindTheBack("database", "mysqli", theirMysqli("third"))
	a.press("y").wantScreen("! conflict: database/mysqli changed elsewhere too")
	if got := a.stored("database", "mysqli"); got != theirMysqli("third") {
		t.Fatalf("their newer change was overwritten: %s", got)
	}
	a.press("c").wantScreen(`"third"`)
}

func TestConflictEscChangesNothing(t *testing.T) {
	a := conflicted(t, appConfig{width: 120, height: 30})
	a.press("h", "c", "o", "esc").wantScreen("mysqli is still in conflict, nothing changed: c shows it again", "1 unsaved")
	if got := a.local("database", "mysqli"); !strings.Contains(got, `"user": "mine"`) {
		t.Fatalf("esc lost the edit: %s", got)
	}
	a.press("c").wantScreen("Conflict: database/mysqli", "▸ db_name")
	a.dontWantScreen("→ ours")
}

// deleteAgainstEdit makes a conflict between a delete on one side and an
// edit on the other: deleted here when here is true, else deleted there.
func deleteAgainstEdit(t *testing.T, cfg appConfig, here bool) *app {
	a := newApp(t, cfg)
	a.gotoConfig("database", "postgres")
	if here {
		a.press("d", "y")
		a.behindTheBack("database", "postgres", `{"host": "pg.prod", "db_name": "sambe_db", "user": "root123"}`)
	} else {
		a.press("l", "e").replace("pg.mine").press("h")
		if err := a.rdb.Del(t.Context(), "database-postgres").Err(); err != nil {
			t.Fatal(err)
		}
		if err := a.rdb.Set(t.Context(), "database", `{"configurations": ["mysqli", "redis-cache"]}`, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	a.press("s", "y").wantScreen("! conflict: database/postgres")
	return a
}

func TestConflictDeleteAgainstEditBothWays(t *testing.T) {
	a := deleteAgainstEdit(t, appConfig{width: 120, height: 30}, true)
	a.press("c").wantScreen("deleted here, changed by another client", "(deleted here)", `"pg.prod"`,
		"O keep ours: delete it anyway", "T take theirs: restore their version")
	a.press("O", "y").wantScreen("✓ persisted database/postgres")
	if got := a.stored("database", "postgres"); got != "(missing)" {
		t.Fatalf("delete anyway: %s", got)
	}

	a = deleteAgainstEdit(t, appConfig{width: 120, height: 30}, false)
	a.press("c").wantScreen("edited here, deleted by another client", "(deleted by the other client)", `"pg.mine"`,
		"O keep ours: store it again, listed again", "T take theirs: drop it here too")
	a.press("O").wantScreen("Another client deleted it: writing stores it again and lists it in database again.", "+ postgres  new")
	a.press("y").wantScreen("✓ persisted database/postgres")
	if got := a.stored("database", "postgres"); !strings.Contains(got, `"pg.mine"`) {
		t.Fatalf("keep ours: %s", got)
	}
	if got := a.rdb.Get(t.Context(), "database").Val(); !strings.Contains(got, `"postgres"`) {
		t.Fatalf("not listed again: %s", got)
	}
}

func TestConflictViewEscapesTheirBytes(t *testing.T) {
	a := newApp(t, appConfig{width: 120, height: 30})
	a.gotoConfig("database", "postgres").press("l", "e").replace("pg.mine").press("h")
	a.behindTheBack("database", "postgres", "\x1b]2;pwned\x07\x1b[31mnot json")
	a.press("s", "y", "c").wantScreen("(not JSON:", `\x1b]2;pwned\x07\x1b[31mnot json`)
	if s := a.m.Render(); strings.Contains(s, "\x1b]2;") || strings.Contains(s, "\a") {
		t.Fatalf("raw escape sequence on screen: %q", s)
	}
	a.press("v").wantScreen(`theirs (stored now by another client):`, `\x1b]2;pwned`)
}

func TestGoldenConflictViews(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		suffix := fmt.Sprintf("%dx%d.txt", size[0], size[1])
		t.Run(suffix, func(t *testing.T) {
			cfg := appConfig{width: size[0], height: size[1]}
			a := conflicted(t, cfg)
			golden(t, "conflict_fields_"+suffix, a.press("h", "c", "t").screen())
			golden(t, "conflict_write_"+suffix, a.press("o").screen())
			golden(t, "conflict_deleted_here_"+suffix, deleteAgainstEdit(t, cfg, true).press("c").screen())
			golden(t, "conflict_deleted_there_"+suffix, deleteAgainstEdit(t, cfg, false).press("c").screen())
		})
	}
}
