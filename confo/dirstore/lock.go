package dirstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/confo-dev/confo/confo/store"
)

// DefaultLockTimeout is how long a commit waits for another process's
// lock on a namespace when Config.LockTimeout is zero.
const DefaultLockTimeout = 10 * time.Second

// LockedError is a commit that gave up waiting for another process's lock
// on a namespace. Nothing of the namespace was written.
type LockedError struct {
	// PID is the holder's process id, 0 where the system does not tell.
	PID    int
	Waited time.Duration
}

func (e *LockedError) Error() string {
	holder := "another process"
	if e.PID > 0 {
		holder = fmt.Sprintf("process %d", e.PID)
	}
	return fmt.Sprintf("locked by %s; gave up after %s (%v)", holder, e.Waited.Round(time.Millisecond), store.ErrBusy)
}

func (e *LockedError) Unwrap() error { return store.ErrBusy }

// lockNamespace takes the namespace's exclusive lock for a commit, waiting
// at most s.lockTimeout (or until ctx is done). Only commits lock: loads
// read without it, since every file is replaced by an atomic rename. It
// returns an fs.ErrNotExist error when the namespace folder does not exist.
// Closing the returned file releases the lock.
func (s *Store) lockNamespace(ctx context.Context, ns string) (*os.File, error) {
	began := time.Now()
	wait := time.Millisecond
	for {
		f, err := openLock(s.dir, ns)
		if err != nil {
			return nil, err
		}
		for {
			locked, err := tryLock(f)
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("lock namespace %q: %w", ns, err)
			}
			if locked {
				break
			}
			waited := time.Since(began)
			if waited >= s.lockTimeout {
				err := &LockedError{PID: lockHolder(f), Waited: waited}
				f.Close()
				return nil, err
			}
			select {
			case <-ctx.Done():
				// A deadline that ends the wait is the same story as the
				// lock timeout (the TUI's I/O limit is the same --timeout):
				// name the holder, and do not let it read as an
				// unreachable backend.
				var err error = &LockedError{PID: lockHolder(f), Waited: time.Since(began)}
				if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
					err = fmt.Errorf("waiting for the lock of namespace %q: %w", ns, context.Cause(ctx))
				}
				f.Close()
				return nil, err
			case <-time.After(min(wait, s.lockTimeout-waited)):
			}
			wait = min(2*wait, 50*time.Millisecond)
		}
		// The previous holder may have unregistered the namespace and
		// removed its folder: a lock on what is gone excludes nobody, so
		// start over with whatever is at the path now.
		same, err := stillLocked(f, s.dir, ns)
		if same {
			markHolder(f)
			return f, nil
		}
		f.Close()
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
}
