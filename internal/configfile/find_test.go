package configfile

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
)

func TestFindPrecedence(t *testing.T) {
	all := map[string]string{
		"CONFO_CONFIG":    "/env/confo.toml",
		"XDG_CONFIG_HOME": "/xdg",
		"HOME":            "/home/u",
	}
	without := func(keys ...string) map[string]string {
		m := map[string]string{}
		for k, v := range all {
			m[k] = v
		}
		for _, k := range keys {
			delete(m, k)
		}
		return m
	}
	tests := []struct {
		name     string
		flag     string
		env      map[string]string
		want     string
		explicit bool
	}{
		{"flag wins", "/flag.toml", all, "/flag.toml", true},
		{"CONFO_CONFIG next", "", all, "/env/confo.toml", true},
		{"XDG_CONFIG_HOME next", "", without("CONFO_CONFIG"), filepath.Join("/xdg", "confo", "config.toml"), false},
		{"HOME last", "", without("CONFO_CONFIG", "XDG_CONFIG_HOME"), filepath.Join("/home/u", ".config", "confo", "config.toml"), false},
		{"relative XDG_CONFIG_HOME ignored", "", map[string]string{"XDG_CONFIG_HOME": "rel", "HOME": "/home/u"},
			filepath.Join("/home/u", ".config", "confo", "config.toml"), false},
		{"USERPROFILE when no HOME", "", map[string]string{"USERPROFILE": "/users/u"},
			filepath.Join("/users/u", ".config", "confo", "config.toml"), false},
		{"flag ~/ expanded", "~/c.toml", all, filepath.Join("/home/u", "c.toml"), true},
		{"CONFO_CONFIG ~/ expanded", "", map[string]string{"CONFO_CONFIG": "~/e.toml", "HOME": "/home/u"}, filepath.Join("/home/u", "e.toml"), true},
		{"nowhere to look", "", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, explicit, err := Find(tt.flag, env(tt.env))
			if err != nil || got != tt.want || explicit != tt.explicit {
				t.Errorf("Find = %q, %v, %v; want %q, %v", got, explicit, err, tt.want, tt.explicit)
			}
		})
	}
}

func TestFindTildeUser(t *testing.T) {
	_, _, err := Find("~bob/c.toml", env(map[string]string{"HOME": "/home/u"}))
	if err == nil || err.Error() != "config ~bob/c.toml: only a leading ~/ is expanded, not ~user" {
		t.Errorf("Find(~bob) error = %v", err)
	}
}

func TestOpenMissingFile(t *testing.T) {
	home := t.TempDir()
	missing := filepath.Join(home, "missing.toml")
	tests := []struct {
		name    string
		flag    string
		env     map[string]string
		wantErr bool
	}{
		{"default location", "", map[string]string{"HOME": home}, false},
		{"XDG location", "", map[string]string{"XDG_CONFIG_HOME": filepath.Join(home, "xdg"), "HOME": home}, false},
		{"no location at all", "", nil, false},
		{"named by flag", missing, map[string]string{"HOME": home}, true},
		{"named by CONFO_CONFIG", "", map[string]string{"CONFO_CONFIG": missing, "HOME": home}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Open(tt.flag, env(tt.env))
			if tt.wantErr {
				if !errors.Is(err, fs.ErrNotExist) || err.Error() != "config "+missing+": no such file or directory" {
					t.Errorf("Open = %v, want %q not found", err, missing)
				}
				return
			}
			if err != nil || f == nil || f.Path != "" || len(f.Backends) != 0 {
				t.Errorf("Open = %+v, %v; want an empty File", f, err)
			}
		})
	}
}

func TestOpenReadsEachLocation(t *testing.T) {
	home := t.TempDir()
	body := func(name string) string { return "[backends." + name + "]\ndir = \"/srv\"\n" }
	flag := writeFile(t, home, "flag.toml", body("flag"), 0o600)
	envFile := writeFile(t, home, "env.toml", body("env"), 0o600)
	writeFile(t, home, "xdg/confo/config.toml", body("xdg"), 0o600)
	writeFile(t, home, ".config/confo/config.toml", body("home"), 0o600)
	xdg := filepath.Join(home, "xdg")
	tests := []struct {
		flag string
		env  map[string]string
		want string
	}{
		{flag, map[string]string{"CONFO_CONFIG": envFile, "XDG_CONFIG_HOME": xdg, "HOME": home}, "flag"},
		{"", map[string]string{"CONFO_CONFIG": envFile, "XDG_CONFIG_HOME": xdg, "HOME": home}, "env"},
		{"", map[string]string{"XDG_CONFIG_HOME": xdg, "HOME": home}, "xdg"},
		{"", map[string]string{"HOME": home}, "home"},
	}
	for _, tt := range tests {
		f, err := Open(tt.flag, env(tt.env))
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Backends) != 1 || f.Backends[0].Name != tt.want {
			t.Errorf("Open(%q, %v) read %+v, want backend %q", tt.flag, tt.env, f.Backends, tt.want)
		}
	}
}

// A broken file at the default location is an error, not "no config".
func TestOpenBrokenDefault(t *testing.T) {
	home := t.TempDir()
	writeFile(t, home, ".config/confo/config.toml", "[backends.a\n", 0o600)
	if _, err := Open("", env(map[string]string{"HOME": home})); err == nil {
		t.Error("Open accepted a malformed default file")
	}
}
