// Package layers holds the test that keeps the module's layers pointing one
// way: main → cli → ui → model → confo → stores, and a library that knows
// nothing of terminals.
package layers

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/confo-dev/confo/"

// allowed lists, per package directory (relative to the module root), the
// module packages its non-test files may import. The command line and
// session above them may use every layer, so they are not listed.
var allowed = map[string][]string{
	"ui":                  {"model", "internal/termsafe"},
	"model":               {"confo", "confo/jsonvalue", "internal/termsafe", "internal/editorfile"},
	"internal/editorfile": {"internal/termsafe", "confo/jsonvalue"},
	"confo":               {"confo/store", "confo/jsonvalue", "confo/redisstore", "confo/dirstore"},
	"confo/jsonvalue":     {},
	"confo/store":         {},
	"confo/redisstore":    {"confo/store", "confo/jsonvalue"},
	"confo/dirstore":      {"confo/store"},
	"internal/termsafe":   {},
	"internal/configfile": {},
}

// foreign are outside packages a layer must not use: the library and the
// model know nothing of terminals.
var foreign = map[string][]string{
	"confo": {"charm.land/", "github.com/charmbracelet/"},
	"model": {"charm.land/", "github.com/charmbracelet/"},
}

func TestLayers(t *testing.T) {
	root := filepath.Join("..", "..")
	for dir, ok := range allowed {
		imports := importsOf(t, filepath.Join(root, dir))
		for _, imp := range imports {
			if rel, inModule := strings.CutPrefix(imp, module); inModule {
				if !slices.Contains(ok, rel) {
					t.Errorf("%s imports %s; it may use only %v of the module", dir, rel, ok)
				}
				continue
			}
			for _, layer := range []string{dir, strings.SplitN(dir, "/", 2)[0]} {
				for _, bad := range foreign[layer] {
					if strings.HasPrefix(imp, bad) {
						t.Errorf("%s imports %s: the %s layer knows nothing of terminals", dir, imp, layer)
					}
				}
			}
		}
	}
}

// importsOf lists the imports of a directory's non-test Go files.
func importsOf(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range f.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			out = append(out, path)
		}
	}
	if len(out) == 0 && len(entries) == 0 {
		t.Fatalf("%s: no Go files", dir)
	}
	return out
}
