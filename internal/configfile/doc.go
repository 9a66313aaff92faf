// Package configfile finds, reads and validates confo's own config file,
// which names the backends the CLI and the terminal UI open and carries
// the UI's [keys] and [theme] tables:
//
//	default = "staging"
//
//	[backends.staging]
//	redis = "redis://staging.internal:6379/0"
//
//	[backends.prod]
//	redis = "rediss://ops@prod.internal:6380/2"
//	password_env = "PROD_REDIS_PASSWORD"   # or password_command = "pass show redis/prod"
//	readonly = true
//	timeout = "5s"
//	tls_ca = "~/certs/prod-ca.pem"
//
//	[backends.local]
//	dir = "~/configs"
//
//	[keys]
//	quit = ["q", "ctrl+c"]
//
//	[theme]
//	name = "dark"
//	[theme.colors]
//	accent = "#ff8800"
//
// The file is looked for as Find describes: --config, then $CONFO_CONFIG,
// then $XDG_CONFIG_HOME/confo/config.toml, then ~/.config/confo/config.toml.
//
// Every problem is reported with the file, line and column of the key at
// fault, and every key the schema does not know is an error: a typo in a
// file that decides where data is written must not pass silently. Paths
// (dir, tls_ca, tls_cert, tls_key) expand a leading ~/ and are read from
// the config file's directory when relative. Backends keep the order in
// which the file names them.
//
// Passwords are never read at load time: a Backend resolves its password
// when Password is called. No error or String output of this package
// carries a password. On Unix a file holding a literal password must not
// be readable by group or others, and one holding a password_command must
// not be writable by them.
package configfile
