package redisstore

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/confo-dev/confo/confo/store"
	"github.com/confo-dev/confo/internal/confotest/redisserver"
)

// A real redis-server with a private CA that requires client certificates,
// reached with the URL's TLS parameters: the CA, the client pair, the
// server name, and the insecure mode, which the address then names.
func TestRedisTLSParametersOfTheURL(t *testing.T) {
	ca := newTestCA(t)
	dir := t.TempDir()
	serverCert, serverKey := ca.issue(t, 2, x509.ExtKeyUsageServerAuth)
	clientCert, clientKey := ca.issue(t, 3, x509.ExtKeyUsageClientAuth)
	caFile := writeFile(t, dir, "ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.der}))
	certFile, keyFile := writeFile(t, dir, "client.pem", clientCert), writeFile(t, dir, "client.key", clientKey)
	tlsPort := redisserver.FreePort(t)
	redisserver.Redis(t, "--tls-port", fmt.Sprint(tlsPort),
		"--tls-cert-file", writeFile(t, dir, "server.pem", serverCert), "--tls-key-file", writeFile(t, dir, "server.key", serverKey),
		"--tls-ca-cert-file", caFile, "--tls-auth-clients", "yes")
	base := fmt.Sprintf("rediss://127.0.0.1:%d", tlsPort)
	q := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return base + "?" + v.Encode()
	}
	client := []string{"tls_cert", certFile, "tls_key", keyFile}
	for _, tc := range []struct {
		name, url, refused string
	}{
		{"CA and client certificate", q(append([]string{"tls_ca", caFile}, client...)...), ""},
		{"server name on the certificate", q(append([]string{"tls_ca", caFile, "tls_server_name", "redis.test"}, client...)...), ""},
		{"insecure", q(append([]string{"tls_insecure", "true"}, client...)...), ""},
		{"no CA", q(client...), "give that CA's certificate with tls_ca (tls: failed to verify certificate: x509: certificate signed by unknown authority)"},
		{"another server name", q(append([]string{"tls_ca", caFile, "tls_server_name", "wrong.test"}, client...)...), "set tls_server_name to the name it carries"},
		{"no client certificate", q("tls_ca", caFile), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseURL(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(t.Context(), cfg)
			if err == nil {
				defer s.Close()
				_, err = s.Load(t.Context(), store.LoadOptions{})
			}
			switch {
			case tc.name == "no client certificate":
				if err == nil {
					t.Fatal("a server that requires a client certificate accepted a connection without one")
				}
				if !strings.Contains(err.Error(), "the server requires a client certificate: give it with tls_cert and tls_key") {
					t.Errorf("no hint for the missing client certificate: %v", err)
				}
			case tc.refused == "" && err != nil:
				t.Fatal(err)
			case tc.refused != "" && (err == nil || !strings.Contains(err.Error(), tc.refused)):
				t.Fatalf("got %v, want a refusal mentioning %q", err, tc.refused)
			}
			if tc.name == "insecure" && !strings.Contains(s.Address(), "certificates NOT checked") {
				t.Errorf("an insecure backend's address: %s", s.Address())
			}
		})
	}
}
