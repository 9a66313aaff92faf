package dirstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// lockNamespace takes an advisory lock on the namespace's lock file: exclusive for a
// commit (creating the file), shared for a load (never creating anything,
// so a read-only user leaves no trace). It returns an fs.ErrNotExist error
// when the folder, or for a shared lock the lock file, does not exist.
func lockNamespace(ctx context.Context, dir string, exclusive bool) (*os.File, error) {
	path := filepath.Join(dir, lockName)
	flag := os.O_RDONLY
	if exclusive {
		flag = os.O_RDWR | os.O_CREATE
	}
	for {
		f, err := os.OpenFile(path, flag, 0o644)
		if err != nil {
			return nil, err
		}
		if err := waitLock(ctx, f, exclusive); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		// The previous holder may have unregistered the namespace and removed
		// this file: a lock on an unlinked file excludes nobody, so start
		// over with whatever is at the path now.
		held, herr := f.Stat()
		now, nerr := os.Stat(path)
		if herr == nil && nerr == nil && os.SameFile(held, now) {
			return f, nil
		}
		f.Close()
		if herr != nil {
			return nil, herr
		}
	}
}

// waitLock polls rather than blocks, so that a process hung while holding
// the lock cannot hang the caller past its context.
func waitLock(ctx context.Context, f *os.File, exclusive bool) error {
	wait := time.Millisecond
	for {
		locked, err := tryLock(f, exclusive)
		if err != nil {
			return err
		}
		if locked {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("held by another process: %w", context.Cause(ctx))
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}
