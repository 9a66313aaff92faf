package model

import (
	"fmt"
	"strings"

	"github.com/confo-dev/confo/confo"
)

// Side is a side of a conflict: ours (this UI's edits) or theirs (what
// another client stored).
type Side = confo.Side

const (
	SideNone   = confo.SideNone
	SideOurs   = confo.SideOurs
	SideTheirs = confo.SideTheirs
)

// ConflictView is what the UI shows of a config in conflict: why, each
// field both sides changed with its base, our and their value, and the
// three versions whole.
type ConflictView struct {
	Namespace, Config string
	// Reason says in a few words what happened on each side.
	Reason string
	// FieldLevel: the user chooses per field; otherwise (a delete on one
	// side, a value that is not an object, unreadable data) only keeping
	// ours or taking theirs resolves it.
	FieldLevel bool
	Fields     []FieldConflict
	// Merging are the other fields they changed: those merge with our
	// edits whatever is chosen.
	Merging []string
	// Base, Ours and Theirs are the versions whole, as indented JSON, or
	// a note in parentheses (deleted, not JSON) followed by the bytes.
	Base, Ours, Theirs []string
	// OursDeleted: deleted here; TheirsDeleted: deleted by the other
	// client (or its namespace removed), so keeping ours stores it again
	// and lists it in its namespace again.
	OursDeleted, TheirsDeleted bool
}

// FieldConflict is one field both sides changed differently.
type FieldConflict struct {
	Field              string
	Base, Ours, Theirs FieldValue
	// Chosen is the side decided so far, SideNone until then.
	Chosen Side
}

// FieldValue is one side's value of a field.
type FieldValue struct {
	// Present is false when that side has no such field.
	Present bool
	value   confo.Value
}

// fieldLimit bounds a value shown on one line; v shows it in full.
const fieldLimit = 200

// Text is the value on one line, cut when long, or "(none)".
func (v FieldValue) Text() string {
	if !v.Present {
		return "(none)"
	}
	return CompactLimit(v.value, fieldLimit)
}

// Lines is the value in full, as indented JSON, or "(none)".
func (v FieldValue) Lines() []string {
	if !v.Present {
		return []string{"(none)"}
	}
	return Pretty(v.value)
}

// Equal reports whether two sides hold the same value (or both none).
func (v FieldValue) Equal(o FieldValue) bool {
	return v.Present == o.Present && (!v.Present || v.value.Equal(o.value))
}

func fieldValue(v confo.FieldValue) FieldValue { return FieldValue{Present: v.Present, value: v.Value} }

// ConflictView builds the view of a config in conflict.
func (b *Backend) ConflictView(ns, cfg string) (ConflictView, error) {
	c := b.config(ns, cfg)
	if c == nil {
		return ConflictView{}, fmt.Errorf("config %q in namespace %q: %w", cfg, ns, confo.ErrConfigNotFound)
	}
	cf, ok := c.Conflict()
	if !ok {
		return ConflictView{}, fmt.Errorf("config %s/%s is not in conflict", ns, cfg)
	}
	view := ConflictView{
		Namespace: ns, Config: cfg, Reason: cf.Reason, FieldLevel: cf.FieldLevel,
		Base:          rawLines(c.Base(), "(none: new here)"),
		Theirs:        rawLines(cf.Theirs, "(deleted by the other client)"),
		OursDeleted:   c.Deleted(),
		TheirsDeleted: cf.Theirs.State == confo.RawMissing,
	}
	clashing := map[string]bool{}
	for _, f := range cf.Fields {
		clashing[f.Field] = true
		view.Fields = append(view.Fields, FieldConflict{Field: f.Field, Base: fieldValue(f.Base), Ours: fieldValue(f.Ours), Theirs: fieldValue(f.Theirs), Chosen: f.Chosen})
	}
	for _, name := range cf.TheirFields {
		if !clashing[name] {
			view.Merging = append(view.Merging, name)
		}
	}
	switch v, err := c.Value(ns); {
	case c.Deleted():
		view.Ours = []string{"(deleted here)"}
	case err != nil:
		view.Ours = []string{"(" + err.Error() + ")"}
	default:
		view.Ours = Pretty(v)
	}
	return view, nil
}

