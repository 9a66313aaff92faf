package configfile

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const fullFile = `# every key the schema knows
default = "prod"

[backends.staging]
redis = "redis://staging.internal:6379/0"

[backends.prod]
redis = "rediss://ops@prod.internal:6380/2"
password_env = "PROD_REDIS_PASSWORD"
readonly = true
prefix = "app:"
discover = true
timeout = "1m30s"
tls_ca = "~/certs/ca.pem"
tls_cert = "certs/client.pem"
tls_key = "/etc/confo/client.key"
tls_server_name = "prod.internal"
tls_insecure = false

[backends.local]
dir = "~/configs"

[backends]
inline = { dir = "data", readonly = true }

[keys]
quit = ["q", "ctrl+c"]
help = "?"
unbound = []

[theme]
name = "dark"

[theme.colors]
accent = "#ff8800"
muted = "240"
`

func TestLoadFullFile(t *testing.T) {
	f, path, err := loadString(t, fullFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	if f.Path != path || f.Default != "prod" {
		t.Errorf("Path, Default = %q, %q", f.Path, f.Default)
	}
	var names []string
	for _, b := range f.Backends {
		names = append(names, b.Name)
	}
	if want := []string{"staging", "prod", "local", "inline"}; !reflect.DeepEqual(names, want) {
		t.Errorf("backends in order %v, want file order %v", names, want)
	}

	prod := f.Backend("prod")
	got := Backend{Name: prod.Name, Redis: prod.Redis, Dir: prod.Dir, Prefix: prod.Prefix, Discover: prod.Discover,
		ReadOnly: prod.ReadOnly, Timeout: prod.Timeout, TLS: prod.TLS}
	want := Backend{
		Name: "prod", Redis: "rediss://ops@prod.internal:6380/2", Prefix: "app:", Discover: true, ReadOnly: true,
		Timeout: 90 * time.Second,
		TLS: TLS{
			CA:         filepath.Join("/home/u", "certs", "ca.pem"),
			Cert:       filepath.Join(dir, "certs", "client.pem"),
			Key:        filepath.Clean("/etc/confo/client.key"),
			ServerName: "prod.internal",
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("prod =\n%+v\nwant\n%+v", got, want)
	}
	if !prod.HasPassword() || f.Backend("staging").HasPassword() {
		t.Error("HasPassword: want prod only")
	}
	if b := f.Backend("local"); b.Dir != filepath.Join("/home/u", "configs") || b.Redis != "" {
		t.Errorf("local: Dir %q Redis %q", b.Dir, b.Redis)
	}
	if b := f.Backend("inline"); b.Dir != filepath.Join(dir, "data") || !b.ReadOnly {
		t.Errorf("inline: Dir %q ReadOnly %v", b.Dir, b.ReadOnly)
	}
	if f.Backend("nope") != nil {
		t.Error("Backend(nope) is not nil")
	}

	wantKeys := map[string][]string{"quit": {"q", "ctrl+c"}, "help": {"?"}, "unbound": {}}
	if !reflect.DeepEqual(f.Keys, wantKeys) {
		t.Errorf("Keys = %v, want %v", f.Keys, wantKeys)
	}
	wantTheme := Theme{Name: "dark", Colors: map[string]string{"accent": "#ff8800", "muted": "240"}}
	if !reflect.DeepEqual(f.Theme, wantTheme) {
		t.Errorf("Theme = %+v, want %+v", f.Theme, wantTheme)
	}
}

func TestLoadEmptyFile(t *testing.T) {
	f, _, err := loadString(t, "# nothing yet\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Backends) != 0 || f.Default != "" || f.Keys != nil {
		t.Errorf("empty file gave %+v", f)
	}
}

// TestLoadErrors checks each class of mistake is reported once, at its line.
func TestLoadErrors(t *testing.T) {
	const ok = "[backends.a]\nredis = \"redis://a\"\n"
	tests := []struct {
		name string
		body string
		line int
		col  int // 0: not checked
		want string
	}{
		{"unknown top-level key", "default = \"a\"\nbackend = \"a\"\n" + ok, 2, 1,
			`: unknown key "backend" (known: default, backends, keys, theme)`},
		{"unknown backend key", ok + "readonly = true\npasword = \"x\"\n", 4, 1,
			`: backends.a: unknown key "pasword" (known: redis, dir, prefix,`},
		{"unknown key in inline table", "[backends]\na = { redis = \"r\", pasword = \"x\" }\n", 2, 20,
			`backends.a: unknown key "pasword"`},
		{"unknown dotted key", "[backends]\na.redis = \"r\"\na.tls.ca = \"x\"\n", 3, 3,
			`backends.a: unknown key "tls"`},
		{"unknown theme key", ok + "[theme]\nname = \"dark\"\ncolours = {}\n", 5, 1,
			`theme: unknown key "colours" (known: name, colors)`},
		{"wrong type bool", ok + "readonly = \"yes\"\n", 3, 1,
			`backends.a.readonly: want true or false, got a string`},
		{"wrong type string", "[backends.a]\nredis = 6379\n", 2, 1,
			`backends.a.redis: want a string, got an integer`},
		{"wrong type default", "default = [\"a\"]\n" + ok, 1, 1,
			`default: want a string, got an array`},
		{"backend not a table", "[backends]\na = \"redis://a\"\n", 2, 1,
			`backends.a: want a table, got a string`},
		{"backends not a table", "backends = 1\n", 1, 1,
			`backends: want a table, got an integer`},
		{"keys wrong type", ok + "[keys]\nquit = 1\n", 4, 1,
			`keys.quit: want a key or an array of keys, got an integer`},
		{"keys wrong element", ok + "[keys]\n\nquit = [\"q\", true]\n", 5, 1,
			`keys.quit: want a key or an array of keys, but element 2 is a boolean`},
		{"theme color wrong type", ok + "[theme.colors]\naccent = 5\n", 4, 1,
			`theme.colors.accent: want a string, got an integer`},
		{"both redis and dir", ok + "dir = \"/srv\"\n", 3, 1,
			`backends.a: both redis and dir are set; a backend is one or the other`},
		{"neither redis nor dir", "\n[backends.a]\nreadonly = true\n", 2, 11,
			`backends.a: needs redis = "URL" or dir = "PATH"`},
		{"empty redis", "[backends.a]\nredis = \"\"\n", 2, 1,
			`backends.a.redis: is empty`},
		{"redis-only key on dir", "[backends.a]\ndir = \"/srv\"\nprefix = \"p\"\n", 3, 1,
			`backends.a: prefix applies to redis backends only, and this one is a dir`},
		{"bad duration", ok + "timeout = \"5 s\"\n", 3, 1,
			`backends.a.timeout: "5 s" is not a duration; write it like "5s"`},
		{"duration without unit", ok + "timeout = \"5\"\n", 3, 1,
			`backends.a.timeout: "5" is not a duration`},
		{"duration as number", ok + "timeout = 5\n", 3, 1,
			`backends.a.timeout: want a duration such as "5s", got an integer`},
		{"negative timeout", ok + "timeout = \"-5s\"\n", 3, 1,
			`backends.a.timeout: -5s is not more than 0`},
		{"zero timeout", ok + "timeout = \"0s\"\n", 3, 1,
			`backends.a.timeout: 0s is not more than 0`},
		{"tls_cert without tls_key", ok + "tls_ca = \"ca.pem\"\ntls_cert = \"c.pem\"\n", 4, 1,
			`backends.a: tls_cert needs tls_key as well`},
		{"tls_key without tls_cert", ok + "tls_key = \"k.pem\"\n", 3, 1,
			`backends.a: tls_key needs tls_cert as well`},
		{"two password sources", ok + "password_env = \"P\"\npassword_command = \"pass show p\"\n", 4, 1,
			`backends.a: password_env and password_command are both set; keep one password source`},
		{"three password sources", ok + "password_command = \"c\"\npassword = \"x\"\npassword_env = \"P\"\n", 4, 1,
			`password_command, password and password_env are all set`},
		{"empty password_env", ok + "password_env = \"\"\n", 3, 1,
			`backends.a.password_env: is empty`},
		{"password_env not a name", ok + "password_env = \"A=B\"\n", 3, 1,
			`backends.a.password_env: is not an environment variable name`},
		{"unknown table", ok + "[backends.b]\ndir = \"/srv\"\n\n[x]\n", 6, 2,
			`: unknown key "x" (known: default, backends, keys, theme)`},
		{"default missing backend", "\n\ndefault = \"prd\"\n" + ok, 3, 1,
			`default: no backend named "prd" (defined: a)`},
		{"default with no backends", "default = \"prd\"\n", 1, 1,
			`default: no backend named "prd": the file defines none`},
		{"default empty", "default = \"\"\n" + ok, 1, 1,
			`default: is empty`},
		{"backend name with =", "[backends.\"a=b\"]\nredis = \"r\"\n", 1, 11,
			`backends."a=b": backend name has =; names are written NAME=URL on the command line`},
		{"backend name with space", "[backends.\"a b\"]\nredis = \"r\"\n", 1, 11,
			`backends."a b": backend name has a space or control character`},
		{"backend name with tab escape", "[backends]\n\"a\\tb\" = { redis = \"r\" }\n", 2, 1,
			`backend name has a space or control character`},
		{"backend name empty", "[backends.\"\"]\nredis = \"r\"\n", 1, 11,
			`backends."": backend name is empty`},
		{"backend name with colon", "[backends.\"eu:prod\"]\nredis = \"r\"\n", 1, 11,
			`backend name has :`},
		{"tilde user", "[backends.a]\ndir = \"~bob/x\"\n", 2, 1,
			`backends.a.dir: only a leading ~/ is expanded, not ~user`},
		{"malformed TOML", ok + "readonly = \n", 3, 12,
			`: invalid TOML: unexpected character at start of value`},
		{"unclosed table header", "[backends.a\nredis = \"r\"\n", 1, 12,
			`: invalid TOML: expected ']' to close table name`},
		{"control character in key", "[backends.a]\nred\x01is = \"r\"\n", 2, 0,
			`: invalid TOML: `},
		{"duplicate key", ok + "redis = \"redis://b\"\n", 3, 1,
			`: invalid TOML: key redis is already defined`},
		{"duplicate table", ok + "[backends.a]\n", 3, 0,
			`: invalid TOML: table a already exists`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, path, err := loadString(t, tt.body)
			if err == nil {
				t.Fatalf("no error for\n%s", tt.body)
			}
			list := problemsOf(t, err)
			if len(list) != 1 {
				t.Fatalf("want one problem, got %d:\n%v", len(list), err)
			}
			e := list[0]
			if e.File != path || e.Line != tt.line || (tt.col != 0 && e.Col != tt.col) {
				t.Errorf("placed at %s:%d:%d, want %s:%d:%d (%v)", e.File, e.Line, e.Col, path, tt.line, tt.col, e)
			}
			prefix := fmt.Sprintf("config %s:%d:", path, tt.line)
			if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("error\n%s\nwant one line starting %q containing %q", msg, prefix, tt.want)
			}
		})
	}
}

