// Package loopback tells whether a host is this machine: the one place where plain HTTP may carry
// a password or a token, and where serve and the lab listen unless told otherwise.
package loopback

import (
	"net"
	"strings"
)

// Host reports whether host (a name or an IP literal, without a port) is this machine:
// localhost, 127.0.0.0/8 or ::1.
func Host(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
