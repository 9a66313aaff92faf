package cli

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	for _, tc := range []struct {
		name, a, b, want string
	}{
		{"equal", "x\ny\n", "x\ny\n", ""},
		{"one line changed in the middle", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			"--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"},
		{"added to empty", "", "x\ny\n", "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n"},
		{"all removed", "x\n", "", "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n"},
		{"two hunks", "a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n",
			"--- a\n+++ b\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-b\n+B\n"},
		{"insertion aligned", "{\n  \"a\": 1\n}\n", "{\n  \"a\": 1,\n  \"b\": 2\n}\n",
			"--- a\n+++ b\n@@ -1,3 +1,4 @@\n {\n-  \"a\": 1\n+  \"a\": 1,\n+  \"b\": 2\n }\n"},
	} {
		var b bytes.Buffer
		if err := writeUnified(&b, "a", "b", diffLines(splitLines(tc.a), splitLines(tc.b))); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.name, b.String(), tc.want)
		}
	}
}

// The diff of texts too big for the table is still a correct diff: the
// changed middle removed and added whole.
func TestUnifiedDiffOfHugeTexts(t *testing.T) {
	var a, b []string
	for i := range 3000 {
		a = append(a, "old"+strings.Repeat("x", i%7))
		b = append(b, "new"+strings.Repeat("x", i%7))
	}
	ops := diffLines(a, b)
	removed, added := 0, 0
	for _, op := range ops {
		switch op.kind {
		case '-':
			removed++
		case '+':
			added++
		}
	}
	if removed != len(a) || added != len(b) {
		t.Fatalf("removed %d added %d", removed, added)
	}
}

func TestVersionText(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, tc := range []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"go install @v1.2.3", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}}, "confo v1.2.3 (go1.26.8)"},
		{"a checkout: pseudo-version and commit", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261128222816-33ac6e557624"},
			Settings: settings("vcs.revision", "33ac6e557624244231c7e947e6b746ff609fcbce", "vcs.time", "2026-11-28T22:28:16Z", "vcs.modified", "false")},
			"confo commit 33ac6e557624 (2026-11-28T22:28:16Z, go1.26.8)"},
		{"modified checkout", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261128222816-33ac6e557624+dirty"},
			Settings: settings("vcs.revision", "33ac6e557624244231c7e947e6b746ff609fcbce", "vcs.time", "2026-11-28T22:28:16Z", "vcs.modified", "true")},
			"confo commit 33ac6e557624 (2026-11-28T22:28:16Z, with uncommitted changes, go1.26.8)"},
		{"no version control", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "confo (devel, built without version control information, go1.26.8)"},
	} {
		if got := formatVersion(&tc.info); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
