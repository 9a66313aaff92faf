package redisstore

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/confo-dev/confo/confo/store"
)

// selfSignedCert makes a throwaway certificate for 127.0.0.1, signed by a
// CA that nobody trusts (tls_files_test.go).
func selfSignedCert(t *testing.T) tls.Certificate {
	t.Helper()
	certPEM, keyPEM := newTestCA(t).issue(t, 2, x509.ExtKeyUsageServerAuth)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return pair
}

func TestOpenRedisOverTLS(t *testing.T) {
	server, err := miniredis.RunTLS(&tls.Config{Certificates: []tls.Certificate{selfSignedCert(t)}})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	ctx := context.Background()

	if _, err := Open(ctx, Config{Addr: server.Addr()}); err == nil {
		t.Fatal("a plain connection to a TLS server succeeded")
	}
	if _, err := Open(ctx, Config{Addr: server.Addr(), TLS: true, TLSServerName: "127.0.0.1"}); err == nil {
		t.Fatal("an untrusted self-signed certificate was accepted")
	}
	s := openTestRedis(t, Config{Addr: server.Addr(), TLS: true, TLSInsecure: true})
	snap, err := s.Load(ctx, store.LoadOptions{})
	if err != nil || len(snap.Registry) != 0 {
		t.Fatalf("load over TLS: %+v, %v", snap, err)
	}
	if server.Exists("confo") {
		t.Fatal("a load over TLS created the registry")
	}
}
