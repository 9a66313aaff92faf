//go:build windows

package dirstore

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// readFlags opens a config for reading; Windows has no FIFOs to guard against.
const readFlags = os.O_RDONLY

// tryLock takes a shared or exclusive lock on the whole file without
// waiting; false means another process holds it.
func tryLock(f *os.File, exclusive bool) (bool, error) {
	flags := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY)
	if exclusive {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, new(windows.Overlapped))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION):
		return false, nil
	}
	return false, err
}

// unlink removes a file or symlink, and is content when it is already
// gone; it never removes a directory that happens to be named like a config.
func unlink(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return &fs.PathError{Op: "unlink", Path: path, Err: errors.New("is a directory")}
	}
	err = os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// syncDir does nothing: Windows cannot flush a directory handle, and a
// rename there is made durable by the filesystem's own journal.
func syncDir(string) error { return nil }
