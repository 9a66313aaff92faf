package redisstore

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/confo-dev/confo/confo/store"
)

// selfSignedCert makes a throwaway certificate for 127.0.0.1.
func selfSignedCert(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "confo test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
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
