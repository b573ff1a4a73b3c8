package bench

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"zhucun/engine"
)

// external dials a running split deployment: the benchmark's raw worker
// joins its Temporal server, and the product side spreads its requests
// over its api processes. Nothing is dropped: the deployment's data stays.
func external(ctx context.Context, o Options) (target, func(), error) {
	var apis []string
	for _, u := range o.APIs {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			apis = append(apis, u)
		}
	}
	if o.TemporalAddress == "" || len(apis) == 0 {
		return target{}, nil, errors.New("a deployment is measured with both --temporal-address and --api")
	}
	// Quiet, as the in-process run is: the tables are the output.
	c, err := client.DialContext(ctx, client.Options{HostPort: o.TemporalAddress, Namespace: "default",
		Logger: engine.SDKLogger(zap.NewNop())})
	if err != nil {
		return target{}, nil, fmt.Errorf("temporal at %s: %w", o.TemporalAddress, err)
	}
	return target{temporal: c, apis: apis}, c.Close, nil
}
