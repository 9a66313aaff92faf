package model

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

func pending(t *testing.T, s confo.Store) *Backend {
	t.Helper()
	b := NewPending("p", Source{Kind: "redis", Address: "a", Open: func(context.Context) (confo.Store, error) { return s, nil }}, Options{})
	if err := b.FinishOpen(b.StartOpen().Run(context.Background())); err != nil {
		t.Fatal(err)
	}
	return b
}

// load runs a load job, merging each namespace as it arrives.
func load(b *Backend, j *LoadJob) LoadStep {
	res := j.Run(context.Background(), func(p LoadPart) error {
		b.FinishLoadPart(p)
		return nil
	})
	return b.FinishLoad(res)
}

func TestLoadInStepsRegistryThenSelectedFirst(t *testing.T) {
	s := confotest.NewMemStore(false)
	for _, ns := range []string{"a", "b", "c"} {
		s.Put(ns, "x", `{"v": 1}`)
	}
	b := pending(t, s)
	if err := b.CheckWritable(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	reg := b.NextLoad("")
	if reg.Namespaces() != nil {
		t.Fatalf("first step %v, want the registry alone", reg.Namespaces())
	}
	if b.NextLoad("") != nil {
		t.Fatal("two steps in flight")
	}
	load(b, reg)
	if got := b.NamespaceNames(); strings.Join(got, ",") != "a,b,c" || b.NamespaceLoaded("a") {
		t.Fatalf("after the registry: %v, a loaded %v", got, b.NamespaceLoaded("a"))
	}
	if err := b.AddConfig("b", "new"); err == nil || !strings.Contains(err.Error(), "still loading") {
		t.Fatalf("edit in an unloaded namespace: %v", err)
	}
	first := b.NextLoad("b")
	if strings.Join(first.Namespaces(), ",") != "b" {
		t.Fatalf("second step %v, want b alone", first.Namespaces())
	}
	load(b, first)
	// A job read before a persist settles is dropped and read again.
	stale := b.NextLoad("")
	var parts []LoadPart
	res := stale.Run(ctx, func(p LoadPart) error { parts = append(parts, p); return nil })
	b.newEpoch()
	for _, p := range parts {
		if step := b.FinishLoadPart(p); step.Namespaces != 0 {
			t.Fatalf("stale part merged: %+v", step)
		}
	}
	b.FinishLoad(res)
	if b.NamespaceLoaded("a") {
		t.Fatal("stale job merged")
	}
	for j := b.NextLoad(""); j != nil; j = b.NextLoad("") {
		load(b, j)
	}
	if p := b.LoadProgress(); !p.Done || p.Namespaces != 3 || p.Configs != 3 {
		t.Fatalf("progress %+v", p)
	}
}

func TestOpenFailureAndRetry(t *testing.T) {
	fail := true
	b := NewPending("p", Source{Kind: "redis", Address: "a", Open: func(context.Context) (confo.Store, error) {
		if fail {
			return nil, errors.New("cannot reach a")
		}
		return confotest.NewMemStore(false), nil
	}}, Options{})
	if b.Conn() != Connecting || !errors.Is(b.CheckWritable(), ErrNotOpen) {
		t.Fatal("a pending backend is writable")
	}
	if err := b.FinishOpen(b.StartOpen().Run(context.Background())); err == nil || b.Conn() != Failed || b.LastErr() != "cannot reach a" {
		t.Fatalf("failed open: %v %v", err, b.Conn())
	}
	if b.BadSettings() {
		t.Fatal("an unreachable server taken for bad settings: retrying may help")
	}
	if b.NextLoad("") != nil {
		t.Fatal("load after a failed open")
	}
	fail = false
	if !b.Retry() {
		t.Fatal("nothing to retry")
	}
	if err := b.FinishOpen(b.StartOpen().Run(context.Background())); err != nil || b.Conn() != Connected {
		t.Fatalf("retry: %v", err)
	}
}

// A backend whose URL or credentials cannot be used fails for good:
// retrying does not help, and the UI says so instead of offering it.
func TestOpenFailureOfBadSettings(t *testing.T) {
	b := NewPending("p", Source{Kind: "redis", Address: "a", Open: func(context.Context) (confo.Store, error) {
		return nil, fmt.Errorf("database 1 on a cluster: %w", confo.ErrBadCredentials)
	}}, Options{})
	b.FinishOpen(b.StartOpen().Run(context.Background()))
	if b.Conn() != Failed || !b.BadSettings() {
		t.Fatalf("bad settings not told apart: %v %v", b.Conn(), b.BadSettings())
	}
}

// TestRenameNamespaceWithAConfigThatIsNotJSON: the refusal says what to
// do before the reason, which may be long.
func TestRenameNamespaceWithAConfigThatIsNotJSON(t *testing.T) {
	store := confotest.NewMemStore(false)
	store.Put("database", "mysqli", `{"host": "localhost"}`)
	store.Put("database", "bin", `{"host": nope}`)
	b := NewBackend("demo", store, confotest.Loaded(t, store), Options{})
	err := b.RenameNamespace("database", "db")
	bad, ok := errors.AsType[*UnusableConfigError](err)
	if !ok || !errors.Is(err, confo.ErrBadData) {
		t.Fatalf("%T %v, want an UnusableConfigError of bad data", err, err)
	}
	if want := `rename namespace "database": fix or delete config "bin" first: not JSON: `; !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("%q, want it to start %q", err, want)
	}
	bad.Fix = "E opens it"
	if want := `first (E opens it): not JSON`; !strings.Contains(err.Error(), want) {
		t.Fatalf("%q lacks %q", err, want)
	}
	if b.NamespaceNames()[0] != "database" || b.Unsaved() != 0 {
		t.Fatalf("the refused rename changed something: %v, %d unsaved", b.NamespaceNames(), b.Unsaved())
	}
}

