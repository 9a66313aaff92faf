//go:build unix

package dirstore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// readFlags opens a config for reading; O_NONBLOCK keeps an open of a FIFO
// that replaced the file from hanging, and does nothing to regular files.
const readFlags = os.O_RDONLY | syscall.O_NONBLOCK

// openLock opens what a namespace's lock is taken on: its folder itself,
// so that no lock file sits where the Python FileBackend would read it.
func openLock(root, ns string) (*os.File, error) {
	return os.Open(filepath.Join(root, ns))
}

// stillLocked reports whether the folder locked through f is still the
// namespace's folder.
func stillLocked(f *os.File, root, ns string) (bool, error) {
	held, err := f.Stat()
	if err != nil {
		return false, err
	}
	now, err := os.Stat(filepath.Join(root, ns))
	if err != nil {
		return false, err
	}
	return os.SameFile(held, now), nil
}

// markHolder does nothing: the system records who holds an flock.
func markHolder(*os.File) {}

// tryLock takes an exclusive flock without waiting; false means another
// process holds it.
func tryLock(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
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

// processAlive reports whether a process with this pid exists (a stopped
// one counts).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// isCrossDevice reports a rename that failed because source and target
// are on different filesystems.
func isCrossDevice(err error) bool { return errors.Is(err, syscall.EXDEV) }

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
