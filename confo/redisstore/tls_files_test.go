package redisstore

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/confo-dev/confo/confo/store"
)

// testCA issues certificates signed by one throwaway CA.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	der  []byte
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "confo test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, der: der}
}

// issue returns a certificate for 127.0.0.1 (server) or a client, and its
// key, as PEM.
func (ca *testCA) issue(t *testing.T, serial int64, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "confo test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"redis.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOpenRedisWithTLSFiles: a server with a private CA that requires a
// client certificate is reached with tls_ca, tls_cert and tls_key, and each
// unusable file is reported as the file it is.
func TestOpenRedisWithTLSFiles(t *testing.T) {
	ca := newTestCA(t)
	serverCert, serverKey := ca.issue(t, 2, x509.ExtKeyUsageServerAuth)
	pair, err := tls.X509KeyPair(serverCert, serverKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	server, err := miniredis.RunTLS(&tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()

	dir := t.TempDir()
	caFile := writeFile(t, dir, "ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.der}))
	clientCert, clientKey := ca.issue(t, 3, x509.ExtKeyUsageClientAuth)
	certFile := writeFile(t, dir, "client.pem", clientCert)
	keyFile := writeFile(t, dir, "client.key", clientKey)
	base := Config{Addr: server.Addr(), TLS: true, TLSServerName: "127.0.0.1", DialTimeout: 2 * time.Second, IOTimeout: 2 * time.Second}
	ctx := context.Background()

	good := base
	good.TLSFiles = TLSFiles{CA: caFile, Cert: certFile, Key: keyFile}
	s := openTestRedis(t, good)
	if _, err := s.Load(ctx, store.LoadOptions{}); err != nil {
		t.Fatalf("load over mutual TLS: %v", err)
	}

	noClient := base
	noClient.TLSFiles = TLSFiles{CA: caFile}
	if _, err := Open(ctx, noClient); err == nil {
		t.Fatal("a server that requires a client certificate accepted a connection without one")
	}

	for _, tc := range []struct {
		name  string
		files TLSFiles
		which TLSFile
		is    error
	}{
		{"missing CA file", TLSFiles{CA: filepath.Join(dir, "nope.pem")}, TLSFileCA, fs.ErrNotExist},
		{"CA file holding a key", TLSFiles{CA: keyFile}, TLSFileCA, nil},
		{"CA file holding no certificate", TLSFiles{CA: writeFile(t, dir, "empty.pem", []byte("hello\n"))}, TLSFileCA, nil},
		{"cert without key", TLSFiles{CA: caFile, Cert: certFile}, TLSFileKey, nil},
		{"key without cert", TLSFiles{CA: caFile, Key: keyFile}, TLSFileCert, nil},
		{"key of another cert", TLSFiles{CA: caFile, Cert: certFile, Key: writeFile(t, dir, "other.key", serverKey)}, TLSFileCert, nil},
	} {
		cfg := base
		cfg.TLSFiles = tc.files
		_, err := Open(ctx, cfg)
		var fe *TLSFileError
		if !errors.As(err, &fe) || fe.Which != tc.which || !errors.Is(err, ErrBadTLS) {
			t.Errorf("%s: got %v, want a TLSFileError about the %s", tc.name, err, tc.which)
			continue
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: %v is not %v", tc.name, err, tc.is)
		}
		if strings.Count(err.Error(), fe.Path) != 1 {
			t.Errorf("%s: want the path once in %q", tc.name, err)
		}
	}

	plain := Config{Addr: server.Addr(), TLSFiles: TLSFiles{CA: caFile}}
	if _, err := Open(ctx, plain); !errors.Is(err, ErrBadTLS) || !strings.Contains(err.Error(), "rediss://") {
		t.Fatalf("TLS files with a redis:// URL: got %v, want ErrBadTLS naming rediss://", err)
	}
}

// TestParseURLErrorsAreBadURL: every URL problem is reported as a bad URL
// (still ErrBadCredentials for the Python API's callers), never as an
// authentication or reachability problem, and without the password.
func TestParseURLErrorsAreBadURL(t *testing.T) {
	for _, raw := range []string{
		"http://u:s3cret@h:1", "u:s3cret@h:1", "redis:u:s3cret@h:1", "redis://u:s3#cret@h:1",
		"redis://u:s3cret@h:0", "redis://u:s3cret@h:abc", "redis://u:s3cret@h:1/x", "redis://u:s3cret@h:1?db=2",
	} {
		_, err := ParseURL(raw)
		if !errors.Is(err, ErrBadURL) || !errors.Is(err, store.ErrBadCredentials) || !strings.HasPrefix(err.Error(), "bad Redis URL: ") {
			t.Errorf("%s: got %v, want a bad Redis URL", raw, err)
		}
		if errors.Is(err, store.ErrAuth) || strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "credentials") {
			t.Errorf("%s: %v: wrong category or shows the password", raw, err)
		}
	}
}
