package engine

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
)

var serviceNames = []string{"frontend", "history", "matching", "worker"}

// servicePorts are the gRPC and membership ports of the four services.
type servicePorts struct {
	GRPC       []int `json:"grpc"`
	Membership []int `json:"membership"`
}

// loadPorts reuses the ports of the previous start on the same data folder:
// the membership table then names live hosts at once, and a restarted
// server serves in seconds instead of waiting for dead entries to expire.
func loadPorts(dataDir string, frontend int) (servicePorts, error) {
	var p servicePorts
	file := ""
	if dataDir != "" {
		file = filepath.Join(dataDir, "ports.json")
		if b, err := os.ReadFile(file); err == nil && json.Unmarshal(b, &p) == nil && p.valid() {
			p.GRPC[0] = frontend
			if p.free() {
				return p, nil
			}
		}
	}
	p = servicePorts{GRPC: []int{frontend}}
	for len(p.GRPC) < len(serviceNames) {
		n, err := freePort()
		if err != nil {
			return p, err
		}
		p.GRPC = append(p.GRPC, n)
	}
	for len(p.Membership) < len(serviceNames) {
		n, err := freePort()
		if err != nil {
			return p, err
		}
		p.Membership = append(p.Membership, n)
	}
	if file != "" {
		b, _ := json.Marshal(p)
		if err := os.WriteFile(file, b, 0o640); err != nil {
			return p, fmt.Errorf("data folder: %w", err)
		}
	}
	return p, nil
}

func (p servicePorts) valid() bool {
	return len(p.GRPC) == len(serviceNames) && len(p.Membership) == len(serviceNames)
}

// free reports whether every port but the frontend's can be bound now.
func (p servicePorts) free() bool {
	for _, n := range append(append([]int{}, p.GRPC[1:]...), p.Membership...) {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", n))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}
