// Package app wires the parts into zhucun's running modes: serve (all in
// one process with an embedded Temporal server), api and worker (separate
// processes against an external Temporal).
package app

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zhucun/internal/seal"
	"zhucun/store"
)

// Config is every setting, from flags and the environment.
type Config struct {
	DatabaseURL     string
	TemporalAddress string // external Temporal; empty: embedded
	Namespace       string
	Addr            string // HTTP listen address
	DataDir         string
	EmbeddedAddr    string // embedded Temporal frontend
	Demo            bool
	WebhookURL      string
	WebhookKind     string
	TokenTTL        time.Duration
	LoginPerMinute  int
	// LoginPerUserPerMinute limits failed logins per username (0: default).
	LoginPerUserPerMinute int
	Debug                 bool
	// Synchronous is the embedded SQLite's synchronous pragma (default full).
	Synchronous string
	// TemporalStore is where the embedded server persists: postgres (beside
	// zhucun's own database; the command's default) or sqlite (a file in the
	// data folder). Empty means sqlite, which tests use: it needs no
	// databases of its own.
	TemporalStore string
	HistoryShards int
	// NoCaches keeps the api reading tokens, policies and holidays from
	// the database on every request (the benchmark's comparison; caches
	// are on by default, kept in step by LISTEN/NOTIFY).
	NoCaches bool
	// PauseSchedules creates the Schedules paused, for tests: a run that
	// spans a tick must not start everyone's periodic work under them; a
	// trigger (Temporal UI, or a test) still runs one.
	PauseSchedules bool
	// UIAddr is where the embedded server's Temporal Web UI listens; empty
	// serves none.
	UIAddr string
	// MetricsAddr is where a process without the HTTP API (worker,
	// temporal) serves /metrics; empty serves none. With the API, /metrics
	// is on its port.
	MetricsAddr string
	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string
	// BodyTimeout bounds reading a request, body included (0: 15s).
	BodyTimeout time.Duration
	// KeysFile holds the signing and data keys api and worker processes
	// share (seal); empty: keys.json in DataDir, made at first start.
	KeysFile string
	// TLSDir is a folder from `zhucun certs`: the embedded frontend then
	// requires mutual TLS, and clients dial Temporal with its client
	// certificate. Empty: plain gRPC, allowed on loopback only.
	TLSDir string
	// CodecEndpoint is where the Temporal Web UI decodes payloads: an
	// api's /codec (serve sets its own).
	CodecEndpoint string
	// UIOrigins may call /codec/decode from a browser (the Temporal Web
	// UI's address as people open it); serve adds its embedded UI's.
	UIOrigins []string
	// WebhookSecret signs the deployment's DingTalk robot (加签); never logged.
	WebhookSecret string
	// PublicURL is where people reach zhucun: every notice links to its
	// item's page under it.
	PublicURL string
}

