package dropoutclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"
)

// DefaultAddress is where the server listens by default. DialDefault and dropoutctl use
// $DROPOUTSERVICE_ADDRESS when it is set.
const DefaultAddress = "localhost:50051"

// Environment variables read when the corresponding option is empty.
const (
	AddressEnv = "DROPOUTSERVICE_ADDRESS"
	APIKeyEnv  = "DROPOUTSERVICE_API_KEY"
	TokenEnv   = "DROPOUTSERVICE_TOKEN"
)

// AddressFromEnv returns $DROPOUTSERVICE_ADDRESS, or DefaultAddress.
func AddressFromEnv() string {
	if a := os.Getenv(AddressEnv); a != "" {
		return a
	}
	return DefaultAddress
}

// bearer sends "authorization: Bearer <credential>" with every call (an API key or a JWT).
type bearer struct {
	value  string
	secure bool
}

func (b bearer) GetRequestMetadata(ctx context.Context, uri ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.value}, nil
}

// RequireTransportSecurity is false so a key also works over plaintext to a loopback server;
// over a network, use TLS so the key is not readable on the wire.
func (b bearer) RequireTransportSecurity() bool { return b.secure }

// credential picks the API key or token of opts, else of the environment (unless NoEnv).
func credential(opts Options) (string, error) {
	key, token := opts.APIKey, opts.Token
	if key != "" && token != "" {
		return "", fmt.Errorf("dropoutclient: set APIKey or Token, not both")
	}
	if key == "" && token == "" && !opts.NoEnv {
		key = os.Getenv(APIKeyEnv)
		if key == "" {
			token = os.Getenv(TokenEnv)
		}
	}
	c := strings.TrimSpace(key + token)
	if strings.ContainsAny(c, " \t\r\n") {
		return "", fmt.Errorf("dropoutclient: the API key or token contains spaces")
	}
	return c, nil
}

// TLSFiles builds a TLS configuration from PEM files: caFile (the CA to trust; empty means the
// system roots) and, for mutual TLS, certFile with keyFile (both or neither). serverName, if
// set, overrides the name checked against the server's certificate.
func TLSFiles(caFile, certFile, keyFile, serverName string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: serverName}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no certificate in %s", caFile)
		}
	}
	if (certFile == "") != (keyFile == "") {
		return nil, fmt.Errorf("a client certificate needs both its certificate file and its key file")
	}
	if certFile != "" {
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}
