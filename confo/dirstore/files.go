package dirstore

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/confo-dev/confo/confo/store"
)

// readRaw reads what a config file holds now, following symlinks. It
// opens nothing but regular files: opening a FIFO would block and opening a
// device can have side effects. Details name the problem without the path,
// so a Load and a later Commit describe the same problem identically and
// store.Raw.Same holds.
func readRaw(path string) store.Raw {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if target, lerr := os.Readlink(path); lerr == nil {
			return unreadable("dangling symlink to " + strconv.Quote(target))
		}
		return store.MissingRaw()
	}
	if err != nil {
		return unreadable(errDetail(err))
	}
	if !fi.Mode().IsRegular() {
		kind := fileKind(fi.Mode())
		return store.UnreadableRaw(kind, "is a "+kind)
	}
	// readFlags: if the file was replaced by a FIFO since the Stat, the open
	// must not hang.
	f, err := os.OpenFile(path, readFlags, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return store.MissingRaw()
	}
	if err != nil {
		return unreadable(errDetail(err))
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return unreadable("replaced while being read")
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return unreadable(errDetail(err))
	}
	return store.PresentRaw(data)
}

// unreadable is the Raw of a config file that could not be read.
func unreadable(detail string) store.Raw { return store.UnreadableRaw("", detail) }

func errDetail(err error) string {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// fileKind names what stands where a config file should be.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

func configPath(dir, name string) string { return filepath.Join(dir, name+configExt) }

// mkdirNamespace creates a namespace folder, durably.
func (s *Store) mkdirNamespace(dir string) error {
	err := os.Mkdir(dir, 0o755)
	if errors.Is(err, fs.ErrExist) {
		return nil // a file there makes the lock's open fail with "not a directory"
	}
	if err != nil {
		return err
	}
	return syncDir(s.dir)
}

// writeFile replaces path with data atomically: a temp file in the private
// folder, synced, then renamed over the old one, so readers and crashes see
// the old bytes or the new, never a mix. A symlinked config is written
// through to its target, so links to shared files keep working; when the
// target is on another filesystem the temp file is made next to it. An
// existing file keeps its permission bits (a config holding passwords may
// be 0600); a new one gets 0644. It returns the folder whose entry changed.
func (s *Store) writeFile(ns, path string, data []byte) (string, error) {
	target := path
	if real, err := filepath.EvalSymlinks(path); err == nil {
		target = real
	}
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(target); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	folder := filepath.Dir(target)
	f, err := s.createTemp(ns)
	if err != nil {
		return "", err
	}
	err = fillTemp(f, data, mode)
	if err == nil {
		err = os.Rename(f.Name(), target)
		if isCrossDevice(err) {
			os.Remove(f.Name())
			f, err = os.CreateTemp(folder, "."+filepath.Base(target)+".tmp-*")
			if err != nil {
				return "", err
			}
			if err = fillTemp(f, data, mode); err == nil {
				err = os.Rename(f.Name(), target)
			}
		}
	}
	if err != nil {
		// Best effort: the write error is the one worth reporting, and a
		// temp file that survives is removed by the next commit.
		os.Remove(f.Name())
		return "", err
	}
	return folder, nil
}

// fillTemp writes, syncs and closes a temp file, and gives it its mode.
func fillTemp(f *os.File, data []byte, mode fs.FileMode) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), mode)
	}
	return err
}
