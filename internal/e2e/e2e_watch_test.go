package e2e

import (
	"testing"
	"time"
)

// mysql8Seed is one namespace with one config, mysql8.
var mysql8Seed = map[string]string{
	"confo":             `{"namespaces": ["database"]}`,
	"database":          `{"configurations": ["mysql8", "postgres"]}`,
	"database-mysql8":   `{"host": "localhost", "port": 3306, "user": "root"}`,
	"database-postgres": seedPostgres,
}

// TestTUILiveChangeShowsUpWithoutAKey: redis-cli changes postgres while
// mysqli has an unsaved edit; the new postgres value appears on screen
// without a key press, and the edit survives, here and in Redis.
func TestTUILiveChangeShowsUpWithoutAKey(t *testing.T) {
	e := startTUI(t, tuiRun{})
	e.waitFor(e2eStartWait, "main screen", hasAll("Namespaces", "mysqli", `"root"`))
	e.waitLive()
	e.goTo("database", "mysqli")
	send(t, e.sock, "l")
	e.selectRow("user", "host", "db_name", "user")
	send(t, e.sock, "e", "C-u")
	sendText(t, e.sock, "mine")
	send(t, e.sock, "Enter")
	e.waitFor(e2eWait, "the edit", hasAll("1 unsaved"), matches(`user\s+"mine"`))
	// Show postgres: clear the filter, then down to it.
	send(t, e.sock, "h", "Escape")
	e.waitFor(e2eWait, "the filter cleared", hasAll("postgres"))
	e.selectRow("postgres", "mysqli", "postgres")
	e.waitFor(e2eWait, "postgres fields", hasAll(`"root123"`))

	e.redisCLI("SET", "database-postgres", `{"host": "db2.internal", "db_name": "sambe_db", "user": "root123"}`)
	e.waitFor(e2eWait, "the other client's value, no key pressed", matches(`host\s+"db2\.internal"`),
		hasAll("↻ another client changed database/postgres", "1 unsaved"))

	e.wantRedis("database-mysqli", seedMysqli)
	send(t, e.sock, "k")
	e.waitFor(e2eWait, "the edit survived", cursorOn("mysqli"), matches(`user\s+"mine"`))
	// Once more, now that it was refreshed: still not written by anyone.
	noKeyFor(500 * time.Millisecond)
	e.wantRedis("database-mysqli", seedMysqli)
	e.quit()
}

// TestTUIPersistMergesAnotherClientsField: the UI edits mysql8.user,
// redis-cli changes mysql8.host; the UI marks it, the persist dialog says
// it merges, and s y writes both.
func TestTUIPersistMergesAnotherClientsField(t *testing.T) {
	e := startTUI(t, tuiRun{seed: mysql8Seed})
	e.waitFor(e2eStartWait, "main screen", hasAll("Namespaces", "mysql8"))
	e.waitLive()
	e.goTo("database", "mysql8")
	send(t, e.sock, "l")
	e.selectRow("user", "host", "port", "user")
	send(t, e.sock, "e", "C-u")
	sendText(t, e.sock, "admin")
	send(t, e.sock, "Enter")
	e.waitFor(e2eWait, "the edit", hasAll("1 unsaved"), matches(`user\s+"admin"`))

	e.redisCLI("SET", "database-mysql8", `{"host": "db.prod", "port": 3306, "user": "root"}`)
	e.waitFor(e2eWait, "the remote mark", hasAll("≈ 1 changed remotely", "another client changed host: persisting merges"))
	send(t, e.sock, "s")
	e.waitFor(e2eWait, "the persist question", hasAll("Persist config database/mysql8?", `user: "root" → "admin"`, "≈ another client changed host: persisting merges"))
	send(t, e.sock, "y")
	e.waitFor(e2eWait, "the merge named", hasAll("merged with another client's change to host"), negate(hasAll("unsaved")))
	e.wantRedis("database-mysql8", `{"host": "db.prod", "port": 3306, "user": "admin"}`)
	e.wantConsistent()
	e.quit()
}

