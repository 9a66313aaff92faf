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
	e := startLive(t, nil, `"root"`, "database", "mysqli")
	e.selectRow("user", "host", "db_name", "user")
	e.setField("user", "mine")
	// Show postgres: clear the filter, then down to it.
	e.press("the filter cleared", keys("h", "Escape"), hasAll("postgres"))
	e.selectRow("postgres", "mysqli", "postgres")
	e.waitFor(e2eWait, "postgres fields", hasAll(`"root123"`))

	e.redisCLI("SET", "database-postgres", `{"host": "db2.internal", "db_name": "sambe_db", "user": "root123"}`)
	e.waitFor(e2eWait, "the other client's value, no key pressed", matches(`host\s+"db2\.internal"`),
		hasAll("↻ another client changed database/postgres", "1 unsaved"))

	e.wantRedis("database-mysqli", seedMysqli)
	e.press("the edit survived", keys("k"), cursorOn("mysqli"), matches(`user\s+"mine"`))
	// Once more, now that it was refreshed: still not written by anyone.
	noKeyFor(500 * time.Millisecond)
	e.wantRedis("database-mysqli", seedMysqli)
	e.quit()
}

// TestTUIPersistMergesAnotherClientsField: the UI edits mysql8.user,
// redis-cli changes mysql8.host; the UI marks it, the persist dialog says
// it merges, and s y writes both.
func TestTUIPersistMergesAnotherClientsField(t *testing.T) {
	e := startLive(t, mysql8Seed, "mysql8", "database", "mysql8")
	e.selectRow("user", "host", "port", "user")
	e.setField("user", "admin")

	e.redisCLI("SET", "database-mysql8", `{"host": "db.prod", "port": 3306, "user": "root"}`)
	e.waitFor(e2eWait, "the remote mark", hasAll("≈ 1 changed remotely", "another client changed host: persisting merges"))
	e.press("the persist question", keys("s"), hasAll("Persist config database/mysql8?", `user: "root" → "admin"`, "≈ another client changed host: persisting merges"))
	e.press("the merge named", keys("y"), hasAll("merged with another client's change to host"), negate(hasAll("unsaved")))
	e.wantRedis("database-mysql8", `{"host": "db.prod", "port": 3306, "user": "admin"}`)
	e.wantConsistent()
	e.quit()
}

// TestTUIConflictChosenPerField: both sides change user and port; the
// conflict view shows base, ours and theirs, the user keeps our user and
// takes their port, confirms, and Redis holds exactly that.
func TestTUIConflictChosenPerField(t *testing.T) {
	e := startLive(t, mysql8Seed, "mysql8", "database", "mysql8")
	e.selectRow("user", "host", "port", "user")
	e.setField("user", "admin")
	send(t, e.sock, "k")
	e.setField("port", "3307")

	e.redisCLI("SET", "database-mysql8", `{"host": "db.prod", "port": 3308, "user": "ops"}`)
	e.waitFor(e2eWait, "the conflict announced", hasAll("persisting is a conflict"))
	e.press("the persist question", keys("s"), hasAll("Persist config database/mysql8?", "another client also changed user, port"))
	e.press("the conflict", keys("y"), hasAll("! conflict: database/mysql8 changed elsewhere too, nothing written"))
	e.wantRedis("database-mysql8", `{"host": "db.prod", "port": 3308, "user": "ops"}`)

	e.press("the conflict view", keys("h", "c"), hasAll("Conflict: database/mysql8", "base (loaded)", "ours (here)", "theirs (stored)",
		"They also changed host"), matches(`▸ user\s+"root"\s+│ "admin"\s+│ "ops"`), matches(`port\s+3306\s+│ 3307\s+│ 3308`))
	e.press("user decided", keys("o"), matches(`user .*→ ours`), cursorOn("port"))
	e.press("the write question", keys("t"), hasAll("Write the resolution of mysql8?", `user: "ops" → "admin"`, "no (default)"))
	e.press("written", keys("y"), hasAll("✓ persisted database/mysql8"), negate(hasAll("unsaved")))
	e.wantRedis("database-mysql8", `{"host": "db.prod", "port": 3308, "user": "admin"}`)
	e.wantConsistent()
	e.quit()
}

// TestTUIPersistIntoARemovedNamespace: the orphan scenario. A
// config is added here; another client deletes the namespace and empties
// the registry; the persist is a conflict and writes nothing; keeping ours
// registers the namespace again with the config listed.
func TestTUIPersistIntoARemovedNamespace(t *testing.T) {
	e := startLive(t, nil, "mysqli", "database", "mysqli")
	e.press("the name prompt", keys("h", "a"), hasAll("New config in database"))
	sendText(t, e.sock, "brandnew")
	e.press("added", keys("Enter"), cursorOn("brandnew"), hasAll("1 unsaved"))
	e.press("the persist question", keys("s"), hasAll("Persist config database/brandnew?"))

	e.redisCLI("DEL", "database", "database-mysqli", "database-postgres")
	e.redisCLI("SET", "confo", `{"namespaces": []}`)
	noKeyFor(time.Second)
	e.press("the conflict", keys("y"), hasAll("! conflict: namespace database changed elsewhere too, nothing written"))
	e.wantMissing("database-brandnew")
	e.wantMissing("database")
	e.wantRedis("confo", `{"namespaces": []}`)
	e.wantConsistent()

	e.press("the conflict view", keys("c"), hasAll("edited here, and another client removed the namespace", "O keep ours: store it again, listed again"))
	e.press("the write question", keys("O"), hasAll("Write the resolution of brandnew?", "lists it in database again", "namespace database (new)"))
	e.press("written", keys("y"), hasAll("✓ persisted database/brandnew"), negate(hasAll("unsaved")))
	e.wantRedis("confo", `{"namespaces": ["database"]}`)
	e.wantRedis("database", `{"configurations": ["brandnew"]}`)
	e.wantRedis("database-brandnew", `{}`)
	e.wantConsistent()
	e.quit()
}
