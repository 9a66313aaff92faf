package configfile_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/confo-dev/confo/internal/configfile"
)

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "confo-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config.toml")
	_ = os.WriteFile(path, []byte(`
default = "prod"

[backends.prod]
redis = "rediss://ops:hunter2@prod.internal:6380/2"
password_env = "PROD_REDIS_PASSWORD"
readonly = true

[backends.local]
dir = "/srv/configs"
`), 0o600)

	// The --config flag's value comes first; getenv is os.Getenv outside tests.
	f, err := configfile.Open(path, func(string) string { return "" })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("default:", f.Default)
	for _, b := range f.Backends {
		fmt.Println(b)
	}
	// Output:
	// default: prod
	// prod: redis rediss://ops@prod.internal:6380/2, readonly, password from $PROD_REDIS_PASSWORD
	// local: dir /srv/configs
}
