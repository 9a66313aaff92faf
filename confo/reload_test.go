package confo_test

import (
	"slices"
	"testing"

	"github.com/confo-dev/confo/confo"
)

// configsOf describes every config of a workspace, for comparing two.
func configsOf(t *testing.T, ws *confo.Workspace) []string {
	t.Helper()
	var out []string
	for _, nsName := range ws.NamespaceNames() {
		ns := ws.Namespace(nsName)
		for _, name := range ns.ConfigNames() {
			c := ns.Config(name)
			line := nsName + "/" + name + " " + c.Status().String()
			if c.Deleted() {
				line += " deleted"
			}
			if c.RemoteChanged() {
				line += " remote-changed"
			}
			if v, err := c.Value(nsName); err == nil {
				line += " " + string(confo.Encode(v))
			}
			out = append(out, line)
		}
	}
	return out
}

// A first load fills namespaces that hold no configs, which needs no pass
// for configs removed remotely; it must leave what a reload over earlier
// configs leaves, names sorted even when the snapshot is not.
func TestFirstLoadMatchesAReload(t *testing.T) {
	snap := func() *confo.Snapshot {
		return &confo.Snapshot{Registry: []string{"a", "b"}, Namespaces: []confo.NamespaceSnapshot{
			{Name: "a", Configs: []confo.ConfigSnapshot{
				{Name: "z", Raw: confo.PresentRaw([]byte(`{"k": 1}`))},
				{Name: "m", Raw: confo.PresentRaw([]byte(`not json`))},
				{Name: "b", Raw: confo.MissingRaw()},
				{Name: "u", Raw: confo.PresentRaw([]byte(`[2]`)), Unlisted: true},
			}},
			{Name: "b"},
		}}
	}
	first := confo.NewWorkspace(nil)
	first.Apply(snap(), true)

	// The same data over an earlier config in each namespace, which the
	// reload removes.
	again := confo.NewWorkspace(nil)
	earlier := snap()
	for i := range earlier.Namespaces {
		earlier.Namespaces[i].Configs = []confo.ConfigSnapshot{{Name: "gone", Raw: confo.PresentRaw([]byte(`{}`))}}
	}
	again.Apply(earlier, true)
	again.Apply(snap(), false)

	got, want := configsOf(t, first), configsOf(t, again)
	if !slices.Equal(got, want) {
		t.Fatalf("first load:\n%q\nreload:\n%q", got, want)
	}
	if names := first.Namespace("a").ConfigNames(); !slices.IsSorted(names) || len(names) != 4 {
		t.Fatalf("config names %q, want 4 sorted", names)
	}
	if n := first.Namespace("a").Len(); n != 4 {
		t.Fatalf("Len %d, want 4", n)
	}
}

// A namespace deleted here while it held no configs stays deleted when a
// reload that keeps local edits brings configs another client added: they
// are deleted with it, pending persist.
func TestReloadIntoAnEmptyNamespaceDeletedHere(t *testing.T) {
	ws := confo.NewWorkspace(nil)
	ws.Apply(&confo.Snapshot{Registry: []string{"ns"}, Namespaces: []confo.NamespaceSnapshot{{Name: "ns"}}}, true)
	check(t, ws.DeleteNamespace("ns"))
	report := ws.Apply(&confo.Snapshot{Registry: []string{"ns"}, Namespaces: []confo.NamespaceSnapshot{{Name: "ns", Configs: []confo.ConfigSnapshot{
		{Name: "new", Raw: confo.PresentRaw([]byte(`{}`))},
	}}}}, false)
	if report.Configs != 1 {
		t.Fatalf("report %+v, want 1 config", report)
	}
	c := ws.Namespace("ns").Config("new")
	if c == nil || !c.Deleted() || c.Status() != confo.StatusDeleted {
		t.Fatalf("config added remotely to a namespace deleted here: %+v", c)
	}
}
