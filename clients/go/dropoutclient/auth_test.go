package dropoutclient

import (
	"context"
	"testing"
)

func TestCredentialFromOptionsThenEnvironment(t *testing.T) {
	t.Setenv(APIKeyEnv, "env-key")
	t.Setenv(TokenEnv, "env-token")
	cases := []struct {
		opts Options
		want string
	}{
		{Options{}, "env-key"},
		{Options{APIKey: "given"}, "given"},
		{Options{Token: "a.b.c"}, "a.b.c"},
		{Options{NoEnv: true}, ""},
	}
	for _, c := range cases {
		got, err := credential(c.opts)
		if err != nil || got != c.want {
			t.Errorf("credential(%+v) = %q, %v; want %q", c.opts, got, err, c.want)
		}
	}
	t.Setenv(APIKeyEnv, "")
	if got, _ := credential(Options{}); got != "env-token" {
		t.Errorf("token from the environment: got %q", got)
	}
	if _, err := credential(Options{APIKey: "k", Token: "t"}); err == nil {
		t.Error("a key and a token together must be refused")
	}
	if _, err := credential(Options{APIKey: "two words"}); err == nil {
		t.Error("a key with spaces must be refused")
	}
}

func TestBearerSendsAuthorizationHeader(t *testing.T) {
	md, err := bearer{value: "k"}.GetRequestMetadata(context.Background())
	if err != nil || md["authorization"] != "Bearer k" {
		t.Fatalf("metadata %v, %v", md, err)
	}
}

func TestDefaultAddressIsTheServersDefaultPort(t *testing.T) {
	t.Setenv(AddressEnv, "")
	if DefaultAddress != "localhost:50051" || AddressFromEnv() != "localhost:50051" {
		t.Fatalf("default address %q / %q", DefaultAddress, AddressFromEnv())
	}
	t.Setenv(AddressEnv, "example:1234")
	if AddressFromEnv() != "example:1234" {
		t.Fatalf("address from the environment: %q", AddressFromEnv())
	}
}

func TestTLSFilesRefusesHalfAClientCertificate(t *testing.T) {
	if _, err := TLSFiles("", "cert.pem", "", ""); err == nil {
		t.Error("a certificate without its key must be refused")
	}
	if _, err := TLSFiles("/nonexistent/ca.pem", "", "", ""); err == nil {
		t.Error("a missing CA file must be an error")
	}
	cfg, err := TLSFiles("", "", "", "server.example")
	if err != nil || cfg.ServerName != "server.example" || cfg.RootCAs != nil {
		t.Fatalf("system roots with a server name: %+v, %v", cfg, err)
	}
}
