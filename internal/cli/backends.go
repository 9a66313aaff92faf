package cli

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/session"
)

// probeTimeout bounds each reachability check of `confo backends`: the
// list is for a glance, and a dead server must not hold up the others.
const probeTimeout = 3 * time.Second

// probe is what `confo backends` found out about one backend.
type probe struct {
	spec    session.Spec
	address string
	err     error
	took    time.Duration
}

func (a *app) backendsCommand() *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "backends",
		Short: "List the backends (flags or config file) and whether each can be reached",
		Long: `List the backends (flags or config file) and whether each can be reached.

Every backend is opened read-only, all at once, with a short timeout; a
password_command runs here, since checking a server needs its password.
The backend the headless commands use by default is marked with *.`,
		Example:           "  confo backends\n  confo backends -o json",
		Args:              rangeArgs(0, 0),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(*cobra.Command, []string) error {
			set, err := a.backends(false)
			if err != nil {
				return err
			}
			current, err := set.pick(a.opts.backend)
			if err != nil {
				return err
			}
			a.warnInsecure(set.specs)
			probes := a.probeAll(set.specs)
			if output == "json" {
				return a.printJSON(probesValue(probes, current.Name))
			}
			tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "\tNAME\tKIND\tADDRESS\tSTATUS")
			for _, p := range probes {
				mark := ""
				if p.spec.Name == current.Name {
					mark = "*"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", mark, p.spec.Name, p.spec.Kind, p.address, p.status())
			}
			return tw.Flush()
		},
	}
	addOutputFlag(c, &output, "text", "json")
	return c
}

// probeAll opens every backend read-only, in parallel, and closes it.
func (a *app) probeAll(specs []session.Spec) []probe {
	probes := make([]probe, len(specs))
	var wg sync.WaitGroup
	for i, spec := range specs {
		spec = spec.Effective(a.opts.sessionOptions())
		spec.ReadOnly = true
		spec.Timeout = min(spec.Timeout, probeTimeout)
		probes[i] = probe{spec: spec, address: session.Address(spec)}
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(a.ctx, probeTimeout)
			defer cancel()
			start := time.Now()
			store, err := session.Connect(ctx, spec, session.Options{})
			probes[i].took = time.Since(start)
			if err != nil {
				probes[i].err = err
				return
			}
			probes[i].address = store.Address()
			store.Close()
		})
	}
	wg.Wait()
	return probes
}

func (p probe) status() string {
	if p.err != nil {
		// One row per backend, whatever the error says.
		return "✗ " + strings.ReplaceAll(p.err.Error(), "\n", "; ")
	}
	return fmt.Sprintf("✓ ok (%d ms)", p.took.Milliseconds())
}

func probesValue(probes []probe, current string) confo.Value {
	items := make([]confo.Value, len(probes))
	for i, p := range probes {
		errText := confo.NullValue()
		if p.err != nil {
			errText = confo.StringValue(p.err.Error())
		}
		items[i] = confo.ObjectValue(
			confo.Member{Key: "name", Value: confo.StringValue(p.spec.Name)},
			confo.Member{Key: "kind", Value: confo.StringValue(string(p.spec.Kind))},
			confo.Member{Key: "address", Value: confo.StringValue(p.address)},
			confo.Member{Key: "default", Value: confo.BoolValue(p.spec.Name == current)},
			confo.Member{Key: "reachable", Value: confo.BoolValue(p.err == nil)},
			confo.Member{Key: "error", Value: errText},
		)
	}
	return confo.ArrayValue(items...)
}
