package cli

import (
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// negativeNumber is a JSON number with a minus sign: no flag looks like
// that, so `confo set database mysqli port -1` means the value -1.
var negativeNumber = regexp.MustCompile(`^-(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// positionalNegatives returns args with every negative number that stands
// where a flag could be moved after a "--", keeping the order of the
// positional arguments, so that the flag parser takes it as a value. Any
// other word that begins with '-' stays a flag (a typo in one must not
// become a namespace name); such values go after "--" as everywhere.
func positionalNegatives(root *cobra.Command, args []string) []string {
	dash := len(args)
	for i, a := range args {
		if a == "--" {
			dash = i
			break
		}
	}
	if !containsNegative(args[:dash]) || (len(args) > 0 && strings.HasPrefix(args[0], "__complete")) {
		return args
	}
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root {
		// The root takes no positional arguments; leave the error to it.
		return args
	}
	// Find drops the command names wherever they stand; put them first.
	path := strings.Fields(cmd.CommandPath())[1:]
	flags := cmd.Flags()
	cmd.InheritedFlags() // merges the persistent flags into cmd.Flags()
	var outFlags, positional []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--":
			positional = append(positional, rest[i+1:]...)
			i = len(rest)
		case a == "-" || !strings.HasPrefix(a, "-") || negativeNumber.MatchString(a):
			positional = append(positional, a)
		case strings.HasPrefix(a, "--"):
			outFlags = append(outFlags, a)
			name, _, hasValue := strings.Cut(a[2:], "=")
			if f := flags.Lookup(name); f != nil && !hasValue && takesValue(f) && i+1 < len(rest) {
				outFlags = append(outFlags, rest[i+1])
				i++
			}
		default:
			outFlags = append(outFlags, a)
			if shortTakesNext(flags, a[1:]) && i+1 < len(rest) {
				outFlags = append(outFlags, rest[i+1])
				i++
			}
		}
	}
	out := path
	out = append(out, outFlags...)
	out = append(out, "--")
	return append(out, positional...)
}

func containsNegative(args []string) bool {
	for _, a := range args {
		if negativeNumber.MatchString(a) {
			return true
		}
	}
	return false
}

// takesValue reports whether a flag needs a value (not a boolean).
func takesValue(f *pflag.Flag) bool { return f.NoOptDefVal == "" }

// shortTakesNext reports whether a group of short flags ("o", "bv")
// ends with one that takes its value from the next word.
func shortTakesNext(flags *pflag.FlagSet, group string) bool {
	for j := 0; j < len(group); j++ {
		f := flags.ShorthandLookup(group[j : j+1])
		if f == nil {
			return false
		}
		if takesValue(f) {
			// The rest of the group is the value ("-ojson"), if any.
			return j == len(group)-1
		}
	}
	return false
}