// DefaultDatabaseURL is the local PostgreSQL that scripts/ensure-postgres.sh
// leaves running.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/zhucun?sslmode=disable"

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// Flags registers the settings on fs with environment defaults.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", DefaultDatabaseURL), "PostgreSQL URL (DATABASE_URL)")
	fs.StringVar(&c.TemporalAddress, "temporal-address", env("TEMPORAL_ADDRESS", ""), "external Temporal frontend host:port; empty runs the embedded server (TEMPORAL_ADDRESS)")
	fs.StringVar(&c.Namespace, "namespace", env("TEMPORAL_NAMESPACE", "default"), "Temporal namespace (TEMPORAL_NAMESPACE)")
	fs.StringVar(&c.Addr, "addr", env("ZHUCUN_ADDR", ":8080"), "HTTP listen address (ZHUCUN_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("ZHUCUN_DATA_DIR", "data"), "data folder for the embedded Temporal server (ZHUCUN_DATA_DIR)")
	fs.StringVar(&c.EmbeddedAddr, "embedded-temporal", env("ZHUCUN_TEMPORAL_LISTEN", "127.0.0.1:7233"), "embedded Temporal frontend listen address (ZHUCUN_TEMPORAL_LISTEN)")
	fs.StringVar(&c.TemporalStore, "temporal-store", env("ZHUCUN_TEMPORAL_STORE", "postgres"),
		"embedded Temporal persistence: postgres (databases <db>_temporal and <db>_temporal_visibility beside DATABASE_URL's) or sqlite (a file in --data-dir) (ZHUCUN_TEMPORAL_STORE)")
	fs.IntVar(&c.HistoryShards, "history-shards", 4, "history shards of an embedded Temporal on postgres (fixed at its first start)")
	fs.BoolVar(&c.Demo, "demo", os.Getenv("ZHUCUN_DEMO") == "1", "load the demo organisation on start (ZHUCUN_DEMO=1)")
	fs.StringVar(&c.WebhookURL, "webhook-url", env("ZHUCUN_WEBHOOK_URL", ""), "WeCom/DingTalk group-robot webhook for notifications; empty logs them (ZHUCUN_WEBHOOK_URL)")
	fs.StringVar(&c.WebhookKind, "webhook-kind", env("ZHUCUN_WEBHOOK_KIND", "wecom"), "wecom or dingtalk (ZHUCUN_WEBHOOK_KIND)")
	fs.StringVar(&c.WebhookSecret, "webhook-secret", env("ZHUCUN_WEBHOOK_SECRET", ""), "the deployment's DingTalk robot signing secret (加签), if it has one (ZHUCUN_WEBHOOK_SECRET)")
	fs.StringVar(&c.PublicURL, "public-url", env("ZHUCUN_PUBLIC_URL", ""), "where people reach zhucun, e.g. https://zhucun.example.cn: notices link to item pages under it; empty sends them without a link (ZHUCUN_PUBLIC_URL)")
	fs.DurationVar(&c.TokenTTL, "token-ttl", 12*time.Hour, "how long a login token lives")
	fs.IntVar(&c.LoginPerMinute, "login-per-minute", 30, "login attempts allowed per client address per minute")
	fs.IntVar(&c.LoginPerUserPerMinute, "login-per-user-per-minute", 10, "failed login attempts allowed per username per minute")
	fs.StringVar(&c.UIAddr, "ui-listen", env("ZHUCUN_UI_LISTEN", "127.0.0.1:8233"), "Temporal Web UI of the embedded server; empty serves none (ZHUCUN_UI_LISTEN)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("ZHUCUN_METRICS_ADDR", ""), "where worker and temporal serve /metrics; empty serves none (serve and api answer /metrics on ZHUCUN_ADDR) (ZHUCUN_METRICS_ADDR)")
	fs.StringVar(&c.MetricsToken, "metrics-token", env("ZHUCUN_METRICS_TOKEN", ""), "bearer token /metrics asks for; empty asks none (ZHUCUN_METRICS_TOKEN)")
	fs.DurationVar(&c.BodyTimeout, "body-timeout", 15*time.Second, "a request, body included, must arrive within this; slower clients are cut off")
	fs.StringVar(&c.KeysFile, "keys-file", env("ZHUCUN_KEYS_FILE", ""), "signing and data keys shared by api and worker processes; empty: keys.json in --data-dir, made when missing (ZHUCUN_KEYS_FILE)")
	fs.StringVar(&c.TLSDir, "tls-dir", env("ZHUCUN_TLS_DIR", ""), "certificates from 'zhucun certs DIR': mutual TLS to and at the Temporal frontend (ZHUCUN_TLS_DIR)")
	fs.StringVar(&c.CodecEndpoint, "codec-endpoint", env("ZHUCUN_CODEC_ENDPOINT", ""), "an api's /codec URL, where the Temporal Web UI decodes payloads for office accounts (ZHUCUN_CODEC_ENDPOINT)")
	fs.Func("ui-origin", "a Temporal Web UI origin allowed to call /codec/decode; repeatable (ZHUCUN_UI_ORIGINS, comma-separated)", func(v string) error {
		c.UIOrigins = append(c.UIOrigins, v)
		return nil
	})
	if v := os.Getenv("ZHUCUN_UI_ORIGINS"); v != "" {
		c.UIOrigins = append(c.UIOrigins, strings.Split(v, ",")...)
	}
	fs.BoolVar(&c.Debug, "debug", os.Getenv("ZHUCUN_DEBUG") == "1", "debug logging (ZHUCUN_DEBUG=1)")
}

// Masked is the config as printed at start: no password, no webhook key.
func (c Config) Masked() map[string]any {
	hook := ""
	if c.WebhookURL != "" {
		hook = "(set)"
	}
	temporal := c.TemporalAddress
	if temporal == "" {
		dir, _ := filepath.Abs(c.DataDir)
		temporal = fmt.Sprintf("embedded at %s, persisted to %s, data in %s", c.EmbeddedAddr, c.TemporalStore, dir)
	}
	metricsToken := ""
	if c.MetricsToken != "" {
		metricsToken = "(set)"
	}
	return map[string]any{
		"database_url": store.MaskURL(c.DatabaseURL), "temporal": temporal, "namespace": c.Namespace,
		"addr": c.Addr, "demo": c.Demo, "webhook": hook, "token_ttl": c.TokenTTL.String(),
		"ui": c.UIAddr, "metrics_addr": c.MetricsAddr, "metrics_token": metricsToken, "tls_dir": c.TLSDir,
		"public_url": c.PublicURL,
	}
}

// Keys are the signing and data keys of this process (seal): KeysFile's,
// or keys.json in the data folder, made at the first start.
func (c Config) Keys() (*seal.Keys, error) {
	if c.KeysFile != "" {
		return seal.Load(c.KeysFile)
	}
	return seal.LoadOrCreate(c.KeysPath())
}

// KeysPath is where this process's keys file is: KeysFile, or keys.json in
// the data folder.
func (c Config) KeysPath() string {
	if c.KeysFile != "" {
		return c.KeysFile
	}
	return filepath.Join(c.DataDir, seal.KeysFile)
}
