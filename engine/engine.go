// Package engine runs the real Temporal server inside the zhucun process,
// persisted to a SQLite file under the data folder, so one binary needs
// nothing but PostgreSQL. Past one machine, point TEMPORAL_ADDRESS at an
// external cluster instead and this package is not used.
package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	tlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"go.uber.org/zap"

	"zhucun/internal/seal"
)

// Options for the embedded server.
type Options struct {
	// DataDir holds temporal.db; empty means in memory (tests only).
	DataDir string
	// FrontendAddr is the gRPC address clients dial, e.g. 127.0.0.1:7233;
	// empty picks a free loopback port.
	FrontendAddr string
	Namespace    string
	// SearchAttributes are registered on the namespace at first start.
	SearchAttributes map[string]enumspb.IndexedValueType
	Log              *zap.Logger
	// Synchronous is SQLite's synchronous pragma; "full" (the default) loses
	// nothing acknowledged on a power cut.
	Synchronous string
	// PostgresURL, when set, persists Temporal to that PostgreSQL server
	// (databases <name>_temporal and <name>_temporal_visibility) instead of
	// SQLite; HistoryShards then applies (fixed once the databases exist).
	PostgresURL   string
	HistoryShards int
	// UIAddr is where Temporal's Web UI listens (host:port); empty serves
	// no UI.
	UIAddr string
	// Metrics, when set, collects the server's metrics (named
	// temporal_server_...).
	Metrics prometheus.Registerer
	// TLSDir, a folder from `zhucun certs`, makes the frontend require
	// mutual TLS: only clients showing a certificate of its CA get in. A
	// frontend listening beyond loopback must have it.
	TLSDir string
	// CodecEndpoint is where the UI decodes the encrypted payloads (an
	// api's /codec, which asks for an office account's session).
	CodecEndpoint string
}

// Server is a running embedded Temporal server.
type Server struct {
	srv         temporal.Server
	hostPort    string
	ns          string
	ui          *webUI
	tlsDir      string
	phase       atomic.Int32
	stopMetrics func()
}

const clusterName = "active"

