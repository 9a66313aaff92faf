package redisstore

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// TLSFiles names the PEM files a TLS connection may need beyond the
// system's trust store: the CA that signed a private server's certificate,
// and a client certificate with its key for servers that ask for one.
type TLSFiles struct {
	CA, Cert, Key string
}

// TLSFile says which of the TLS files a TLSFileError is about.
type TLSFile string

const (
	TLSFileCA   TLSFile = "CA"
	TLSFileCert TLSFile = "client certificate"
	TLSFileKey  TLSFile = "client key"
)

// ErrBadTLS is TLS settings that cannot be used: a file that cannot be
// read or holds no usable PEM, a certificate without its key, or files
// given for a connection that does not use TLS.
var ErrBadTLS = errors.New("bad TLS settings")

// TLSFileError is a TLS file that cannot be used. Which lets a caller
// point at the setting that named the file.
type TLSFileError struct {
	Which TLSFile
	Path  string
	Err   error
}

func (e *TLSFileError) Error() string {
	return fmt.Sprintf("%s: TLS %s %s: %v", ErrBadTLS, e.Which, e.Path, e.Err)
}

func (e *TLSFileError) Unwrap() []error { return []error{ErrBadTLS, e.Err} }

// tlsConfig builds the client's TLS settings; nil when cfg does not use
// TLS.
func (cfg Config) tlsConfig() (*tls.Config, error) {
	files := cfg.TLSFiles
	if !cfg.TLS {
		if files.CA != "" || files.Cert != "" || files.Key != "" {
			return nil, fmt.Errorf("%w: CA or client certificate files given for a redis:// URL; use rediss:// for TLS", ErrBadTLS)
		}
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: cfg.TLSServerName, InsecureSkipVerify: cfg.TLSInsecure}
	if files.CA != "" {
		pem, err := readTLSFile(TLSFileCA, files.CA)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &TLSFileError{Which: TLSFileCA, Path: files.CA, Err: errors.New("no PEM certificate in it")}
		}
		tc.RootCAs = pool
	}
	switch {
	case files.Cert != "" && files.Key != "":
		certPEM, err := readTLSFile(TLSFileCert, files.Cert)
		if err != nil {
			return nil, err
		}
		keyPEM, err := readTLSFile(TLSFileKey, files.Key)
		if err != nil {
			return nil, err
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			// The crypto error never quotes the key material.
			return nil, &TLSFileError{Which: TLSFileCert, Path: files.Cert, Err: err}
		}
		tc.Certificates = []tls.Certificate{pair}
	case files.Cert != "":
		return nil, &TLSFileError{Which: TLSFileKey, Path: files.Cert, Err: errors.New("the client certificate is given without its key")}
	case files.Key != "":
		return nil, &TLSFileError{Which: TLSFileCert, Path: files.Key, Err: errors.New("the client key is given without its certificate")}
	}
	return tc, nil
}

func readTLSFile(which TLSFile, path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is in the message already
		}
		return nil, &TLSFileError{Which: which, Path: path, Err: err}
	}
	return data, nil
}
