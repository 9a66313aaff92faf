package confo_test

import (
	"testing"

	"github.com/confo-dev/confo/confo"
)

// conflictedWorkspace holds ns/cfg edited here in fields a and b, and
// changed by another client in both: a conflict of two fields.
func conflictedWorkspace(t *testing.T) *confo.Workspace {
	t.Helper()
	snap := func(value string) *confo.Snapshot {
		return &confo.Snapshot{Registry: []string{"ns"}, Namespaces: []confo.NamespaceSnapshot{{Name: "ns", Configs: []confo.ConfigSnapshot{
			{Name: "cfg", Raw: confo.PresentRaw([]byte(value))},
		}}}}
	}
	ws := confo.NewWorkspace(nil)
	ws.Apply(snap(`{"a": 1, "b": 1}`), true)
	check(t, ws.SetField("ns", "cfg", "a", confo.IntValue(2)))
	check(t, ws.SetField("ns", "cfg", "b", confo.IntValue(2)))
	if r := ws.Apply(snap(`{"a": 3, "b": 3}`), false); r.Conflicts != 1 {
		t.Fatalf("reload report %+v, want 1 conflict", r)
	}
	return ws
}

// Undo keeps copies of a config: what is done after SaveConfig, and after
// each RestoreConfig of that state, must not reach the saved copy.
func TestRestoringAStateTwiceBringsItBackTwice(t *testing.T) {
	ws := confo.NewWorkspace(nil)
	ws.Apply(&confo.Snapshot{Registry: []string{"ns"}, Namespaces: []confo.NamespaceSnapshot{{Name: "ns", Configs: []confo.ConfigSnapshot{
		{Name: "cfg", Raw: confo.PresentRaw([]byte(`{"a": 1, "b": 1}`))},
	}}}}, true)
	check(t, ws.SetField("ns", "cfg", "a", confo.IntValue(2)))
	wantValue(t, ws, "ns", "cfg", `{"a": 2, "b": 1}`)
	saved := ws.SaveConfig("ns", "cfg")
	for _, v := range []int64{3, 4} {
		check(t, ws.SetField("ns", "cfg", "a", confo.IntValue(v)))
		check(t, ws.SetField("ns", "cfg", "b", confo.IntValue(v)))
		ws.RestoreConfig(saved)
		wantValue(t, ws, "ns", "cfg", `{"a": 2, "b": 1}`)
	}
	check(t, ws.Set("ns", "cfg", confo.IntValue(5)))
	ws.RestoreConfig(saved)
	wantValue(t, ws, "ns", "cfg", `{"a": 2, "b": 1}`)
}

// Deciding a field of a conflict after SaveConfig is undone by restoring.
func TestRestoringUndoesAFieldDecision(t *testing.T) {
	ws := conflictedWorkspace(t)
	saved := ws.SaveConfig("ns", "cfg")
	for range 2 {
		check(t, ws.ChooseField("ns", "cfg", "a", confo.SideOurs))
		ws.RestoreConfig(saved)
		cf, ok := ws.Namespace("ns").Config("cfg").Conflict()
		if !ok || len(cf.Fields) != 2 {
			t.Fatalf("restored conflict %+v, %v; want fields a and b", cf, ok)
		}
		for _, f := range cf.Fields {
			if f.Chosen != confo.SideNone {
				t.Fatalf("field %s is %s after restoring the state saved before deciding it", f.Field, f.Chosen)
			}
		}
	}
	check(t, ws.KeepMine("ns", "cfg"))
	ws.RestoreConfig(saved)
	if st := ws.Namespace("ns").Config("cfg").Status(); st != confo.StatusConflict {
		t.Fatalf("restored status %s, want conflict", st)
	}
}
