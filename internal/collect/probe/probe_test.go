package probe

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestTLS probes real listeners on 127.0.0.1.
func TestTLS(t *testing.T) {
	open := httptest.NewTLSServer(http.NotFoundHandler())
	defer open.Close()

	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()

	silent, _ := net.Listen("tcp", "127.0.0.1:0") // accepts, never speaks TLS
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()

	tests := []struct {
		name, addr, want string
	}{
		{"TLS server", open.Listener.Addr().String(), ""},
		{"closed port", closedAddr, "TCP connection to " + closedAddr + ": dial tcp " + closedAddr + ": connect: connection refused"},
		{"silent port", silent.Addr().String(), "TCP connection to " + silent.Addr().String() + " succeeded, TLS handshake failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			err := TLS(context.Background(), tc.addr, 300*time.Millisecond)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
				t.Errorf("got %v, want %q…", err, tc.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("probe took %v; the timeout is 300ms", d)
			}
		})
	}
}