// TestLoadReportsEveryProblem: one run shows every typo, in file order.
func TestLoadReportsEveryProblem(t *testing.T) {
	body := `defualt = "a"

[backends.a]
redis = "redis://a"
readonly = "no"

[backends.b]
dir = "/srv"
pasword = "x"
`
	_, path, err := loadString(t, body)
	list := problemsOf(t, err)
	var lines []int
	for _, e := range list {
		lines = append(lines, e.Line)
	}
	if !reflect.DeepEqual(lines, []int{1, 5, 9}) {
		t.Fatalf("problems at lines %v, want [1 5 9]:\n%v", lines, err)
	}
	want := fmt.Sprintf(`config %[1]s:1:1: unknown key "defualt" (known: default, backends, keys, theme)
config %[1]s:5:1: backends.a.readonly: want true or false, got a string
config %[1]s:9:1: backends.b: unknown key "pasword" (known: redis, dir, prefix, discover, readonly, timeout, tls_ca, tls_cert, tls_key, tls_server_name, tls_insecure, password, password_env, password_command)`, path)
	if err.Error() != want {
		t.Errorf("error text\n%s\nwant\n%s", err, want)
	}
}

func TestLoadByteOrderMarkAndCRLF(t *testing.T) {
	f, _, err := loadString(t, "\uFEFFdefault = \"a\"\r\n[backends.a]\r\nredis = \"r\"\r\n")
	if err != nil || f.Default != "a" || f.Backend("a").Redis != "r" {
		t.Fatalf("Load = %+v, %v", f, err)
	}
	_, path, err := loadString(t, "\uFEFFdefault = \"a\"\r\n[backends.a]\r\nredis = \"r\"\r\npasword = 1\r\n")
	if want := "config " + path + ":4:1: backends.a: unknown key \"pasword\""; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want one starting %q", err, want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.toml")
	_, err := Load(path)
	if err == nil || err.Error() != "config "+path+": no such file or directory" {
		t.Errorf("Load(missing) = %v", err)
	}
}

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	if err == nil || !strings.HasPrefix(err.Error(), "config "+dir+": ") || strings.Count(err.Error(), dir) != 1 {
		t.Errorf("Load(dir) = %v", err)
	}
}