// TestTUIConflictChosenPerField: both sides change user and port; the
// conflict view shows base, ours and theirs, the user keeps our user and
// takes their port, confirms, and Redis holds exactly that.
func TestTUIConflictChosenPerField(t *testing.T) {
	e := startTUI(t, tuiRun{seed: mysql8Seed})
	e.waitFor(e2eStartWait, "main screen", hasAll("Namespaces", "mysql8"))
	e.waitLive()
	e.goTo("database", "mysql8")
	send(t, e.sock, "l")
	e.selectRow("user", "host", "port", "user")
	send(t, e.sock, "e", "C-u")
	sendText(t, e.sock, "admin")
	send(t, e.sock, "Enter")
	e.waitFor(e2eWait, "user edited", matches(`user\s+"admin"`))
	send(t, e.sock, "k", "e", "C-u")
	sendText(t, e.sock, "3307")
	send(t, e.sock, "Enter")
	e.waitFor(e2eWait, "port edited", matches(`port\s+3307`), hasAll("1 unsaved"))

	e.redisCLI("SET", "database-mysql8", `{"host": "db.prod", "port": 3308, "user": "ops"}`)
	e.waitFor(e2eWait, "the conflict announced", hasAll("persisting is a conflict"))
	send(t, e.sock, "s")
	e.waitFor(e2eWait, "the persist question", hasAll("Persist config database/mysql8?", "another client also changed user, port"))
	send(t, e.sock, "y")
	e.waitFor(e2eWait, "the conflict", hasAll("! conflict: database/mysql8 changed elsewhere too, nothing written"))
	e.wantRedis("database-mysql8", `{"host": "db.prod", "port": 3308, "user": "ops"}`)

	send(t, e.sock, "h", "c")
	e.waitFor(e2eWait, "the conflict view", hasAll("Conflict: database/mysql8", "base (loaded)", "ours (here)", "theirs (stored)",
		"They also changed host"), matches(`▸ user\s+"root"\s+│ "admin"\s+│ "ops"`), matches(`port\s+3306\s+│ 3307\s+│ 3308`))
	send(t, e.sock, "o")
	e.waitFor(e2eWait, "user decided", matches(`user .*→ ours`), cursorOn("port"))
	send(t, e.sock, "t")
	e.waitFor(e2eWait, "the write question", hasAll("Write the resolution of mysql8?", `user: "ops" → "admin"`, "no (default)"))
	send(t, e.sock, "y")
	e.waitFor(e2eWait, "written", hasAll("✓ persisted database/mysql8"), negate(hasAll("unsaved")))
	e.wantRedis("database-mysql8", `{"host": "db.prod", "port": 3308, "user": "admin"}`)
	e.wantConsistent()
	e.quit()
}

// TestTUIPersistIntoARemovedNamespace: the orphan scenario. A
// config is added here; another client deletes the namespace and empties
// the registry; the persist is a conflict and writes nothing; keeping ours
// registers the namespace again with the config listed.
func TestTUIPersistIntoARemovedNamespace(t *testing.T) {
	e := startTUI(t, tuiRun{})
	e.waitFor(e2eStartWait, "main screen", hasAll("Namespaces", "mysqli"))
	e.waitLive()
	e.goTo("database", "mysqli")
	send(t, e.sock, "a")
	e.waitFor(e2eWait, "the name prompt", hasAll("New config in database"))
	sendText(t, e.sock, "brandnew")
	send(t, e.sock, "Enter")
	e.waitFor(e2eWait, "added", cursorOn("brandnew"), hasAll("1 unsaved"))
	send(t, e.sock, "s")
	e.waitFor(e2eWait, "the persist question", hasAll("Persist config database/brandnew?"))

	e.redisCLI("DEL", "database", "database-mysqli", "database-postgres")
	e.redisCLI("SET", "confo", `{"namespaces": []}`)
	noKeyFor(time.Second)
	send(t, e.sock, "y")
	e.waitFor(e2eWait, "the conflict", hasAll("! conflict: namespace database changed elsewhere too, nothing written"))
	e.wantMissing("database-brandnew")
	e.wantMissing("database")
	e.wantRedis("confo", `{"namespaces": []}`)
	e.wantConsistent()

	send(t, e.sock, "c")
	e.waitFor(e2eWait, "the conflict view", hasAll("edited here, and another client removed the namespace", "O keep ours: store it again, listed again"))
	send(t, e.sock, "O")
	e.waitFor(e2eWait, "the write question", hasAll("Write the resolution of brandnew?", "lists it in database again", "namespace database (new)"))
	send(t, e.sock, "y")
	e.waitFor(e2eWait, "written", hasAll("✓ persisted database/brandnew"), negate(hasAll("unsaved")))
	e.wantRedis("confo", `{"namespaces": ["database"]}`)
	e.wantRedis("database", `{"configurations": ["brandnew"]}`)
	e.wantRedis("database-brandnew", `{}`)
	e.wantConsistent()
	e.quit()
}