func TestRenameNamespaceAndUndo(t *testing.T) {
	b := newBackend(t)
	if err := b.RenameNamespace("database", "sales"); err == nil {
		t.Fatal("rename onto an existing namespace")
	}
	if err := b.RenameNamespace("database", "db"); err != nil {
		t.Fatal(err)
	}
	if get(t, b, "db", "mysqli") != `{"host": "localhost", "port": 3306, "user": "root", "tls": false}` {
		t.Fatal("config not moved")
	}
	if ns, _ := b.Namespace("database"); ns.Mark != MarkDeleted {
		t.Fatalf("old namespace mark %v", ns.Mark)
	}
	if _, err := b.Undo(); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.Namespace("db"); ok || b.Unsaved() != 0 {
		t.Fatalf("undo left db or %d unsaved", b.Unsaved())
	}
}

func TestEditorParse(t *testing.T) {
	b := newBackend(t)
	host, err := b.EditorText("database", "mysqli", "host")
	if err != nil || !strings.HasSuffix(host.Text, "\n\"localhost\"\n") || !strings.HasPrefix(host.Text, "// confo: editing database/mysqli.host (string)") {
		t.Fatalf("text %q, %v", host.Text, err)
	}
	port, _ := b.EditorText("database", "mysqli", "port")
	for _, tt := range []struct {
		t          EditorTarget
		text, want string
		err        string
	}{
		{host, "// c\n\"db\"\n", `"db"`, ""},
		{host, "db.internal\n", `"db.internal"`, ""},
		{host, "3306\n", `3306`, ""},
		// Lines and columns of the file reopened with the error on top.
		{host, "{oops\n", "", "not JSON at line 4, column 2: "},
		{port, "// a\n// b\n  [1,\n", "", "not JSON at line 5, column 1: "},
		{port, "\"3306\"", `"3306"`, ""},
		{port, "// only comments\n\n", "", "holds no value"},
	} {
		v, err := tt.t.Parse(tt.text)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: err %v, want %q", tt.text, err, tt.err)
			}
			continue
		}
		if err != nil || string(confo.Encode(v)) != tt.want {
			t.Errorf("%q: %s, %v", tt.text, confo.Encode(v), err)
		}
	}
	retry := port.Retry("{x\n", errors.New("not JSON at line 1"))
	if !strings.HasPrefix(retry.Text, "// confo: not JSON at line 1\n") || !strings.HasSuffix(retry.Text, "{x\n") {
		t.Fatalf("retry text %q", retry.Text)
	}
}

func TestFieldsViewIsCachedUntilAChange(t *testing.T) {
	b := newBackend(t)
	v1 := b.Fields("database", "mysqli")
	if b.Fields("database", "mysqli") != v1 {
		t.Fatal("the view was rebuilt without a change")
	}
	if err := b.DeleteField("database", "mysqli", "tls"); err != nil {
		t.Fatal(err)
	}
	v2 := b.Fields("database", "mysqli")
	if v2 == v1 || !v2.Deleted("tls") || v2.Row(len(v2.Names())-1).Mark != MarkDeleted {
		t.Fatalf("after delete: %v", v2.Names())
	}
}

// TestEditorFileHeader: the header is confo's text, so the stored name in
// it is escaped; the stored bytes under it stay exact; a syntax error's
// line is the line of the reopened file that holds the problem; and the
// reason of bytes that are not JSON is said once.
func TestEditorFileHeader(t *testing.T) {
	store := confotest.NewMemStore(false)
	hostile := "title\x1b]2;PWNED\x07ns"
	store.Put(hostile, "plain", `{"a": 1}`)
	store.Put(hostile, "raw", "{broken \x1b[31m")
	b := NewBackend("demo", store, confotest.Loaded(t, store), Options{})

	plain, err := b.EditorText(hostile, "plain", "")
	if err != nil {
		t.Fatal(err)
	}
	header, body := plain.Text[:strings.Index(plain.Text, "{")], plain.Text[strings.Index(plain.Text, "{"):]
	if strings.ContainsAny(header, "\x1b\x07") || !strings.Contains(header, `// confo: editing title\x1b]2;PWNED\x07ns/plain (object); `) {
		t.Fatalf("header not escaped:\n%q", header)
	}
	if body != "{\n  \"a\": 1\n}\n" {
		t.Fatalf("body %q", body)
	}
	edited := strings.Replace(plain.Text, `"a": 1`, `"a": 1,`, 1)
	_, err = plain.Parse(edited)
	if err == nil {
		t.Fatal("trailing comma accepted")
	}
	retry := plain.Retry(edited, err)
	lines := strings.Split(retry.Text, "\n")
	var line, col int
	if _, serr := fmt.Sscanf(lines[0], "// confo: not JSON at line %d, column %d:", &line, &col); serr != nil {
		t.Fatalf("first line %q: %v", lines[0], serr)
	}
	if line < 1 || line > len(lines) || lines[line-1] != "}" || col != 1 {
		t.Fatalf("error at line %d, column %d of:\n%s", line, col, retry.Text)
	}
	if !strings.HasPrefix(err.Error(), lines[0][len("// confo: "):]) {
		t.Fatalf("the status %q and the file %q disagree", err, lines[0])
	}

	raw, err := b.EditorText(hostile, "raw", "")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(raw.Text, "not JSON") != 1 || !strings.HasSuffix(raw.Text, "\n{broken \x1b[31m") {
		t.Fatalf("raw text %q", raw.Text)
	}
}