func TestLoadTooLarge(t *testing.T) {
	path := writeFile(t, t.TempDir(), "big.toml", strings.Repeat("# padding\n", maxFileSize/10+1), 0o600)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("Load(big) = %v", err)
	}
}

func TestExpandHome(t *testing.T) {
	home := env(map[string]string{"HOME": "/home/u"})
	tests := []struct {
		in, want, err string
		getenv        func(string) string
	}{
		{in: "~", want: "/home/u", getenv: home},
		{in: "~/configs", want: filepath.Join("/home/u", "configs"), getenv: home},
		{in: "/abs/~/x", want: "/abs/~/x", getenv: home},
		{in: "rel/~", want: "rel/~", getenv: home},
		{in: "~/x", want: filepath.Join(`C:\Users\u`, "x"), getenv: env(map[string]string{"USERPROFILE": `C:\Users\u`})},
		{in: "~bob/x", err: "only a leading ~/ is expanded, not ~user", getenv: home},
		{in: "~/x", err: "~ needs HOME to be set", getenv: env(nil)},
	}
	for _, tt := range tests {
		got, err := expandHome(tt.in, tt.getenv)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("expandHome(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("expandHome(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestBackendErrorf(t *testing.T) {
	f, path, err := loadString(t, "[backends.prod]\nredis = \"redis://x:99999\"\n")
	if err != nil {
		t.Fatal(err)
	}
	b := f.Backend("prod")
	if got, want := b.Errorf("redis", "port out of range").Error(), "config "+path+":2:1: backends.prod.redis: port out of range"; got != want {
		t.Errorf("Errorf(redis) = %q, want %q", got, want)
	}
	if got, want := b.Errorf("tls_ca", "no CA").Error(), "config "+path+":1:11: backends.prod: no CA"; got != want {
		t.Errorf("Errorf(absent key) = %q, want %q", got, want)
	}
}

// TestFileErrorfPlacesUISettings: the UI's findings in [keys] and [theme]
// are placed at the entry, whichever way the file writes the table, or at
// the nearest table the file writes.
func TestFileErrorfPlacesUISettings(t *testing.T) {
	f, path, err := loadString(t, "[keys]\nhelp = \"F1\"\n  edit = [\"i\", \"e\"]\n\n[theme]\nname = \"solarized\"\ncolors = { accent = \"x\" }\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path []string
		want string
	}{
		{[]string{"keys", "help"}, ":2:1: keys.help: m"},
		{[]string{"keys", "edit"}, ":3:3: keys.edit: m"},
		{[]string{"theme", "name"}, ":6:1: theme.name: m"},
		{[]string{"theme", "colors", "accent"}, ":7:12: theme.colors.accent: m"},
		{[]string{"theme", "colors", "dim"}, ":7:1: theme.colors.dim: m"},
		{[]string{"keys", "quit"}, ":1:2: keys.quit: m"},
	} {
		if got := f.Errorf(tc.path, "m").Error(); got != "config "+path+tc.want {
			t.Errorf("Errorf(%v) = %q, want %q", tc.path, got, "config "+path+tc.want)
		}
	}
	g, path, err := loadString(t, "keys.quit = \"x\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := g.Errorf([]string{"keys", "quit"}, "m").Error(), "config "+path+":1:6: keys.quit: m"; got != want {
		t.Errorf("dotted key: %q, want %q", got, want)
	}
}

func TestBackendString(t *testing.T) {
	f, _, err := loadString(t, `[backends.prod]
redis = "rediss://ops:hunter2@prod:6380/2?prefix=p"
password_command = "pass show prod"
readonly = true
[backends.local]
dir = "/srv/configs"
[backends.odd]
redis = "redis://a b:%zz@x"
`)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"prod":  "prod: redis rediss://ops@prod:6380/2?…, readonly, password from a command",
		"local": "local: dir " + filepath.Clean("/srv/configs"),
		"odd":   "odd: redis (URL not shown: it does not parse)",
	} {
		if got := f.Backend(name).String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}
