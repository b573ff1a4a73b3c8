package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	neturl "net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/config"
	tlog "go.temporal.io/server/common/log"
	pgplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	pgschema "go.temporal.io/server/schema/postgresql/v12"
	"go.temporal.io/server/tools/common/schema"
	sqltool "go.temporal.io/server/tools/sql"
	"google.golang.org/protobuf/types/known/durationpb"

	"zhucun/store"
)

// postgresStores returns the SQL configs of Temporal's two databases on the
// PostgreSQL server of url (<db>_temporal and <db>_temporal_visibility),
// creating them and their schema on first use. PostgreSQL commits many
// concurrent transactions with one flush, where SQLite flushes each alone.
func postgresStores(ctx context.Context, url string, log tlog.Logger) (main, visibility *config.SQL, err error) {
	pc, err := store.ConnConfig(url)
	if err != nil {
		return nil, nil, fmt.Errorf("temporal store: %w", err)
	}
	mk := func(db string, maxConns int) *config.SQL {
		return &config.SQL{
			PluginName: pgplugin.PluginNamePGX, DatabaseName: db, User: pc.User, Password: pc.Password,
			ConnectAddr: net.JoinHostPort(pc.Host, fmt.Sprint(pc.Port)), ConnectProtocol: "tcp",
			// Per Temporal service (frontend, history, matching, worker),
			// so the server holds up to 4x this on each database; with
			// zhucun's own pools it must fit PostgreSQL's default 100.
			MaxConns: maxConns, MaxIdleConns: maxConns, MaxConnLifetime: time.Hour,
			ConnectAttributes: map[string]string{"sslmode": sslmode(pc)},
		}
	}
	main, visibility = mk(pc.Database+"_temporal", 10), mk(pc.Database+"_temporal_visibility", 4)
	for _, s := range []struct {
		cfg           *config.SQL
		name, version string
	}{{main, "postgresql/v12/temporal", pgschema.Version}, {visibility, "postgresql/v12/visibility", pgschema.VisibilityVersion}} {
		if err := store.EnsureDatabase(ctx, withDatabase(url, s.cfg.DatabaseName)); err != nil {
			return nil, nil, err
		}
		if err := setupSchema(s.cfg, s.name, s.version, log); err != nil {
			return nil, nil, fmt.Errorf("temporal schema %s: %w", s.cfg.DatabaseName, err)
		}
	}
	return main, visibility, nil
}

// setupSchema loads the embedded schema once; a database that has a schema
// version already is left as it is.
func setupSchema(cfg *config.SQL, name, version string, log tlog.Logger) error {
	conn, err := sqltool.NewConnection(cfg, log)
	if err != nil {
		return err
	}
	defer conn.Close()
	if v, err := conn.ReadSchemaVersion(); err == nil && v != "" {
		return nil
	}
	return schema.NewSetupSchemaTask(conn, &schema.SetupConfig{SchemaName: name, InitialVersion: version}, log).Run()
}

// registerNamespace creates the namespace through the frontend (the SQL
// stores have no offline helper as SQLite does); an existing one is fine.
func registerNamespace(ctx context.Context, o client.Options, ns string) error {
	c, err := client.NewNamespaceClient(o)
	if err != nil {
		return err
	}
	defer c.Close()
	err = c.Register(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: ns, WorkflowExecutionRetentionPeriod: durationpb.New(72 * time.Hour),
	})
	var exists *serviceerror.NamespaceAlreadyExists
	if errors.As(err, &exists) {
		return nil
	}
	return err
}

func sslmode(pc *pgx.ConnConfig) string {
	if pc.TLSConfig == nil {
		return "disable"
	}
	return "require"
}

// withDatabase is url naming another database on the same server.
func withDatabase(raw, db string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + db
	return u.String()
}
