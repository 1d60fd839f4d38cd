package vcenter

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/vim25/soap"

	"github.com/asr-preflight/asr-preflight/internal/loopback"
)

// Config says how to reach and log in to vCenter.
type Config struct {
	URL        string // host, host:port or URL; user info in it is used when Username is empty
	Username   string
	Password   string
	Insecure   bool   // skip TLS verification
	CAFile     string // PEM file(s) of trusted CAs, separated like PATH
	Thumbprint string // SHA-1 or SHA-256 thumbprint of the server certificate: the certificate must match it
	Datacenter string // may be empty when vCenter has a single datacenter
	// Transport, when set, wraps the HTTP transport (request counting, tracing).
	Transport func(http.RoundTripper) http.RoundTripper
}

// SettingError is a vCenter setting that cannot work. Setting names it: "url", "username", "ca"
// or "thumbprint", so that the caller can say where the value came from.
type SettingError struct {
	Setting string
	Err     error
}

func (e *SettingError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *SettingError) Unwrap() error { return e.Err }

func settingErr(setting, format string, args ...any) error {
	return &SettingError{Setting: setting, Err: fmt.Errorf(format, args...)}
}

// Validate checks every setting without any network traffic: the URL's shape (https, or http on
// this machine only, since the login would carry the password in clear), a user name, a readable
// PEM CA file and a hex SHA-1 or SHA-256 thumbprint. Its errors are *SettingError.
func (c Config) Validate() error {
	_, err := c.settings()
	return err
}

// settings are the checked settings a collection connects with.
type settings struct {
	url   *url.URL       // without credentials
	user  *url.Userinfo  // the login
	roots *x509.CertPool // the CA files' certificates; nil for the system's
	pin   string         // the normalised thumbprint; "" for none
}

// settings checks and parses every setting, as Validate says.
func (c Config) settings() (s settings, err error) {
	if s.url, s.user, err = c.endpoint(); err != nil {
		return s, err
	}
	if c.CAFile != "" {
		if s.roots, err = c.rootCAs(); err != nil {
			return s, err
		}
	}
	if c.Thumbprint != "" {
		if s.pin, err = thumbprint(c.Thumbprint); err != nil {
			return s, err
		}
	}
	return s, nil
}

// endpoint parses the URL like govc does and returns it without credentials, plus the login.
func (c Config) endpoint() (*url.URL, *url.Userinfo, error) {
	if c.URL == "" {
		return nil, nil, settingErr("url", "no vCenter URL: set --vcenter-url, GOVC_URL or vcenter.url in the plan")
	}
	shown := redactURL(c.URL)
	u, err := soap.ParseURL(c.URL)
	if err != nil || u == nil || u.Hostname() == "" {
		return nil, nil, settingErr("url", "expected https://HOST[:PORT][/sdk] (or HOST, HOST:PORT), got %q", shown)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, nil, settingErr("url", "expected an https:// URL, got scheme %q in %q", u.Scheme, shown)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, nil, settingErr("url", "port %s in %q: expected 1-65535", p, shown)
		}
	}
	if u.Scheme == "http" && !loopback.Host(u.Hostname()) {
		return nil, nil, settingErr("url", "%q: plain http would send the password in clear; use https (http is allowed only on this machine: 127.0.0.0/8, ::1, localhost)", shown)
	}
	username, password := c.Username, c.Password
	if u.User != nil {
		if username == "" {
			username = u.User.Username()
		}
		if p, ok := u.User.Password(); ok && password == "" {
			password = p
		}
	}
	u.User = nil
	if username == "" {
		return nil, nil, settingErr("username", "no vCenter username: set --vcenter-username, GOVC_USERNAME or user:password in the URL")
	}
	return u, url.UserPassword(username, password), nil
}

// rootCAs reads the CA files: each must exist and hold at least one PEM certificate.
func (c Config) rootCAs() (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	for _, name := range filepath.SplitList(c.CAFile) {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, settingErr("ca", "reading CA file: %v", err)
		}
		if block, _ := pem.Decode(data); block == nil || !pool.AppendCertsFromPEM(data) {
			return nil, settingErr("ca", "CA file %s holds no PEM certificate; expected one or more \"-----BEGIN CERTIFICATE-----\" blocks", name)
		}
	}
	return pool, nil
}

// thumbprint normalises a SHA-1 or SHA-256 thumbprint, hex with or without colons, to the
// upper-case colon-separated form govmomi computes.
func thumbprint(s string) (string, error) {
	raw, err := hex.DecodeString(strings.ReplaceAll(s, ":", ""))
	if err != nil || (len(raw) != 20 && len(raw) != 32) {
		return "", settingErr("thumbprint", "expected the certificate's SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint, colons allowed, got %q", s)
	}
	pairs := make([]string, len(raw))
	for i, b := range raw {
		pairs[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(pairs, ":"), nil
}

// pin makes the TLS configuration accept exactly the certificate of the thumbprint, whatever else
// trusts or distrusts it: the pin replaces chain verification.
func pin(tc *tls.Config, host, want string) {
	tc.InsecureSkipVerify = true //nolint:gosec // replaced by the thumbprint check below
	tc.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("vCenter sent no certificate")
		}
		cert := cs.PeerCertificates[0]
		if got := soap.ThumbprintSHA256(cert); got == want || soap.ThumbprintSHA1(cert) == want {
			return nil
		}
		return &pinError{fmt.Sprintf("vCenter %s's certificate does not match --vcenter-thumbprint %s (its SHA-256 thumbprint is %s)", host, want, soap.ThumbprintSHA256(cert))}
	}
}

// pinError is a certificate that does not match the pinned thumbprint.
type pinError struct{ msg string }

func (e *pinError) Error() string { return e.msg }

// redactURL hides user info in a URL given on the command line.
func redactURL(s string) string {
	if i := strings.LastIndex(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			return s[:j+3] + "****@" + s[i+1:]
		}
		return "****@" + s[i+1:]
	}
	return s
}

// Address is the host:port the collector connects to, for messages; "" when the URL is invalid.
func (c Config) Address() string {
	if u, err := soap.ParseURL(c.URL); err == nil && u != nil {
		return u.Host
	}
	return ""
}