// rawLines shows stored bytes: indented JSON, or a note in parentheses
// and, for bytes that are not JSON, the bytes themselves (the UI escapes
// what a terminal would obey).
func rawLines(r confo.Raw, missing string) []string {
	switch r.State {
	case confo.RawMissing:
		return []string{missing}
	case confo.RawUnreadable:
		return []string{"(unreadable: " + r.Detail + ")"}
	}
	v, err := confo.Decode(r.Bytes)
	if err != nil {
		return []string{"(not JSON: " + err.Error() + ")", string(r.Bytes)}
	}
	return Pretty(v)
}

// InConflict reports whether the config still waits for the user's
// decision.
func (b *Backend) InConflict(ns, cfg string) bool {
	c := b.config(ns, cfg)
	return c != nil && c.Status() == StatusConflict
}

// RemoteNote says what a persist of the config will meet, when a live
// refresh saw another client change it while it had local edits: "" when
// nothing was seen; otherwise whether it merges, and with which of their
// fields, or which fields will be in conflict.
func (b *Backend) RemoteNote(ns, cfg string) (note string, conflict bool) {
	c := b.config(ns, cfg)
	if c == nil {
		return "", false
	}
	cf, ok := c.RemoteConflict()
	switch {
	case !ok:
		return "", false
	case !cf.FieldLevel && cf.Reason == "":
		return "another client made the same change: persisting merges", false
	case !cf.FieldLevel:
		return cf.Reason + ": persisting is a conflict", true
	case len(cf.Fields) > 0:
		return "another client also changed " + fieldNames(cf.Fields) + ": persisting is a conflict (you choose per field)", true
	case len(cf.TheirFields) == 0:
		return "another client made the same change: persisting merges", false
	}
	return "another client changed " + joinNames(cf.TheirFields) + ": persisting merges", false
}

func fieldNames(fields []confo.FieldConflict) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Field
	}
	return joinNames(names)
}

func joinNames(names []string) string { return strings.Join(names, ", ") }

// Resolution is a decision about a conflict: All picks one side for all of
// it (the whole config, when the conflict is not about fields); otherwise
// Fields picks a side for each conflicting field.
type Resolution struct {
	All    Side
	Fields map[string]Side
}

// resolveLabel is the undo label of a resolution, which CancelResolve
// looks for.
func resolveLabel(cfg string) string { return "resolve the conflict of " + cfg }

// Resolve applies a decision to a config in conflict, as one undo step,
// and plans the persist that writes the result. That persist expects the
// other client's version, so a change made meanwhile is caught again (it
// merges, or comes back as a conflict). The job is nil when nothing is
// left to write (their version taken as it is). Until the job starts,
// CancelResolve takes the decision back.
func (b *Backend) Resolve(ns, cfg string, r Resolution) (*PersistJob, error) {
	err := b.record(resolveLabel(cfg), ns, []string{cfg}, func() error {
		switch r.All {
		case SideOurs:
			return b.ws.KeepMine(ns, cfg)
		case SideTheirs:
			return b.ws.TakeTheirs(ns, cfg)
		}
		c := b.config(ns, cfg)
		if c == nil {
			return fmt.Errorf("config %q in namespace %q: %w", cfg, ns, confo.ErrConfigNotFound)
		}
		cf, _ := c.Conflict()
		if !cf.FieldLevel {
			return fmt.Errorf("config %s/%s: the conflict is not about fields (%s): keep ours or take theirs", ns, cfg, cf.Reason)
		}
		for _, f := range cf.Fields {
			side := r.Fields[f.Field]
			if side == SideNone {
				return fmt.Errorf("config %s/%s: field %q is not decided yet", ns, cfg, f.Field)
			}
			if err := b.ws.ChooseField(ns, cfg, f.Field, side); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	job, err := b.PlanPersist(Scope{Namespace: ns, Config: cfg})
	if err != nil {
		b.CancelResolve(cfg)
		return nil, err
	}
	if job.Empty() {
		return nil, nil
	}
	return job, nil
}

// CancelResolve takes back the last Resolve of cfg, when nothing was done
// since; it reports whether it did.
func (b *Backend) CancelResolve(cfg string) bool {
	if len(b.undo) == 0 || b.undo[len(b.undo)-1].label != resolveLabel(cfg) {
		return false
	}
	_, err := b.Undo()
	return err == nil
}
