package confo

import (
	"testing"
	"unsafe"
)

// A reload makes one Config per config it reads, 100,000 at a time, most
// of which nobody decodes or edits: whatever only those need belongs in
// localState. 96 bytes is a size class of its own.
func TestLoadedConfigIsSmall(t *testing.T) {
	if size := unsafe.Sizeof(Config{}); size > 96 {
		t.Fatalf("a Config is %d bytes, want at most 96: move what a loaded config does not use into localState", size)
	}
}
