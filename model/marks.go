package model

// Mark is the state sign shown next to a namespace, config or field, and in
// the persist dialog. The UI draws every mark from one table of glyphs and
// colours, which the help overlay and the README legend also show.
type Mark uint8

const (
	MarkNone Mark = iota
	// MarkModified: edited here, not persisted yet.
	MarkModified
	// MarkAdded: new here (or found unlisted), not persisted yet.
	MarkAdded
	// MarkDeleted: deleted here, not persisted yet.
	MarkDeleted
	// MarkConflict: edited here and changed by another client too.
	MarkConflict
	// MarkBad: the stored data is not JSON or cannot be read.
	MarkBad
	// MarkRemote: another client changed it; having no local edits, it
	// shows their version (refreshed live, or at the last reload).
	MarkRemote
	// MarkRemoteEdited: edited here, and another client changed it since
	// it was loaded: a persist merges the two, or reports a conflict.
	MarkRemoteEdited
	// MarkLocked: its key is also another loaded item's, so it cannot be
	// written until one of them is renamed.
	MarkLocked
	// MarkCount is the number of marks, for tables indexed by Mark.
	MarkCount
)

// StatusMark is the mark of an item's status.
func StatusMark(s Status) Mark {
	switch s {
	case StatusModified:
		return MarkModified
	case StatusAdded:
		return MarkAdded
	case StatusDeleted:
		return MarkDeleted
	case StatusConflict:
		return MarkConflict
	case StatusBad:
		return MarkBad
	}
	return MarkNone
}
