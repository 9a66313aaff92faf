package store

import (
	"bytes"
	"fmt"
)

// RawState tells what a backend holds where a config should be.
type RawState uint8

const (
	// RawPresent: a readable value; Raw.Bytes holds it exactly.
	RawPresent RawState = iota
	// RawMissing: nothing is stored (a listed config whose key is absent, or
	// a config that does not exist yet).
	RawMissing
	// RawUnreadable: something is stored but cannot be read as a value, such
	// as a Redis hash or a file that cannot be opened.
	RawUnreadable
)

// Raw is the stored form of one config, exactly as the backend returned it.
// Persist compares it with the backend's current value to detect conflicts.
type Raw struct {
	State RawState
	Bytes []byte
	// Type is set for RawUnreadable when the backend holds something of
	// another type: the Redis type ("hash") or the kind of file ("named
	// pipe"). A store compares it when checking for conflicts.
	Type string
	// Detail is a short human account of why a RawUnreadable value cannot
	// be read ("a Redis hash", "permission denied").
	Detail string
}

// MissingRaw is the Raw of a config that is not stored.
func MissingRaw() Raw { return Raw{State: RawMissing} }

// PresentRaw is the Raw of a readable value.
func PresentRaw(b []byte) Raw { return Raw{State: RawPresent, Bytes: b} }

// UnreadableRaw is the Raw of something stored that is not a value: typ is
// what it is instead ("" when reading it failed), detail says so to a person.
func UnreadableRaw(typ, detail string) Raw {
	return Raw{State: RawUnreadable, Type: typ, Detail: detail}
}

// Same reports whether two observations of a key saw the same thing.
func (r Raw) Same(o Raw) bool {
	if r.State != o.State {
		return false
	}
	switch r.State {
	case RawPresent:
		return bytes.Equal(r.Bytes, o.Bytes)
	case RawUnreadable:
		return r.Type == o.Type && r.Detail == o.Detail
	}
	return true
}

// Describe is a short human account of the stored state.
func (r Raw) Describe() string {
	switch r.State {
	case RawMissing:
		return "missing"
	case RawUnreadable:
		return "unreadable (" + r.Detail + ")"
	}
	return fmt.Sprintf("%d bytes", len(r.Bytes))
}
