// Package probe tests, during collection, whether the configuration server answers from where the
// tool runs: a TCP connection, then a TLS handshake. Its result is data for the checks.
package probe

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"
)

// Timeout bounds one probe.
const Timeout = 5 * time.Second

// TLS dials addr (host:port) and completes a TLS handshake within timeout, without judging the
// certificate: the configuration server's is usually self-signed, and reachability is the
// question. It says what it tried and how far it got.
func TLS(ctx context.Context, addr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
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
