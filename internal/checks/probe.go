package checks

import (
	"cmp"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"
)

// Prober tests whether an address answers; tests replace it.
type Prober interface {
	// Probe connects to addr over TCP, then completes a TLS handshake, within ctx. It says what
	// it tried and how far it got.
	Probe(ctx context.Context, addr string) error
}

// TLSProber is the real Prober.
type TLSProber struct {
	Timeout time.Duration // per probe; default 5 s
}

// Probe dials addr and completes a TLS handshake without judging the certificate: the
// configuration server's is usually self-signed, and reachability is the question.
func (p TLSProber) Probe(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(p.Timeout, 5*time.Second))
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("TCP connection to %s: %w", addr, err)
	}
	defer conn.Close()
	host, _, _ := net.SplitHostPort(addr)
	tc := tls.Client(conn, &tls.Config{ServerName: host, InsecureSkipVerify: true}) //nolint:gosec // reachability only
	if err := tc.HandshakeContext(ctx); err != nil {
		return fmt.Errorf("TCP connection to %s succeeded, TLS handshake failed: %w", addr, err)
	}
	return nil
}