// Start brings the server up and waits until its frontend answers.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	if o.Synchronous == "" {
		o.Synchronous = "full"
	}
	host, port, err := frontendHostPort(o.FrontendAddr)
	if err != nil {
		return nil, err
	}
	if o.TLSDir == "" && !IsLoopback(host) {
		// Anyone who reaches Temporal's port can read every process and
		// act in any workflow: beyond this machine only with certificates.
		return nil, fmt.Errorf("the embedded Temporal frontend would listen on %s, beyond this machine, without certificates: "+
			"make them with 'zhucun certs DIR' and pass --tls-dir DIR (ZHUCUN_TLS_DIR), or listen on 127.0.0.1", host)
	}
	if o.DataDir != "" {
		if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("data folder: %w", err)
		}
	}
	s := &Server{ns: o.Namespace, tlsDir: o.TLSDir}
	logger := tlog.NewZapLogger(serverLog(o.Log.Named("temporal"), &s.phase))
	sqlCfg := &config.SQL{PluginName: sqliteplugin.PluginName, ConnectAttributes: map[string]string{}}
	var visCfg *config.SQL
	if o.PostgresURL != "" {
		if sqlCfg, visCfg, err = postgresStores(ctx, o.PostgresURL, logger); err != nil {
			return nil, err
		}
	} else if o.DataDir == "" {
		sqlCfg.ConnectAttributes["mode"] = "memory"
		sqlCfg.ConnectAttributes["cache"] = "shared"
		sqlCfg.DatabaseName = fmt.Sprintf("zhucun-%d", time.Now().UnixNano())
	} else {
		sqlCfg.DatabaseName = filepath.Join(o.DataDir, "temporal.db")
		sqlCfg.ConnectAttributes["mode"] = "rwc"
		// Measured here: WAL with synchronous=full doubles the defaults'
		// throughput and still loses nothing acknowledged on a power cut.
		sqlCfg.ConnectAttributes["journal_mode"] = "wal"
		sqlCfg.ConnectAttributes["synchronous"] = o.Synchronous
		sqlCfg.ConnectAttributes["busy_timeout"] = "10000"
		if _, err := os.Stat(sqlCfg.DatabaseName); errors.Is(err, os.ErrNotExist) {
			if err := sqliteschema.SetupSchema(sqlCfg); err != nil {
				return nil, fmt.Errorf("temporal schema: %w", err)
			}
		}
	}

	ports, err := loadPorts(o.DataDir, port)
	if err != nil {
		return nil, err
	}
	cfg := serverConfig(sqlCfg, host, ports)
	if o.TLSDir != "" {
		cfg.Global.TLS = frontendTLS(seal.TLSDir(o.TLSDir))
	}
	if visCfg != nil {
		cfg.Persistence.VisibilityStore = "visibility"
		cfg.Persistence.DataStores["visibility"] = config.DataStore{SQL: visCfg}
		cfg.Persistence.NumHistoryShards = int32(max(o.HistoryShards, 1))
	} else {
		nsCfg, err := sqliteschema.NewNamespaceConfig(clusterName, o.Namespace, false, o.SearchAttributes)
		if err != nil {
			return nil, err
		}
		if err := sqliteschema.CreateNamespaces(sqlCfg, nsCfg); err != nil {
			return nil, fmt.Errorf("temporal namespace: %w", err)
		}
	}
	mh, stopMetrics, err := serverMetrics(o.Metrics, logger)
	if err != nil {
		return nil, err
	}
	s.stopMetrics = stopMetrics
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		// One process holds all four services: their hosts are known, so
		// no membership ring is joined at start nor left at stop.
		temporal.WithStaticHosts(staticHosts(ports)),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorization.NewNoopAuthorizer()),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return authorization.NewNoopClaimMapper() }),
		temporal.WithCustomMetricsHandler(mh),
		temporal.WithDynamicConfigClient(dynamicconfig.StaticClient{
			dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): []dynamicconfig.ConstrainedValue{{Value: true}},
			// A namespace registered at first start is served within a second.
			dynamicconfig.NamespaceCacheRefreshInterval.Key(): []dynamicconfig.ConstrainedValue{{Value: time.Second}},
		}),
	)
	if err != nil {
		stopMetrics()
		return nil, fmt.Errorf("temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		stopMetrics()
		return nil, fmt.Errorf("temporal server start: %w", err)
	}
	s.srv, s.hostPort = srv, net.JoinHostPort(host, fmt.Sprint(port))
	if visCfg != nil {
		err := s.waitFrontend(ctx)
		if err == nil {
			err = registerNamespace(ctx, s.clientOptions(""), o.Namespace)
		}
		if err != nil {
			_ = s.Stop()
			return nil, fmt.Errorf("temporal namespace: %w", err)
		}
	}
	if err := s.waitReady(ctx, o.SearchAttributes); err != nil {
		_ = s.Stop()
		return nil, err
	}
	s.phase.Store(phaseRunning)
	if o.UIAddr != "" {
		if s.ui, err = startUI(ctx, o.UIAddr, s.dialAddr(), o.Namespace, o.TLSDir, o.CodecEndpoint); err != nil {
			_ = s.Stop()
			return nil, err
		}
	}
	return s, nil
}

// HostPort is the frontend's gRPC address.
func (s *Server) HostPort() string { return s.hostPort }

// Namespace is the namespace created for zhucun.
func (s *Server) Namespace() string { return s.ns }

// UIURL is the address of Temporal's Web UI, empty when none is served.
func (s *Server) UIURL() string {
	if s.ui == nil {
		return ""
	}
	return s.ui.url
}

// Quiesce tells the server that zhucun is stopping: from now on its
// complaints about pollers and peers going away are logged at debug level.
func (s *Server) Quiesce() { s.phase.Store(phaseStopping) }

// Stop shuts the UI and the server down.
func (s *Server) Stop() error {
	s.Quiesce()
	if s.ui != nil {
		s.ui.stop()
	}
	err := s.srv.Stop()
	s.stopMetrics()
	return err
}

// dialAddr is the frontend's address as a local client dials it.
func (s *Server) dialAddr() string {
	h, p, _ := net.SplitHostPort(s.hostPort)
	return net.JoinHostPort(loopbackFor(h), p)
}

// clientOptions are what this package's own clients dial the frontend
// with: its certificate when it asks for one.
func (s *Server) clientOptions(ns string) client.Options {
	o := client.Options{HostPort: s.dialAddr(), Namespace: ns, Logger: quietLogger{}}
	if s.tlsDir != "" {
		cfg, err := seal.TLSDir(s.tlsDir).ClientConfig("localhost")
		if err == nil {
			o.ConnectionOptions.TLS = cfg
		}
	}
	return o
}

// frontendTLS makes the frontend require client certificates of dir's CA.
// The server's own system worker dials the frontend as any client does,
// with the client certificate. Between the services (all on loopback,
// inside this process) nothing changes.
func frontendTLS(dir seal.TLSDir) config.RootTLS {
	client := config.ClientTLS{ServerName: "localhost", RootCAFiles: []string{dir.Path(seal.CAFile)}}
	return config.RootTLS{
		Frontend: config.GroupTLS{
			Server: config.ServerTLS{CertFile: dir.Path(seal.ServerFile), KeyFile: dir.Path(seal.ServerKeyFile),
				ClientCAFiles: []string{dir.Path(seal.CAFile)}, RequireClientAuth: true},
			Client: client,
		},
		SystemWorker: config.WorkerTLS{CertFile: dir.Path(seal.ClientFile), KeyFile: dir.Path(seal.ClientKeyFile), Client: client},
	}
}

