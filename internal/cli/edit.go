package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/confo-dev/confo/confo"
	"github.com/confo-dev/confo/internal/editorfile"
)

func (a *app) editCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "edit NS CONFIG",
		Short: "Edit a config in $VISUAL or $EDITOR and persist it",
		Long: `Edit a config in $VISUAL or $EDITOR (else vi) and persist it.

The config opens as pretty-printed JSON. Save and quit to persist it, with
the usual conflict check (exit status 3 when another client changed it
meanwhile; your text is then kept in a file). Invalid JSON reopens the
editor with the error on top; quitting without a change, or emptying the
file, cancels.`,
		Example:           "  confo edit database mysqli\n  EDITOR=nano confo -b prod edit database mysqli",
		Args:              rangeArgs(2, 2),
		ValidArgsFunction: a.completePath(2),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.edit(args[0], args[1])
		},
	}
}

// editOnSave is what saving the file does, for confo edit.
const editOnSave = "save and quit to persist it, quit without saving to cancel"

func (a *app) edit(ns, name string) error {
	t, err := a.openNamespace(ns)
	if err != nil {
		return err
	}
	defer t.Close()
	old, err := t.ws.Get(ns, name)
	if err != nil {
		return err
	}
	raw, _ := storedBytes(t.ws, ns, name)
	f, err := os.CreateTemp("", "confo-edit-*.json")
	if err != nil {
		return err
	}
	path := f.Name()
	f.Close()
	keep := false
	defer func() {
		if !keep {
			os.Remove(path)
		}
	}()

	what := ns + "/" + name
	header, body := editorfile.Header(what, editOnSave, ""), prettyJSON(raw)
	var value confo.Value
	for {
		shown := header + body
		edited, err := a.runEditor(path, shown)
		if err != nil {
			return err
		}
		if edited == shown {
			if value, err = confo.Decode([]byte(body)); err == nil {
				a.notef("edit cancelled: no changes")
				return nil
			}
			keep = true
			return fmt.Errorf("edit cancelled: the text is still not valid JSON; it is kept in %s", path)
		}
		_, body = editorfile.Split(edited)
		if strings.TrimSpace(body) == "" {
			a.notef("edit cancelled: the file was emptied")
			return nil
		}
		if value, err = confo.Decode([]byte(body)); err == nil {
			break
		}
		header = editorfile.Header(what, editOnSave, editorfile.NotJSON(body, err))
	}
	if value.Equal(old) {
		a.notef("edit cancelled: no changes")
		return nil
	}
	if err := t.ws.Set(ns, name, value); err != nil {
		return err
	}
	if err := a.persist(t, confo.Scope{Namespace: ns, Config: name}, false); err != nil {
		keep = os.WriteFile(path, []byte(body), 0o600) == nil
		if keep {
			return fmt.Errorf("%w; your text is kept in %s", err, path)
		}
		return err
	}
	a.notef("persisted %s/%s", ns, name)
	return nil
}

// runEditor writes text to path, runs the user's editor on it on the
// terminal, and returns what the file holds afterwards.
func (a *app) runEditor(path, text string) (string, error) {
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return "", err
	}
	cmd := editorCommand(path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.env.Stdin, a.env.Stdout, a.env.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return "", fmt.Errorf("edit cancelled: the editor exited with %s; nothing was written", exit.ProcessState)
		}
		return "", fmt.Errorf("run the editor (set $VISUAL or $EDITOR): %w", err)
	}
	edited, err := os.ReadFile(path)
	return string(edited), err
}

// editorCommand runs $VISUAL, else $EDITOR, else the system's default
// editor on path. The variable may carry arguments ("code --wait"), so on
// Unix it goes through the shell as git runs it.
func editorCommand(path string) *exec.Cmd {
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if runtime.GOOS == "windows" {
		if editor == "" {
			editor = "notepad"
		}
		fields := strings.Fields(editor)
		return exec.Command(fields[0], append(fields[1:], path)...)
	}
	if editor == "" {
		editor = "vi"
	}
	return exec.Command("/bin/sh", "-c", editor+` "$1"`, "confo-edit", path)
}

// prettyJSON indents stored JSON for editing; the bytes of strings and
// numbers are kept as stored.
func prettyJSON(raw []byte) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		// Python's JSON (NaN, Infinity) that encoding/json refuses.
		return string(raw) + "\n"
	}
	b.WriteByte('\n')
	return b.String()
}
