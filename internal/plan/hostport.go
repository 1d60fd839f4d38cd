package plan

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// HostPort splits an address given as host[:port] — a DNS name or an IP literal ("[v6]:port" with a
// port) and a port from 1 to 65535 — giving defaultPort when it has none. Anything else is an error
// saying what was expected: the address ends up in network probes and in a script run inside
// Azure VMs, so it is held to exactly this shape.
func HostPort(addr, defaultPort string) (host, port string, err error) {
	bad := func(why string) (string, string, error) {
		return "", "", fmt.Errorf("expected host[:port] (a DNS name or an IP address, port 1-65535), got %q: %s", addr, why)
	}
	host, port = addr, defaultPort
	switch {
	case strings.HasPrefix(addr, "["):
		h, p, err := net.SplitHostPort(addr)
		if err != nil {
			inner, ok := strings.CutSuffix(strings.TrimPrefix(addr, "["), "]")
			if !ok {
				return bad("malformed [IPv6] address")
			}
			h, p = inner, defaultPort
		}
		if ip := net.ParseIP(h); ip == nil || ip.To4() != nil {
			return bad("not an IPv6 address in brackets")
		}
		host, port = h, p
	case strings.Count(addr, ":") > 1: // a bare IPv6 address, no port
		if net.ParseIP(addr) == nil {
			return bad("not an IP address")
		}
	case strings.Contains(addr, ":"):
		host, port, _ = strings.Cut(addr, ":")
		if net.ParseIP(host) == nil && !dnsName(host) {
			return bad("not a DNS name or IP address")
		}
	default:
		if net.ParseIP(host) == nil && !dnsName(host) {
			return bad("not a DNS name or IP address")
		}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
		return bad("the port must be a number from 1 to 65535")
	}
	return host, port, nil
}

// dnsName reports whether s is a DNS host name: dot-separated labels of letters, digits and
// hyphens, 1 to 63 characters each, not starting or ending with a hyphen, 253 characters at most.
func dnsName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