// IsLoopback reports whether host (a name or an IP) is this machine alone.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// staticHosts names each service's own gRPC address.
func staticHosts(p servicePorts) map[primitives.ServiceName]static.Hosts {
	hosts := map[primitives.ServiceName]static.Hosts{}
	for i, name := range serviceNames {
		hosts[primitives.ServiceName(name)] = static.SingleLocalHost(net.JoinHostPort("127.0.0.1", fmt.Sprint(p.GRPC[i])))
	}
	return hosts
}

// waitReady dials until the frontend answers and the search attributes
// are visible (a first start registers them through the namespace row).
func (s *Server) waitReady(ctx context.Context, sas map[string]enumspb.IndexedValueType) error {
	return s.poll(ctx, s.ns, func(c client.Client) error {
		_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
		if err == nil && len(sas) > 0 {
			_, err = c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: s.ns})
		}
		if err == nil {
			// Matching answers only once the membership ring holds every
			// service (and the namespace is known); before that updates
			// would time out.
			_, err = c.DescribeTaskQueue(ctx, "zhucun-readiness", enumspb.TASK_QUEUE_TYPE_WORKFLOW)
		}
		return err
	})
}

// waitFrontend waits until the frontend answers at all.
func (s *Server) waitFrontend(ctx context.Context) error {
	return s.poll(ctx, "", func(c client.Client) error {
		_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
		return err
	})
}

// poll retries check with a fresh client until it passes, for a minute.
func (s *Server) poll(ctx context.Context, ns string, check func(client.Client) error) error {
	deadline := time.Now().Add(60 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		c, err := client.Dial(s.clientOptions(ns))
		if err == nil {
			err = check(c)
			c.Close()
			if err == nil {
				return nil
			}
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("temporal server did not become ready: %w", last)
}

func frontendHostPort(addr string) (string, int, error) {
	if addr == "" {
		p, err := freePort()
		return "127.0.0.1", p, err
	}
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("temporal frontend address %q: %w", addr, err)
	}
	if h == "" {
		h = "127.0.0.1"
	}
	var port int
	if _, err := fmt.Sscan(p, &port); err != nil {
		return "", 0, fmt.Errorf("temporal frontend port %q", p)
	}
	if port == 0 {
		port, err = freePort()
	}
	return h, port, err
}

// freePort picks a free loopback port below 32768: Temporal's SQL schemas
// keep membership ports in a smallint, and the kernel's own picks (the
// ephemeral range) lie above it.
func freePort() (int, error) {
	for range 200 {
		p := 20000 + rand.IntN(12000)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err == nil {
			l.Close()
			return p, nil
		}
	}
	return 0, errors.New("no free port between 20000 and 32000")
}

func serverConfig(sqlCfg *config.SQL, host string, ports servicePorts) *config.Config {
	services := map[string]config.Service{}
	for i, name := range serviceNames {
		bind := "127.0.0.1"
		if i == 0 {
			bind = host
		}
		services[name] = config.Service{RPC: config.RPC{GRPCPort: ports.GRPC[i], MembershipPort: ports.Membership[i], BindOnIP: bind}}
	}
	port := ports.GRPC[0]
	hostPort := net.JoinHostPort(host, fmt.Sprint(port))
	if host == "0.0.0.0" {
		hostPort = net.JoinHostPort("127.0.0.1", fmt.Sprint(port))
	}
	return &config.Config{
		Global: config.Global{
			Membership: config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: "127.0.0.1"},
		},
		Persistence: config.Persistence{
			DefaultStore:     sqliteplugin.PluginName,
			VisibilityStore:  sqliteplugin.PluginName,
			NumHistoryShards: 1,
			DataStores:       map[string]config.DataStore{sqliteplugin.PluginName: {SQL: sqlCfg}},
		},
		ClusterMetadata: &cluster.Config{
			EnableGlobalNamespace:    false,
			FailoverVersionIncrement: 10,
			MasterClusterName:        clusterName,
			CurrentClusterName:       clusterName,
			ClusterInformation: map[string]cluster.ClusterInformation{
				clusterName: {Enabled: true, InitialFailoverVersion: 1, RPCAddress: hostPort},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services:            services,
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		}},
		PublicClient: config.PublicClient{HostPort: hostPort},
	}
}
