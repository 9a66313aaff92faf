package model

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/confotest"
)

// newBackend returns a backend loaded with database/{mysqli,postgres} and
// sales/regions (an array config).
func newBackend(t *testing.T) *Backend {
	t.Helper()
	store := confotest.NewMemStore(false)
	store.Put("database", "mysqli", `{"host": "localhost", "port": 3306, "user": "root", "tls": false}`)
	store.Put("database", "postgres", `{"host": "pg", "port": "5432"}`)
	store.Put("sales", "regions", `["eu", "us"]`)
	return NewBackend("demo", store, confotest.Loaded(t, store), Options{})
}

func get(t *testing.T, b *Backend, ns, cfg string) string {
	t.Helper()
	v, err := b.ws.Get(ns, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return string(confo.Encode(v))
}

func TestParseEditKeepsType(t *testing.T) {
	str := confo.StringValue("root")
	num := confo.IntValue(3306)
	tests := []struct {
		name    string
		cur     confo.Value
		text    string
		want    string
		wantErr string
	}{
		{"string stays string", str, "3306", `"3306"`, ""},
		{"string takes text verbatim", str, `"quoted"`, `"\"quoted\""`, ""},
		{"string to number on purpose", str, "=3306", `3306`, ""},
		{"number stays number", num, "3307", `3307`, ""},
		{"number literal kept", num, "1.0", `1.0`, ""},
		{"number refuses text", num, "abc", "", "is not JSON"},
		{"number refuses other type", num, `"3306"`, "", "is a string"},
		{"number to string on purpose", num, `="3306"`, `"3306"`, ""},
		{"bad JSON after =", num, "={", "", "after = the text must be JSON"},
		{"bool", confo.BoolValue(false), "true", `true`, ""},
		{"bool refuses number", confo.BoolValue(false), "1", "", "is a number"},
		{"object", confo.ObjectValue(), `{"a": 1}`, `{"a": 1}`, ""},
		{"null takes JSON", confo.NullValue(), "7", `7`, ""},
		{"null takes text", confo.NullValue(), "x", `"x"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseEdit(tt.cur, tt.text)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := string(confo.Encode(v)); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestEditTextRoundTrips(t *testing.T) {
	for _, v := range []confo.Value{
		confo.StringValue("plain"),
		confo.StringValue("two\nlines"),
		confo.StringValue("=starts with equals"),
		confo.IntValue(5),
		confo.BoolValue(true),
		confo.ArrayValue(confo.IntValue(1)),
	} {
		got, err := ParseEdit(v, EditText(v))
		if err != nil || !got.Equal(v) {
			t.Errorf("%s: EditText %q gives %v, %v", confo.Encode(v), EditText(v), got, err)
		}
	}
}

func TestSetFieldAndUndo(t *testing.T) {
	b := newBackend(t)
	if err := b.SetField("database", "mysqli", "port", "3307"); err != nil {
		t.Fatal(err)
	}
	if err := b.SetField("database", "mysqli", "user", "42"); err != nil {
		t.Fatal(err)
	}
	want := `{"host": "localhost", "port": 3307, "user": "42", "tls": false}`
	if got := get(t, b, "database", "mysqli"); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if b.Unsaved() != 1 {
		t.Fatalf("unsaved = %d, want 1", b.Unsaved())
	}
	label, err := b.Undo()
	if err != nil || label != "edit mysqli.user" {
		t.Fatalf("undo = %q, %v", label, err)
	}
	if _, err := b.Undo(); err != nil {
		t.Fatal(err)
	}
	if b.Unsaved() != 0 {
		t.Fatalf("after undo unsaved = %d, want 0", b.Unsaved())
	}
	if _, err := b.Undo(); err == nil {
		t.Fatal("undo with an empty stack succeeded")
	}
}

func TestInvalidEditKeepsOldValue(t *testing.T) {
	b := newBackend(t)
	before := get(t, b, "database", "mysqli")
	if err := b.SetField("database", "mysqli", "port", "not a number"); err == nil {
		t.Fatal("invalid edit accepted")
	}
	if got := get(t, b, "database", "mysqli"); got != before {
		t.Fatalf("value changed to %s", got)
	}
	if b.CanUndo() {
		t.Fatal("a refused edit left an undo step")
	}
}

func TestSetValueOfArrayConfig(t *testing.T) {
	b := newBackend(t)
	if err := b.SetValue("sales", "regions", `{"a": 1}`); err == nil {
		t.Fatal("array config accepted an object without =")
	}
	if err := b.SetValue("sales", "regions", `["eu"]`); err != nil {
		t.Fatal(err)
	}
	if got := get(t, b, "sales", "regions"); got != `["eu"]` {
		t.Fatalf("got %s", got)
	}
}

func TestAddDeleteRenameAndUndo(t *testing.T) {
	b := newBackend(t)
	steps := []struct {
		name string
		do   func() error
	}{
		{"add field", func() error { return b.AddField("database", "mysqli", "ttl", "30") }},
		{"delete field", func() error { return b.DeleteField("database", "mysqli", "tls") }},
		{"add config", func() error { return b.AddConfig("database", "cache") }},
		{"delete config", func() error { return b.DeleteConfig("database", "postgres") }},
		{"rename config", func() error { return b.RenameConfig("database", "mysqli", "mysql") }},
		{"add namespace", func() error { return b.AddNamespace("billing") }},
		{"delete namespace", func() error { return b.DeleteNamespace("sales") }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	if v, _ := b.ws.GetField("database", "mysql", "ttl"); v.Literal() != "30" {
		t.Fatalf("ttl = %v, want the number 30", v)
	}
	if _, err := b.ws.Get("database", "mysqli"); !errors.Is(err, confo.ErrConfigNotFound) {
		t.Fatalf("renamed config still there: %v", err)
	}
	if !b.ws.Namespace("sales").Deleted() || b.ws.Namespace("billing") == nil {
		t.Fatal("namespace add/delete not applied")
	}
	for range steps {
		if _, err := b.Undo(); err != nil {
			t.Fatal(err)
		}
	}
	if b.Unsaved() != 0 {
		t.Fatalf("after undoing everything unsaved = %d", b.Unsaved())
	}
	if got := get(t, b, "database", "mysqli"); got != `{"host": "localhost", "port": 3306, "user": "root", "tls": false}` {
		t.Fatalf("mysqli = %s", got)
	}
	if b.ws.Namespace("billing") != nil {
		t.Fatal("undo of add namespace left it")
	}
}

func TestRefusedOperations(t *testing.T) {
	b := newBackend(t)
	for name, err := range map[string]error{
		"add existing field":  b.AddField("database", "mysqli", "host", "x"),
		"add field to array":  b.AddField("sales", "regions", "x", "1"),
		"add existing config": b.AddConfig("database", "mysqli"),
		"rename onto itself":  b.RenameConfig("database", "mysqli", "mysqli"),
		"rename onto other":   b.RenameConfig("database", "mysqli", "postgres"),
		"bad namespace name":  b.AddNamespace("a/b"),
		"delete missing ns":   b.DeleteNamespace("nope"),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if b.CanUndo() {
		t.Fatal("refused operations left undo steps")
	}
}

func TestReadOnlyAndBusyRefuseEdits(t *testing.T) {
	b := newBackend(t)
	b.readOnly = true
	err := b.SetField("database", "mysqli", "port", "1")
	if !errors.Is(err, confo.ErrReadOnly) || err.Error() != "demo is read-only: editing and persisting are disabled" {
		t.Fatalf("read-only edit: %v", err)
	}
	b.readOnly, b.busy = false, "persisting"
	if err := b.AddConfig("database", "x"); !errors.Is(err, ErrBusy) {
		t.Fatalf("busy edit: %v", err)
	}
}

func TestSummarize(t *testing.T) {
	b := newBackend(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(b.SetField("database", "mysqli", "port", "3307"))
	must(b.AddField("database", "mysqli", "ttl", "30"))
	must(b.DeleteField("database", "mysqli", "tls"))
	must(b.AddConfig("database", "cache"))
	must(b.DeleteConfig("database", "postgres"))
	must(b.SetValue("sales", "regions", `["eu"]`))
	job, err := b.PlanPersist(Scope{})
	must(err)
	s := job.Summary()
	want := []string{
		"namespace database",
		"  + cache  new",
		"  ● mysqli  changed port; added ttl; removed tls",
		"      ● port: 3306 → 3307",
		"      + ttl:  → 30",
		"      ✗ tls: false → ",
		"  ✗ postgres  deleted",
		"namespace sales",
		"  ● regions  changed value",
		`      ● (value): ["eu", "us"] → ["eu"]`,
	}
	if got := summaryText(s); !slices.Equal(got, want) {
		t.Fatalf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s.ConfigCount() != 4 || s.Describe() != "database, sales (4 configs)" {
		t.Fatalf("count %d, describe %q", s.ConfigCount(), s.Describe())
	}

	one, err := b.PlanPersist(Scope{Namespace: "database", Config: "mysqli"})
	must(err)
	if got := one.Summary().Describe(); got != "database/mysqli" {
		t.Fatalf("config scope: %q", got)
	}
}

func TestSummarizeNamespaces(t *testing.T) {
	b := newBackend(t)
	if err := b.AddNamespace("billing"); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteNamespace("sales"); err != nil {
		t.Fatal(err)
	}
	job, err := b.PlanPersist(Scope{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(summaryText(job.Summary()), "\n")
	for _, want := range []string{"namespace billing (new)", "namespace sales (deleted)", "✗ regions  deleted"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}

func TestPrettyAndCompact(t *testing.T) {
	v, err := confo.Decode([]byte(`{"a": [1, {"b": "Zo\u00eb"}], "e": {}, "n": null}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"{",
		`  "a": [`,
		"    1,",
		"    {",
		`      "b": "Zoë"`,
		"    }",
		"  ],",
		`  "e": {},`,
		`  "n": null`,
		"}",
	}
	if got := Pretty(v); !slices.Equal(got, want) {
		t.Fatalf("pretty:\n%s", strings.Join(got, "\n"))
	}
	if got := Compact(v); got != `{"a": [1, {"b": "Zoë"}], "e": {}, "n": null}` {
		t.Fatalf("compact: %s", got)
	}
	// Controls read as the JSON escapes the edit prompt shows (issue 12).
	if got := Compact(confo.StringValue("a\"b\n\x01\u202e\U0001F600")); got != `"a\"b\n\u0001\u202e😀"` {
		t.Fatalf("compact escapes: %s", got)
	}
	if got := CompactLimit(confo.StringValue(strings.Repeat("x", 5000)), 100); len(got) > 110 || !strings.HasSuffix(got, "…") {
		t.Fatalf("limit: %d bytes", len(got))
	}
}

// summaryText renders a summary's lines with the glyphs of the README legend.
func summaryText(s Summary) []string {
	glyph := map[Mark]string{MarkAdded: "+", MarkModified: "●", MarkDeleted: "✗"}
	var out []string
	for _, l := range s.Lines() {
		switch {
		case l.Mark == MarkNone:
			out = append(out, l.Text)
		case l.Change != nil:
			out = append(out, "      "+glyph[l.Mark]+" "+l.Text+": "+l.Change.Old()+" → "+l.Change.New())
		default:
			out = append(out, "  "+glyph[l.Mark]+" "+l.Text)
		}
	}
	return out
}
