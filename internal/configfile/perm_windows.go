//go:build windows

package configfile

import "io/fs"

// othersHave is always false on Windows: access there is governed by ACLs, which
// the mode bits Go reports do not reflect, and a user profile's files are
// private by default.
func othersHave(fs.FileInfo, fs.FileMode) bool { return false }
