package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/confo-dev/confo/confo"
)

// errDiffers is diff's answer "the import would change something": exit
// status 1 and no message, as with diff(1) and kubectl diff.
var errDiffers = errors.New("differences found")

// diffFailed is any failure of diff, reported with exit status 2 so that
// a script never takes it for "different".
type diffFailed struct{ err error }

func (e diffFailed) Error() string { return e.err.Error() }
func (e diffFailed) Unwrap() error { return e.err }

func (a *app) diffCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "diff FILE|-",
		Short: "Show what 'confo import FILE' would change, as a unified diff",
		Long: `Show what 'confo import FILE' would change, as a unified diff of
pretty-printed JSON, one file per config (a/NS/CONFIG is what is stored,
b/NS/CONFIG what import would write). Nothing is written.

Exit status, as with kubectl diff: 0 nothing would change, 1 something
would, 2 an error (of usage or otherwise).`,
		Example: "  confo diff all.json\n  confo diff all.json && echo up to date",
		Args:    rangeArgs(1, 1),
		RunE: func(_ *cobra.Command, args []string) error {
			if err := a.diff(args[0]); err != nil && !errors.Is(err, errDiffers) {
				return diffFailed{err}
			} else if err != nil {
				return err
			}
			return nil
		},
	}
}

func (a *app) diff(file string) error {
	t, err := a.open(false)
	if err != nil {
		return err
	}
	defer t.Close()
	doc, err := a.readImport(file)
	if err != nil {
		return err
	}
	staged, err := stageImport(a, t, doc)
	if err != nil {
		return err
	}
	differs := false
	for _, s := range staged {
		changes, err := t.ws.Changes(confo.Scope{Namespace: s.namespace})
		if err != nil {
			return err
		}
		for _, change := range changes {
			if change.Register && len(change.Configs) == 0 {
				differs = true
				fmt.Fprintf(a.out, "Only in %s: namespace %s (empty)\n", file, change.Namespace)
			}
			for _, c := range change.Configs {
				differs = true
				if err := a.writeConfigDiff(change.Namespace, c); err != nil {
					return err
				}
			}
		}
	}
	if differs {
		return errDiffers
	}
	return nil
}

// writeConfigDiff shows one config's change as pretty-printed JSON; when
// only the formatting of the stored bytes would change, it shows the bytes.
func (a *app) writeConfigDiff(ns string, c confo.ConfigChange) error {
	from, to := "a/"+ns+"/"+c.Name, "b/"+ns+"/"+c.Name
	var old, next string
	if c.Expect.State == confo.RawPresent {
		old = prettyJSON(c.Expect.Bytes)
	} else {
		from = "/dev/null"
	}
	if c.Write != nil {
		next = prettyJSON(c.Write)
	} else {
		to = "/dev/null"
	}
	if old == next {
		old, next = string(c.Expect.Bytes)+"\n", string(c.Write)+"\n"
	}
	return writeUnified(a.out, from, to, diffLines(splitLines(old), splitLines(next)))
}
