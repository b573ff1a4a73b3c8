package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"zhucun/app"
	"zhucun/engine"
	"zhucun/internal/pgtest"
	"zhucun/internal/seal"
)

// TestSealEngineTLS: the embedded frontend refuses to listen beyond
// loopback without certificates; with those of `zhucun certs` it answers
// only clients showing the client certificate, and api and worker
// connect with it.
func TestSealEngineTLS(t *testing.T) {
	ctx := context.Background()
	_, err := engine.Start(ctx, engine.Options{FrontendAddr: "0.0.0.0:0", Log: zap.NewNop()})
	if err == nil || !strings.Contains(err.Error(), "zhucun certs") {
		t.Fatalf("non-loopback frontend without certificates: %v, want refused", err)
	}

	certs := filepath.Join(t.TempDir(), "certs")
	if err := seal.GenerateCerts(certs, []string{"temporal.example"}, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := seal.GenerateCerts(certs, nil, time.Hour); err == nil {
		t.Error("a second CA over the first: want refused")
	}
	srv, err := engine.Start(ctx, engine.Options{FrontendAddr: "0.0.0.0:0", Log: zap.NewNop(), TLSDir: certs, UIAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	_, port, _ := strings.Cut(srv.HostPort(), ":")
	hostPort := "127.0.0.1:" + port

	health := func(o client.Options) error {
		o.HostPort, o.Logger = hostPort, engine.SDKLogger(zap.NewNop())
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		c, err := client.DialContext(ctx, o)
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
		return err
	}
	if err := health(client.Options{}); err == nil {
		t.Error("a plain client got in")
	}
	tlsNoCert, _ := seal.TLSDir(certs).ClientConfig("localhost")
	tlsNoCert.Certificates = nil
	if err := health(client.Options{ConnectionOptions: client.ConnectionOptions{TLS: tlsNoCert}}); err == nil {
		t.Error("a TLS client without a certificate got in")
	}

	// api and worker, as a split deployment runs them, with the folder.
	cfg := app.Config{DatabaseURL: pgtest.URL(t, "sealtls"), Namespace: "default", Addr: "127.0.0.1:0",
		DataDir: t.TempDir(), TemporalAddress: hostPort, TLSDir: certs, KeysFile: filepath.Join(certs, seal.KeysFile),
		TokenTTL: time.Hour, LoginPerMinute: 1000}
	a, err := app.Start(ctx, cfg, app.ModeServe, zap.NewNop())
	if err != nil {
		t.Fatalf("api and worker with the certificates: %v", err)
	}
	defer a.Stop()
	if _, err := a.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		t.Fatalf("api's client: %v", err)
	}
	if srv.UIURL() == "" {
		t.Error("no UI")
	}
}
