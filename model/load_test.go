package model

import (
	"context"
	"errors"
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
		{host, "{oops\n", "", "not JSON at line 1, column 2"},
		{port, "// a\n// b\n  [1,\n", "", "line 3"},
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
