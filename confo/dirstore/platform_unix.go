//go:build unix

package dirstore

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// readFlags opens a config for reading; O_NONBLOCK keeps an open of a FIFO
// that replaced the file from hanging, and does nothing to regular files.
const readFlags = os.O_RDONLY | syscall.O_NONBLOCK

// tryLock takes a shared or exclusive flock without waiting; false means
// another process holds it.
func tryLock(f *os.File, exclusive bool) (bool, error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		}
		return false, err
	}
}

// unlink removes a file or symlink, and is content when it is already
// gone. Unlike os.Remove it never removes a directory that happens to be
// named like a config.
func unlink(path string) error {
	err := syscall.Unlink(path)
	if err == nil || errors.Is(err, syscall.ENOENT) {
		return nil
	}
	return &fs.PathError{Op: "unlink", Path: path, Err: err}
}

// syncDir makes renames, removals and creations in a folder durable: a
// file's data was synced before its rename, but the entry naming it lives in
// the folder.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	err = f.Sync()
	if errors.Is(err, syscall.EINVAL) {
		return nil // this filesystem cannot sync a folder; there is nothing more to do
	}
	return err
}
