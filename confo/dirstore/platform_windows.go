//go:build windows

package dirstore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/windows"
)

// readFlags opens a config for reading; Windows has no FIFOs to guard against.
const readFlags = os.O_RDONLY

// openLock opens the namespace's lock file. Windows cannot lock a folder,
// so the file lives in the private folder at the root, named after the
// namespace; it fails with fs.ErrNotExist when the namespace does not.
func openLock(root, ns string) (*os.File, error) {
	if _, err := os.Stat(filepath.Join(root, ns)); err != nil {
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(root, privateDir), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	return os.OpenFile(lockPath(root, ns), os.O_RDWR|os.O_CREATE, 0o644)
}

func lockPath(root, ns string) string {
	return filepath.Join(root, privateDir, tempPrefix(ns)+"lock")
}

// stillLocked reports whether the namespace still exists.
func stillLocked(_ *os.File, root, ns string) (bool, error) {
	_, err := os.Stat(filepath.Join(root, ns))
	return err == nil, err
}

// lockedRange is the byte locked: far past the pid written at the start,
// which waiters read.
const lockedRange = 1 << 30

// tryLock takes an exclusive lock without waiting; false means another
// process holds it.
func tryLock(f *os.File) (bool, error) {
	flags := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY | windows.LOCKFILE_EXCLUSIVE_LOCK)
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, &windows.Overlapped{Offset: lockedRange})
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION):
		return false, nil
	}
	return false, err
}

// markHolder writes our pid into the lock file for waiters to name.
func markHolder(f *os.File) {
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())), 0)
}

// lockHolder reads the pid the holder wrote.
func lockHolder(f *os.File) int {
	buf := make([]byte, 20)
	n, _ := f.ReadAt(buf, 0)
	pid, _ := strconv.Atoi(string(buf[:n]))
	return pid
}

// processAlive reports whether a process with this pid exists.
func processAlive(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return !errors.Is(err, windows.ERROR_INVALID_PARAMETER)
	}
	windows.CloseHandle(h)
	return true
}

// isCrossDevice reports a rename that failed because source and target
// are on different volumes.
func isCrossDevice(err error) bool { return errors.Is(err, windows.ERROR_NOT_SAME_DEVICE) }

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
