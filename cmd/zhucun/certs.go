package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zhucun/internal/seal"
)

// certsCmd makes a split deployment's certificates: a CA, the Temporal
// frontend's server certificate, a client certificate for api and worker
// processes and the UI, and the keys they share (seal).
func certsCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("certs", flag.ContinueOnError)
	hosts := fs.String("host", "", "names or IPs the Temporal frontend is reached by, comma-separated (localhost and loopback are always in)")
	ifMissing := fs.Bool("if-missing", false, "leave a folder that already holds a CA as it is (for a container's every start)")
	valid := fs.Duration("valid", 5*365*24*time.Hour, "how long the certificates are valid")
	dir := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if dir == "" && fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	if dir == "" {
		return errors.New("usage: zhucun certs DIR [--host temporal.example,10.0.0.5]")
	}
	var hs []string
	for _, h := range strings.Split(*hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hs = append(hs, h)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, seal.CAFile)); err == nil && *ifMissing {
		fmt.Fprintf(stdout, "zhucun certs: %s holds a CA already; left as it is\n", dir)
		return nil
	}
	if err := seal.GenerateCerts(dir, hs, *valid); err != nil {
		return err
	}
	fmt.Fprintf(stdout, `zhucun certs: wrote %[1]s
  temporal:   ZHUCUN_TLS_DIR=%[1]s (uses %[2]s, %[3]s, %[4]s)
  api/worker: ZHUCUN_TLS_DIR=%[1]s ZHUCUN_KEYS_FILE=%[1]s/%[5]s (use %[2]s, %[6]s, %[7]s, %[5]s)
  keep %[8]s apart: it issues certificates
`, dir, seal.CAFile, seal.ServerFile, seal.ServerKeyFile, seal.KeysFile, seal.ClientFile, seal.ClientKeyFile, seal.CAKeyFile)
	return nil
}
