package dirstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The Python Confo FileBackend reads every entry of the root as a
// namespace and every file of a namespace folder as a config, so nothing
// of confo's own may stay in either. Temporary files are written in one
// folder, privateDir at the root (the same filesystem, so the rename into
// place stays atomic), which exists only while a commit runs (Windows also
// keeps its lock files there); leftovers of a crash are removed by the
// next commit.
const privateDir = ".confo"

// tempPrefix starts the names of a namespace's temp files: a digest of the
// name (names may hold anything but '/', and be 200 bytes long), so a
// commit can find its namespace's leftovers without parsing.
func tempPrefix(ns string) string {
	sum := sha256.Sum256([]byte(ns))
	return hex.EncodeToString(sum[:8]) + "-"
}

// tempPattern names one commit's temp file: the namespace, then the pid of
// the writer, so leftovers of a process that died can be told from files
// another commit is writing.
func tempPattern(ns string) string {
	return tempPrefix(ns) + strconv.Itoa(os.Getpid()) + "-*" + tempSuffix
}

const tempSuffix = ".tmp"

// createTemp creates a temp file for ns in the private folder.
func (s *Store) createTemp(ns string) (*os.File, error) {
	dir := filepath.Join(s.dir, privateDir)
	var err error
	// Another commit may remove the folder between our mkdir and our
	// create (it removes it when it is empty), so that is retried.
	for range 3 {
		if err = os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		var f *os.File
		if f, err = os.CreateTemp(dir, tempPattern(ns)); !errors.Is(err, fs.ErrNotExist) {
			return f, err
		}
	}
	return nil, err
}

// cleanLeftovers removes what crashed commits left: under ns's lock, every
// temp file of ns (no other commit of ns can be running), temp files of
// processes that are gone, and in the namespace folder the lock file and
// temp files older versions of confo kept there.
func (s *Store) cleanLeftovers(ns, nsDir string) error {
	entries, err := os.ReadDir(filepath.Join(s.dir, privateDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	mine := tempPrefix(ns)
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, tempSuffix) {
			continue
		}
		if strings.HasPrefix(name, mine) || !writerAlive(name) {
			if err := unlink(filepath.Join(s.dir, privateDir, name)); err != nil {
				return err
			}
		}
	}
	legacy, err := os.ReadDir(nsDir)
	if err != nil {
		return err
	}
	for _, e := range legacy {
		if name := e.Name(); name == legacyLockName || isTemp(name) {
			if err := unlink(filepath.Join(nsDir, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// writerAlive reads the pid in a temp file's name and reports whether that
// process still runs; a name it cannot read is kept.
func writerAlive(name string) bool {
	parts := strings.SplitN(name, "-", 3)
	if len(parts) != 3 {
		return true
	}
	pid, err := strconv.Atoi(parts[1])
	return err != nil || processAlive(pid)
}

// removePrivateDir removes the private folder once no commit uses it; it
// stays while another commit's temp file (or, on Windows, a lock) is there.
func (s *Store) removePrivateDir() {
	_ = os.Remove(filepath.Join(s.dir, privateDir))
}
