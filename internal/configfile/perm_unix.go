//go:build !windows

package configfile

import "io/fs"

// othersHave reports whether group or others hold any of the given permission
// bits (0o044 read, 0o022 write) on the file.
func othersHave(fi fs.FileInfo, bits fs.FileMode) bool { return fi.Mode().Perm()&bits != 0 }
