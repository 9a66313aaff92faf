//go:build unix && !linux

package dirstore

import "os"

// lockHolder returns 0: only Linux tells who holds an flock.
func lockHolder(*os.File) int { return 0 }
