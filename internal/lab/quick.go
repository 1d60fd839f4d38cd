package lab

import (
	"bytes"
	"crypto/tls"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sync"

	"github.com/vmware/govmomi/simulator"
)

// Simulator starts a bare vcsim over HTTPS on loopback — one datacenter, hosts standalone hosts,
// perHost VMs on each, user admin — for collector and pipeline tests that need many VMs quickly.
// tweak, when set, shapes the model before it is created. Close the server, then Remove the model.
func Simulator(hosts, perHost int, tweak func(*simulator.Model)) (*simulator.Model, *simulator.Server, error) {
	m := simulator.VPX()
	m.Cluster, m.Host, m.Machine = 0, hosts, perHost
	if tweak != nil {
		tweak(m)
	}
	if err := m.Create(); err != nil {
		return nil, nil, err
	}
	m.Service.TLS = new(tls.Config)
	m.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword("admin", "s3cret-lab")}
	return m, m.Service.NewServer(), nil
}

// ReadOnlyMethods are the vSphere methods a preflight may call: none of them changes the
// inventory (container views are session-scoped: logging out destroys them).
var ReadOnlyMethods = []string{"RetrieveServiceContent", "Login", "Logout", "CreateContainerView", "DestroyView",
	"RetrievePropertiesEx", "ContinueRetrievePropertiesEx", "RetrieveProperties", "FindByInventoryPath",
	"QueryAssignedLicenses", "HasPrivilegeOnEntities", "HasUserPrivilegeOnEntities"}

// Recorder records the vSphere method of every SOAP request a client sends.
type Recorder struct {
	mu      sync.Mutex
	methods []string
}

var soapMethod = regexp.MustCompile(`Body>\s*<([A-Za-z_]+)`)

// Wrap is a vcenter.Config Transport wrapper that records each request's method.
func (r *Recorder) Wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		m := "?"
		if sm := soapMethod.FindSubmatch(body); sm != nil {
			m = string(sm[1])
		}
		r.mu.Lock()
		r.methods = append(r.methods, m)
		r.mu.Unlock()
		return next.RoundTrip(req)
	})
}

// Methods returns the methods recorded, in order.
func (r *Recorder) Methods() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.methods)
}

// Writes returns the recorded methods that are not read-only.
func (r *Recorder) Writes() []string {
	var out []string
	for _, m := range r.Methods() {
		if !slices.Contains(ReadOnlyMethods, m) {
			out = append(out, m)
		}
	}
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
