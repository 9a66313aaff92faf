package cli

import (
	"fmt"
	"regexp"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// pseudoVersion matches the versions the go command makes up for a commit
// without a tag (v0.0.0-20251128221900-08dd1e9abcde): they say less than
// the commit itself.
var pseudoVersion = regexp.MustCompile(`-(0\.)?[0-9]{14}-[0-9a-f]{12}(\+dirty)?$`)

// versionText is what --version and `confo version` print: the module
// version when installed with `go install …@version`, else the commit the
// binary was built from.
func versionText() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "confo (no build information)"
	}
	return formatVersion(info)
}

func formatVersion(info *debug.BuildInfo) string {
	v := info.Main.Version
	if v != "" && v != "(devel)" && !pseudoVersion.MatchString(v) {
		return fmt.Sprintf("confo %s (%s)", v, info.GoVersion)
	}
	var revision, when, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", with uncommitted changes"
			}
		}
	}
	if revision == "" {
		return fmt.Sprintf("confo (devel, built without version control information, %s)", info.GoVersion)
	}
	if len(revision) > 12 {
		revision = revision[:12]
	}
	return fmt.Sprintf("confo commit %s (%s%s, %s)", revision, when, modified, info.GoVersion)
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:               "version",
		Short:             "Print the version (the release, or the commit it was built from)",
		Args:              rangeArgs(0, 0),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(c.OutOrStdout(), versionText())
			return err
		},
	}
}
