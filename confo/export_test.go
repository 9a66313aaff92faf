package confo

import "reflect"

// SharedLocalStateWritten reports whether anything wrote to the local state
// that every config without one reads as (see Config.state).
func SharedLocalStateWritten() bool { return !reflect.ValueOf(noLocalState).IsZero() }
