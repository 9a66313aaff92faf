package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

const rootLong = `confo browses and edits Confo configurations kept in Redis or in a
directory: a terminal UI by default, and headless commands for scripts.

Backends come from --redis and --dir, or from the config file
($CONFO_CONFIG, else $XDG_CONFIG_HOME/confo/config.toml); flags win over the
file. Without either, the terminal UI opens the embedded demo; the headless
commands stop and ask, unless given --demo.

Exit status: 0 ok, 1 error, 2 usage, 3 conflict (another client changed the
data since it was read; nothing of that namespace was written).

The Redis password may come from the config file (password_env,
password_command), or from CONFO_REDIS_PASSWORD or REDISCLI_AUTH, instead of
the URL.`

// rootCommand builds the command tree of one run.
func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "confo [flags]",
		Short: "Browse and edit Confo configurations in Redis or a directory",
		Long:  rootLong,
		Example: `  confo                                    # the terminal UI (the demo, or the config file's backends)
  confo --redis redis://localhost:6379/0   # the terminal UI on one server
  confo -b prod get database mysqli host -o raw`,
		Args: a.rootArgs,
		RunE: func(*cobra.Command, []string) error { return a.runTUIFromFlags() },
		PersistentPreRunE: func(*cobra.Command, []string) error {
			if err := a.opts.check(); err != nil {
				return err
			}
			return a.profile.start()
		},
		Version:           versionText(),
		SilenceErrors:     true,
		SilenceUsage:      true,
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	// Two edits apart ("namespcaes") still gets a suggestion.
	root.SuggestionsMinimumDistance = 3
	root.SetIn(a.env.Stdin)
	root.SetOut(a.env.Stdout)
	root.SetErr(a.env.Stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usagef("%v%s (see '%s --help')", err, dashHint(err), c.CommandPath())
	})
	a.opts.register(root.PersistentFlags())
	a.profile.register(root.PersistentFlags())
	root.Flags().BoolVar(&a.noWatch, "no-watch", false, "terminal UI: do not follow other clients' changes live; they show up when you reload")
	root.RegisterFlagCompletionFunc("backend", a.completeBackendNames)
	root.AddCommand(
		a.namespacesCommand(),
		a.getCommand(),
		a.setCommand(),
		a.editCommand(),
		a.exportCommand(),
		a.importCommand(),
		a.diffCommand(),
		a.watchCommand(),
		a.backendsCommand(),
		a.versionCommand(),
	)
	// Shell completion and help are cobra's own commands; they need no
	// backend, so the flag checks do not stop them.
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" || c.Name() == "help" {
			c.PersistentPreRunE = func(*cobra.Command, []string) error { return nil }
		}
	}
	return root
}

// rootArgs refuses anything but flags for the terminal UI: an argument
// there is a mistyped command.
func (a *app) rootArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := ""
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		hint = fmt.Sprintf("; did you mean %s?", strings.Join(s, " or "))
	}
	return usagef("unknown command %q%s (see 'confo --help')", args[0], hint)
}

// exactArgs and rangeArgs check a command's positional arguments and show
// its usage line when they are wrong.
func rangeArgs(min, max int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) < min || (max >= 0 && len(args) > max) {
			return usagef("usage: %s (see '%s --help')", c.UseLine(), c.CommandPath())
		}
		return nil
	}
}

// dashHint helps with a value that begins with '-' and was taken for a
// flag.
func dashHint(err error) string {
	if strings.Contains(err.Error(), "shorthand flag") {
		return "; a value that begins with '-' goes after --, as in: confo set -- NS CONFIG FIELD -x"
	}
	return ""
}
