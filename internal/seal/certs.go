package seal

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The files of a certificates folder, as `zhucun certs DIR` writes them.
// The Temporal server needs ca.pem, server.pem and server-key.pem; api
// and worker processes need ca.pem, client.pem, client-key.pem and
// keys.json. ca-key.pem issues more certificates and belongs nowhere else.
const (
	CAFile        = "ca.pem"
	CAKeyFile     = "ca-key.pem"
	ServerFile    = "server.pem"
	ServerKeyFile = "server-key.pem"
	ClientFile    = "client.pem"
	ClientKeyFile = "client-key.pem"
	KeysFile      = "keys.json"
)

// TLSDir is a certificates folder.
type TLSDir string

// Path is the path of one of the folder's files.
func (d TLSDir) Path(name string) string { return filepath.Join(string(d), name) }

// ClientConfig is the TLS of a client of the Temporal frontend: it shows
// the client certificate and trusts only the folder's CA. serverName is
// the name the server's certificate must bear (the host dialled).
func (d TLSDir) ClientConfig(serverName string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(d.Path(ClientFile), d.Path(ClientKeyFile))
	if err != nil {
		return nil, fmt.Errorf("client certificate in %s: %w", d, err)
	}
	pool, err := d.pool()
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool, ServerName: serverName, MinVersion: tls.VersionTLS12}, nil
}

func (d TLSDir) pool() (*x509.CertPool, error) {
	b, err := os.ReadFile(d.Path(CAFile))
	if err != nil {
		return nil, fmt.Errorf("CA certificate: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("no certificate in %s", d.Path(CAFile))
	}
	return pool, nil
}

// GenerateCerts writes a CA, a server certificate for localhost, the
// loopback addresses and hosts (names or IPs the frontend is reached by),
// a client certificate, and keys.json (when missing), into dir. It refuses
// to overwrite a CA already there.
func GenerateCerts(dir string, hosts []string, valid time.Duration) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, CAFile)); err == nil {
		return fmt.Errorf("%s already holds a CA; remove it or pick another folder", dir)
	}
	now := time.Now().Add(-time.Hour) // clocks a little behind still accept it
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	caTmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "zhucun CA"},
		NotBefore: now, NotAfter: now.Add(valid), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, MaxPathLenZero: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	ca, _ := x509.ParseCertificate(caDER)
	if err := writePEM(dir, CAFile, "CERTIFICATE", caDER, 0o644); err != nil {
		return err
	}
	if err := writeKey(dir, CAKeyFile, caKey); err != nil {
		return err
	}
	server := &x509.Certificate{
		Subject: pkix.Name{CommonName: "zhucun temporal"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			server.IPAddresses = append(server.IPAddresses, ip)
		} else if h != "" {
			server.DNSNames = append(server.DNSNames, h)
		}
	}
	if err := issue(dir, ServerFile, ServerKeyFile, server, ca, caKey, now, valid); err != nil {
		return err
	}
	client := &x509.Certificate{Subject: pkix.Name{CommonName: "zhucun client"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if err := issue(dir, ClientFile, ClientKeyFile, client, ca, caKey, now, valid); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, KeysFile)); errors.Is(err, os.ErrNotExist) {
		k, err := NewKeys()
		if err != nil {
			return err
		}
		return k.Save(filepath.Join(dir, KeysFile))
	}
	return nil
}

func issue(dir, certFile, keyFile string, tmpl, ca *x509.Certificate, caKey *ecdsa.PrivateKey, now time.Time, valid time.Duration) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl.SerialNumber, tmpl.NotBefore, tmpl.NotAfter = serial(), now, now.Add(valid)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	if err := writePEM(dir, certFile, "CERTIFICATE", der, 0o644); err != nil {
		return err
	}
	return writeKey(dir, keyFile, key)
}

func writeKey(dir, name string, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	return writePEM(dir, name, "PRIVATE KEY", der, 0o600)
}

func writePEM(dir, name, typ string, der []byte, mode os.FileMode) error {
	return os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}
