package redisserver

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// waitFor polls check until it returns nil or a permanent error. On
// timeout the error names what was awaited and why check last said no,
// which is what a failing test needs to see.
func waitFor(ctx context.Context, what string, check func(context.Context) error) error {
	delay := 10 * time.Millisecond
	for {
		err := check(ctx)
		if err == nil {
			return nil
		}
		if p, ok := err.(permanent); ok {
			return fmt.Errorf("redisserver: %w", p.error)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("redisserver: waiting for %s: %w (last: %v)", what, ctx.Err(), err)
		case <-time.After(delay):
		}
		delay = min(delay*2, 100*time.Millisecond)
	}
}

// permanent is a check's answer that polling again cannot change.
type permanent struct{ error }

// withDefaultTimeout gives ctx a deadline when it has none, so a topology
// that never settles fails instead of hanging.
func withDefaultTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}

// startAll runs n starts at once; if any fails it stops the rest and
// returns the first error.
func startAll(n int, start func(i int) (*Server, error)) ([]*Server, error) {
	servers := make([]*Server, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { servers[i], errs[i] = start(i) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			stopAll(servers)
			return nil, err
		}
	}
	return servers, nil
}

// stopAll stops every server that is not nil and joins the errors.
func stopAll(servers []*Server) error {
	var errs []error
	for _, s := range servers {
		if s != nil {
			errs = append(errs, s.Stop())
		}
	}
	return errors.Join(errs...)
}
