package test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/asr-preflight/asr-preflight/internal/plan"
)

// apiVersions are the kinds examples/kubernetes may hold, and the API version of each.
var apiVersions = map[string]string{
	"Namespace": "v1", "ServiceAccount": "v1", "Secret": "v1", "ConfigMap": "v1", "Service": "v1",
	"Deployment": "apps/v1", "ServiceMonitor": "monitoring.coreos.com/v1",
	"Certificate": "cert-manager.io/v1", "Issuer": "cert-manager.io/v1", // certificate.yaml, optional
}

// objectMeta is the part of an object's metadata the test reads.
type objectMeta struct {
	Name      string            `yaml:"name"`
	Namespace string            `yaml:"namespace"`
	Labels    map[string]string `yaml:"labels"`
}

// manifest is one document of examples/kubernetes; node holds it whole, to decode by kind.
type manifest struct {
	APIVersion string     `yaml:"apiVersion"`
	Kind       string     `yaml:"kind"`
	Metadata   objectMeta `yaml:"metadata"`
	file       string
	node       *yaml.Node
}

type deployment struct {
	Spec struct {
		Replicas *int `yaml:"replicas"`
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata objectMeta `yaml:"metadata"`
			Spec     podSpec    `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type podSpec struct {
	ServiceAccountName           string `yaml:"serviceAccountName"`
	AutomountServiceAccountToken *bool  `yaml:"automountServiceAccountToken"`
	SecurityContext              struct {
		RunAsNonRoot   *bool  `yaml:"runAsNonRoot"`
		RunAsUser      *int64 `yaml:"runAsUser"`
		RunAsGroup     *int64 `yaml:"runAsGroup"`
		FSGroup        *int64 `yaml:"fsGroup"`
		SeccompProfile struct {
			Type string `yaml:"type"`
		} `yaml:"seccompProfile"`
	} `yaml:"securityContext"`
	Containers []container `yaml:"containers"`
	Volumes    []volume    `yaml:"volumes"`
}

type container struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	LivenessProbe   *probe `yaml:"livenessProbe"`
	ReadinessProbe  *probe `yaml:"readinessProbe"`
	SecurityContext struct {
		ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		Capabilities             struct {
			Drop []string `yaml:"drop"`
		} `yaml:"capabilities"`
	} `yaml:"securityContext"`
	Resources struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		SubPath   string `yaml:"subPath"`
	} `yaml:"volumeMounts"`
}

type probe struct {
	HTTPGet *struct {
		Path   string `yaml:"path"`
		Port   any    `yaml:"port"` // a number or a port's name
		Scheme string `yaml:"scheme"`
	} `yaml:"httpGet"`
}

type volume struct {
	Name      string `yaml:"name"`
	ConfigMap *struct {
		Name  string    `yaml:"name"`
		Items []keyPath `yaml:"items"`
	} `yaml:"configMap"`
	Secret *struct {
		SecretName  string    `yaml:"secretName"`
		Items       []keyPath `yaml:"items"`
		DefaultMode *int      `yaml:"defaultMode"`
	} `yaml:"secret"`
	EmptyDir *struct{} `yaml:"emptyDir"`
}

type keyPath struct {
	Key  string `yaml:"key"`
	Path string `yaml:"path"`
}

type service struct {
	Spec struct {
		Type     string            `yaml:"type"`
		Selector map[string]string `yaml:"selector"`
		Ports    []struct {
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort any    `yaml:"targetPort"`
		} `yaml:"ports"`
	} `yaml:"spec"`
}

type serviceMonitor struct {
	Spec struct {
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Endpoints []struct {
			Port          string `yaml:"port"`
			Scheme        string `yaml:"scheme"`
			Path          string `yaml:"path"`
			Interval      string `yaml:"interval"`
			Authorization struct {
				Type        string       `yaml:"type"`
				Credentials secretKeyRef `yaml:"credentials"`
			} `yaml:"authorization"`
			TLSConfig struct {
				ServerName string `yaml:"serverName"`
				CA         struct {
					Secret secretKeyRef `yaml:"secret"`
				} `yaml:"ca"`
				InsecureSkipVerify bool `yaml:"insecureSkipVerify"`
			} `yaml:"tlsConfig"`
		} `yaml:"endpoints"`
	} `yaml:"spec"`
}

type secretKeyRef struct {
	Name string `yaml:"name"`
	Key  string `yaml:"key"`
}

type certificate struct {
	Spec struct {
		SecretName string   `yaml:"secretName"`
		DNSNames   []string `yaml:"dnsNames"`
	} `yaml:"spec"`
}

// loadManifests reads every document of examples/kubernetes/*.yaml.
func loadManifests(t *testing.T) []manifest {
	t.Helper()
	files, _ := filepath.Glob("../examples/kubernetes/*.yaml")
	if len(files) == 0 {
		t.Fatal("no examples/kubernetes/*.yaml")
	}
	var all []manifest
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for i := 1; ; i++ {
			var n yaml.Node
			if err := dec.Decode(&n); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: document %d: %v", f, i, err)
			}
			if len(n.Content) == 0 || n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Tag == "!!null" {
				continue // only comments
			}
			m := manifest{file: filepath.Base(f), node: &n}
			if err := n.Decode(&m); err != nil {
				t.Fatalf("%s: document %d: %v", f, i, err)
			}
			all = append(all, m)
		}
	}
	return all
}

// decodeAs decodes a manifest into v.
func decodeAs(t *testing.T, m manifest, v any) {
	t.Helper()
	if err := m.node.Decode(v); err != nil {
		t.Fatalf("%s: %s %s: %v", m.file, m.Kind, m.Metadata.Name, err)
	}
}

// serveHelp is `asr-preflight serve --help`, and the long flags it lists.
func serveHelp(t *testing.T) (string, map[string]bool) {
	t.Helper()
	res := run(t, "", nil, "serve", "--help")
	if res.code != 0 {
		t.Fatalf("serve --help: exit %d: %s", res.code, res.stderr)
	}
	flags := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([a-z0-9-]+)`).FindAllStringSubmatch(res.stdout, -1) {
		flags[m[1]] = true
	}
	if !flags["plan"] || !flags["auth-token-file"] {
		t.Fatalf("serve --help lists no --plan or --auth-token-file:\n%s", res.stdout)
	}
	return res.stdout, flags
}

// flagArg is one --name[=value] of a command line, and where it is.
type flagArg struct {
	name, value string
	at          int // index of the value's argument
	inline      bool
}

// parseFlags splits the --flags of args, as --name=value or --name value.
func parseFlags(args []string) []flagArg {
	var out []flagArg
	for i := 0; i < len(args); i++ {
		name, ok := strings.CutPrefix(args[i], "--")
		if !ok {
			continue
		}
		if n, v, inline := strings.Cut(name, "="); inline {
			out = append(out, flagArg{n, v, i, true})
		} else if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			out = append(out, flagArg{name, args[i+1], i + 1, false})
			i++
		} else {
			out = append(out, flagArg{name, "", i, false})
		}
	}
	return out
}

// unknownFlags are the flags of args that serve --help does not list.
func unknownFlags(args []flagArg, known map[string]bool) []string {
	var bad []string
	for _, f := range args {
		if !known[f.name] {
			bad = append(bad, "--"+f.name)
		}
	}
	return bad
}

// subset tells whether every label of sel is in labels, with the same value.
func subset(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return len(sel) > 0
}

// kubernetesExample is examples/kubernetes, decoded.
type kubernetesExample struct {
	namespace string
	dep       deployment
	ctr       container
	svc       service
	svcMeta   objectMeta
	sm        serviceMonitor
	secrets   map[string]map[string]string // name → key → value; a Certificate's Secret has empty values
	maps      map[string]map[string]string
	accounts  map[string]bool
	certs     []certificate
}

// readKubernetesExample loads examples/kubernetes and checks its kinds, names and namespaces.
func readKubernetesExample(t *testing.T) kubernetesExample {
	t.Helper()
	ex := kubernetesExample{secrets: map[string]map[string]string{}, maps: map[string]map[string]string{}, accounts: map[string]bool{}}
	count, seen := map[string]int{}, map[string]string{}
	all := loadManifests(t)
	for _, m := range all {
		want, known := apiVersions[m.Kind]
		switch {
		case !known:
			t.Errorf("%s: unexpected kind %q (apiVersion %s)", m.file, m.Kind, m.APIVersion)
			continue
		case m.APIVersion != want:
			t.Errorf("%s: %s %s: apiVersion %s, want %s", m.file, m.Kind, m.Metadata.Name, m.APIVersion, want)
		case m.Metadata.Name == "":
			t.Errorf("%s: a %s without a name", m.file, m.Kind)
		}
		if other, dup := seen[m.Kind+"/"+m.Metadata.Name]; dup {
			t.Errorf("%s: %s %s is also in %s", m.file, m.Kind, m.Metadata.Name, other)
		}
		seen[m.Kind+"/"+m.Metadata.Name] = m.file
		count[m.Kind]++
		if m.Kind == "Namespace" {
			ex.namespace = m.Metadata.Name
		}
	}
	for _, kind := range []string{"Deployment", "Service", "ConfigMap", "ServiceMonitor"} {
		if count[kind] != 1 {
			t.Errorf("%d %s in examples/kubernetes, want 1", count[kind], kind)
		}
	}
	if count["Secret"] == 0 {
		t.Error("no Secret in examples/kubernetes")
	}
	if t.Failed() {
		t.FailNow()
	}
	for _, m := range all {
		if m.Kind != "Namespace" && m.Metadata.Namespace != ex.namespace {
			t.Errorf("%s: %s %s is in namespace %q, want %q (the Namespace's, or none)", m.file, m.Kind, m.Metadata.Name, m.Metadata.Namespace, ex.namespace)
		}
		switch m.Kind {
		case "Deployment":
			decodeAs(t, m, &ex.dep)
		case "Service":
			decodeAs(t, m, &ex.svc)
			ex.svcMeta = m.Metadata
		case "ServiceMonitor":
			decodeAs(t, m, &ex.sm)
		case "ServiceAccount":
			ex.accounts[m.Metadata.Name] = true
		case "Secret", "ConfigMap":
			var d struct {
				Data       map[string]string `yaml:"data"`
				StringData map[string]string `yaml:"stringData"`
			}
			decodeAs(t, m, &d)
			keys := map[string]string{}
			maps.Copy(keys, d.Data)
			maps.Copy(keys, d.StringData)
			if m.Kind == "Secret" {
				ex.secrets[m.Metadata.Name] = keys
			} else {
				ex.maps[m.Metadata.Name] = keys
			}
		case "Certificate":
			var c certificate
			decodeAs(t, m, &c)
			ex.certs = append(ex.certs, c)
		}
	}
	// The kubernetes.io/tls Secret cert-manager writes for a Certificate.
	for _, c := range ex.certs {
		if _, dup := ex.secrets[c.Spec.SecretName]; !dup && c.Spec.SecretName != "" {
			ex.secrets[c.Spec.SecretName] = map[string]string{"tls.crt": "", "tls.key": "", "ca.crt": ""}
		}
	}
	if n := len(ex.dep.Spec.Template.Spec.Containers); n != 1 {
		t.Fatalf("deployment: %d containers, want 1", n)
	}
	ex.ctr = ex.dep.Spec.Template.Spec.Containers[0]
	return ex
}

// port resolves a probe's or a Service's port, a number or a name, to the container's port.
func (ex kubernetesExample) port(p any) int {
	switch p := p.(type) {
	case int:
		return p
	case string:
		for _, cp := range ex.ctr.Ports {
			if cp.Name == p {
				return cp.ContainerPort
			}
		}
	}
	return -1
}

// mountOf is the volume mount whose directory holds file, and the file's key in the volume.
func (ex kubernetesExample) mountOf(file string) (mountPath, key string, vol *volume) {
	for _, vm := range ex.ctr.VolumeMounts {
		if rel, ok := strings.CutPrefix(file, strings.TrimSuffix(vm.MountPath, "/")+"/"); ok && vm.SubPath == "" {
			if v := ex.volume(vm.Name); v.ConfigMap != nil || v.Secret != nil || v.EmptyDir != nil {
				return vm.MountPath, rel, &v
			}
		}
	}
	return "", "", nil
}

// volume is the pod's volume of that name.
func (ex kubernetesExample) volume(name string) volume {
	for _, v := range ex.dep.Spec.Template.Spec.Volumes {
		if v.Name == name {
			return v
		}
	}
	return volume{Name: name}
}

// volumeKeys are the keys a volume's ConfigMap or Secret gives it, as the file names in the mount,
// and false when the manifests do not define that ConfigMap or Secret.
func (ex kubernetesExample) volumeKeys(v volume) (map[string]string, bool) {
	var src map[string]string
	var items []keyPath
	switch {
	case v.ConfigMap != nil:
		src, items = ex.maps[v.ConfigMap.Name], v.ConfigMap.Items
	case v.Secret != nil:
		src, items = ex.secrets[v.Secret.SecretName], v.Secret.Items
	default:
		return nil, true
	}
	if src == nil {
		return nil, false
	}
	if len(items) == 0 {
		return src, true
	}
	files := map[string]string{}
	for _, it := range items {
		if val, ok := src[it.Key]; ok {
			files[it.Path] = val
		}
	}
	return files, true
}

// TestKubernetesExamples: examples/kubernetes is a coherent, locked-down deployment of serve — the
// kinds, the pod's security, probes, ports, volumes and arguments, the Service and the
// ServiceMonitor that find it — whose plan parses and whose arguments run the real serve.
func TestKubernetesExamples(t *testing.T) {
	ex := readKubernetesExample(t)
	dep, pod, c := ex.dep, ex.dep.Spec.Template.Spec, ex.ctr
	help, known := serveHelp(t)

	// The pod.
	if r := dep.Spec.Replicas; r == nil || *r != 1 {
		t.Errorf("deployment: replicas %v, want 1", r)
	}
	if !subset(dep.Spec.Selector.MatchLabels, dep.Spec.Template.Metadata.Labels) {
		t.Errorf("deployment: selector %v does not match the pod's labels %v", dep.Spec.Selector.MatchLabels, dep.Spec.Template.Metadata.Labels)
	}
	if p := pod.AutomountServiceAccountToken; p == nil || *p {
		t.Error("pod: automountServiceAccountToken is not false")
	}
	if name := pod.ServiceAccountName; name != "" && !ex.accounts[name] {
		t.Errorf("pod: serviceAccountName %s: no such ServiceAccount", name)
	}
	sc := pod.SecurityContext
	if sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Error("pod: runAsNonRoot is not true")
	}
	for name, id := range map[string]*int64{"runAsUser": sc.RunAsUser, "runAsGroup": sc.RunAsGroup, "fsGroup": sc.FSGroup} {
		if id == nil || *id <= 0 {
			t.Errorf("pod: %s %v, want a non-root numeric ID", name, id)
		}
	}
	if sc.SeccompProfile.Type != "RuntimeDefault" {
		t.Errorf("pod: seccompProfile %q, want RuntimeDefault", sc.SeccompProfile.Type)
	}

	// The container.
	csc := c.SecurityContext
	if csc.ReadOnlyRootFilesystem == nil || !*csc.ReadOnlyRootFilesystem {
		t.Error("container: readOnlyRootFilesystem is not true")
	}
	if csc.AllowPrivilegeEscalation == nil || *csc.AllowPrivilegeEscalation {
		t.Error("container: allowPrivilegeEscalation is not false")
	}
	if !slices.Equal(csc.Capabilities.Drop, []string{"ALL"}) {
		t.Errorf("container: capabilities drop %v, want [ALL]", csc.Capabilities.Drop)
	}
	for _, r := range []string{"cpu", "memory"} {
		if c.Resources.Requests[r] == "" || c.Resources.Limits[r] == "" {
			t.Errorf("container: no %s request and limit: %+v", r, c.Resources)
		}
	}
	if c.Image == "" || len(c.Command) > 0 && !slices.Equal(c.Command, []string{"/usr/local/bin/asr-preflight"}) {
		t.Errorf("container: image %q, command %v: want the image's entrypoint", c.Image, c.Command)
	}
	if len(c.Ports) != 1 {
		t.Fatalf("container: ports %+v, want one", c.Ports)
	}
	containerPort := c.Ports[0].ContainerPort
	for name, want := range map[string]struct {
		p    *probe
		path string
	}{"livenessProbe": {c.LivenessProbe, "/healthz"}, "readinessProbe": {c.ReadinessProbe, "/readyz"}} {
		switch p := want.p; {
		case p == nil || p.HTTPGet == nil:
			t.Errorf("container: no %s httpGet", name)
		case p.HTTPGet.Path != want.path || p.HTTPGet.Scheme != "HTTPS" || ex.port(p.HTTPGet.Port) != containerPort:
			t.Errorf("container: %s %+v, want %s over HTTPS on port %d", name, *p.HTTPGet, want.path, containerPort)
		}
	}

	// Volumes: each mount's volume exists, and so do the ConfigMap and Secrets they name.
	vols := map[string]bool{}
	for _, v := range pod.Volumes {
		vols[v.Name] = true
		if _, ok := ex.volumeKeys(v); !ok {
			t.Errorf("volume %s: its ConfigMap or Secret is not in examples/kubernetes", v.Name)
		}
		if v.Secret != nil && (v.Secret.DefaultMode == nil || *v.Secret.DefaultMode&0o077 != 0) {
			t.Errorf("volume %s: defaultMode %v, want 0400", v.Name, v.Secret.DefaultMode)
		}
	}
	for _, vm := range c.VolumeMounts {
		if !vols[vm.Name] {
			t.Errorf("volumeMount %s at %s: no such volume", vm.Name, vm.MountPath)
		}
	}

	// The arguments: serve's own flags, files in the mounts, the port the probes use.
	if len(c.Args) == 0 || c.Args[0] != "serve" {
		t.Fatalf("container: args %v, want serve …", c.Args)
	}
	args := parseFlags(c.Args)
	if bad := unknownFlags(args, known); len(bad) > 0 {
		t.Errorf("container args: serve --help lists no %v", bad)
	}
	given := map[string]string{}
	for _, f := range args {
		given[f.name] = f.value
		if !strings.HasPrefix(f.value, "/") {
			continue
		}
		_, key, vol := ex.mountOf(f.value)
		if vol == nil {
			t.Errorf("--%s %s: no volume is mounted there", f.name, f.value)
			continue
		}
		if files, _ := ex.volumeKeys(*vol); files != nil {
			if _, ok := files[key]; !ok {
				t.Errorf("--%s %s: volume %s has no %s (it has %v)", f.name, f.value, vol.Name, key, slices.Sorted(maps.Keys(files)))
			}
		}
	}
	for _, need := range []string{"plan", "tls-cert", "tls-key", "auth-token-file", "listen"} {
		if given[need] == "" {
			t.Errorf("container args: no --%s", need)
		}
	}
	if _, p, err := net.SplitHostPort(given["listen"]); err != nil || p != strconv.Itoa(containerPort) {
		t.Errorf("--listen %s: want the container's port %d", given["listen"], containerPort)
	}
	for _, e := range c.Env {
		if !strings.Contains(help, e.Name) {
			t.Errorf("env %s: serve --help does not name it", e.Name)
		}
	}

	// The plan in the ConfigMap parses.
	_, key, vol := ex.mountOf(given["plan"])
	if vol == nil || vol.ConfigMap == nil {
		t.Fatalf("--plan %s is not in a ConfigMap volume", given["plan"])
	}
	text := ex.maps[vol.ConfigMap.Name][key]
	if _, err := plan.Parse(key, []byte(text)); err != nil {
		t.Errorf("ConfigMap %s, %s: %v", vol.ConfigMap.Name, key, err)
	}

	// The Service finds the pod, on the container's port.
	svc := ex.svc.Spec
	if svc.Type != "" && svc.Type != "ClusterIP" {
		t.Errorf("service: type %s, want ClusterIP", svc.Type)
	}
	if !subset(svc.Selector, dep.Spec.Template.Metadata.Labels) {
		t.Errorf("service: selector %v does not match the pod's labels %v", svc.Selector, dep.Spec.Template.Metadata.Labels)
	}
	if len(svc.Ports) != 1 || svc.Ports[0].Name != "https" || ex.port(svc.Ports[0].TargetPort) != containerPort {
		t.Fatalf("service: ports %+v, want one named https to the container's port %d", svc.Ports, containerPort)
	}

	// The ServiceMonitor finds the Service, and scrapes it over TLS with the token.
	sm := ex.sm.Spec
	if !subset(sm.Selector.MatchLabels, ex.svcMeta.Labels) {
		t.Errorf("servicemonitor: selector %v does not match the Service's labels %v", sm.Selector.MatchLabels, ex.svcMeta.Labels)
	}
	if len(sm.Endpoints) != 1 {
		t.Fatalf("servicemonitor: %d endpoints, want 1", len(sm.Endpoints))
	}
	ep := sm.Endpoints[0]
	if ep.Port != svc.Ports[0].Name || ep.Scheme != "https" || ep.Path != "/metrics" || ep.Interval == "" {
		t.Errorf("servicemonitor: endpoint port %q scheme %q path %q interval %q, want %s, https, /metrics, an interval", ep.Port, ep.Scheme, ep.Path, ep.Interval, svc.Ports[0].Name)
	}
	tokenFile := given["auth-token-file"]
	_, tokenKey, tokenVol := ex.mountOf(tokenFile)
	auth := ep.Authorization
	if auth.Type != "Bearer" || tokenVol == nil || tokenVol.Secret == nil || auth.Credentials != (secretKeyRef{tokenVol.Secret.SecretName, tokenKey}) {
		t.Errorf("servicemonitor: authorization %+v, want Bearer from the Secret key serve reads as %s", auth, tokenFile)
	}
	tc := ep.TLSConfig
	serverName := ex.svcMeta.Name + "." + ex.namespace + ".svc"
	_, _, tlsVol := ex.mountOf(given["tls-cert"])
	if tc.InsecureSkipVerify || tc.ServerName != serverName || tlsVol == nil || tlsVol.Secret == nil || tc.CA.Secret.Name != tlsVol.Secret.SecretName {
		t.Errorf("servicemonitor: tlsConfig %+v, want serverName %s and the CA of serve's TLS Secret", tc, serverName)
	} else if _, ok := ex.secrets[tc.CA.Secret.Name][tc.CA.Secret.Key]; !ok {
		t.Errorf("servicemonitor: tlsConfig CA %+v: no such Secret key", tc.CA.Secret)
	}
	for _, cert := range ex.certs {
		if cert.Spec.SecretName == tc.CA.Secret.Name && !slices.Contains(cert.Spec.DNSNames, serverName) {
			t.Errorf("certificate of %s: dnsNames %v lack the ServiceMonitor's serverName %s", cert.Spec.SecretName, cert.Spec.DNSNames, serverName)
		}
	}
	if t.Failed() {
		return
	}
	t.Run("serve runs with the container's arguments", func(t *testing.T) { serveAsDeployed(t, ex, text) })
}

// serveAsDeployed runs the real serve with the container's arguments and environment, its volumes
// laid out in a temporary directory (a test certificate for the TLS Secret), against a lab whose
// password is in the Secret's file: the probes answer without the token, the metrics with it only,
// and the first runs reach vCenter and Azure.
func serveAsDeployed(t *testing.T, ex kubernetesExample, planText string) {
	indented := "  " + strings.ReplaceAll(strings.TrimSpace(planText), "\n", "\n  ")
	w := startScenario(t, "description: the Kubernetes example's estate\nvcenter:\n  datastores: [{name: ds01}, {name: ds02}]\nazure: {}\nplan:\n"+indented+"\n")
	labEnv := map[string]string{}
	for _, kv := range w.Env() {
		k, v, _ := strings.Cut(kv, "=")
		labEnv[k] = v
	}

	root := t.TempDir()
	certDir := t.TempDir()
	certFile, keyFile := writeCert(t, certDir)
	var token string
	for _, vm := range ex.ctr.VolumeMounts {
		dir := filepath.Join(root, vm.MountPath)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		files, _ := ex.volumeKeys(ex.volume(vm.Name))
		for name, content := range files {
			switch {
			case name == "tls.crt" || name == "ca.crt":
				content = readFile(t, certFile)
			case name == "tls.key":
				content = readFile(t, keyFile)
			case path.Join(vm.MountPath, name) == parseValue(ex.ctr.Args, "vcenter-password-file"):
				content = labEnv["GOVC_PASSWORD"]
			case path.Join(vm.MountPath, name) == parseValue(ex.ctr.Args, "auth-token-file"):
				token = strings.TrimSpace(content)
			}
			// as the kubelet lays out a Secret with the pod's fsGroup (this process's group): 0440
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o440); err != nil {
				t.Fatal(err)
			}
		}
	}
	args := slices.Clone(ex.ctr.Args)
	for _, f := range parseFlags(args) {
		v := f.value
		if f.name == "listen" {
			v = "127.0.0.1:0"
		} else if strings.HasPrefix(v, "/") {
			v = filepath.Join(root, v)
		}
		if f.inline {
			args[f.at] = "--" + f.name + "=" + v
		} else {
			args[f.at] = v
		}
	}
	// The container's variables, with the lab's values; then the lab's others (its CA, Azure) but
	// the password, which serve must read from the Secret's file.
	var env []string
	set := map[string]bool{"GOVC_PASSWORD": true}
	for _, e := range ex.ctr.Env {
		v, ok := labEnv[e.Name]
		if !ok {
			v = e.Value
		}
		env, set[e.Name] = append(env, e.Name+"="+v), true
	}
	for _, k := range slices.Sorted(maps.Keys(labEnv)) {
		if !set[k] {
			env = append(env, k+"="+labEnv[k])
		}
	}

	s := startServe(t, env, args[1:]...)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(readFile(t, certFile)))
	s.base = strings.Replace(s.base, "http://", "https://", 1)
	s.client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	if code, _ := s.get(t, "/healthz"); code != 200 {
		t.Errorf("/healthz without the token: %d", code)
	}
	if code, _ := s.get(t, "/metrics"); code != 401 {
		t.Errorf("/metrics without the token: %d, want 401", code)
	}
	s.waitFor(t, 20*time.Second, "/readyz without the token", func() bool { code, _ := s.get(t, "/readyz"); return code == 200 })
	s.token = token
	code, scrape := s.get(t, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics with the Secret's token: %d", code)
	}
	for _, source := range []string{"vcenter", "azure", "vault"} {
		if up, ok := metric(scrape, "asr_preflight_source_up", `source="`+source+`"`); !ok || up != 1 {
			t.Errorf("source_up{source=%q}: %v %v, want 1\n%s", source, up, ok, s.log())
		}
	}
	logged := s.log()
	for line := range strings.Lines(logged) {
		if !json.Valid([]byte(line)) {
			t.Errorf("a log line that is not JSON: %s", line)
		}
	}
	if strings.Contains(logged, `"level":"WARN"`) {
		t.Errorf("serve warned:\n%s", logged)
	}
}

// parseValue is the value of --name in args, or "".
func parseValue(args []string, name string) string {
	for _, f := range parseFlags(args) {
		if f.name == name {
			return f.value
		}
	}
	return ""
}

// readFile is a file's content.
func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// unitEntry is one Key=Value of a unit file, and its line.
type unitEntry struct {
	section, key, value string
	line                int
}

// parseUnit reads a systemd unit: [Section] headers, Key=Value lines (repeated keys kept, in order),
// # and ; comments, and lines continued with a trailing backslash.
func parseUnit(text string) ([]unitEntry, error) {
	var out []unitEntry
	section, pending, start := "", "", 0
	for i, line := range strings.Split(text, "\n") {
		if pending == "" {
			start = i + 1
		}
		trimmed := strings.TrimSpace(line)
		if pending == "" && (trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";")) {
			continue
		}
		if body, ok := strings.CutSuffix(trimmed, "\\"); ok {
			pending += body + " "
			continue
		}
		full := pending + trimmed
		pending = ""
		if strings.HasPrefix(full, "[") && strings.HasSuffix(full, "]") {
			section = full[1 : len(full)-1]
			continue
		}
		k, v, ok := strings.Cut(full, "=")
		if !ok || section == "" {
			return nil, fmt.Errorf("line %d: %q is neither [Section] nor Key=Value in a section", start, full)
		}
		out = append(out, unitEntry{section, strings.TrimSpace(k), strings.TrimSpace(v), start})
	}
	return out, nil
}

// values are the values of section's key, in order.
func values(unit []unitEntry, section, key string) []string {
	var out []string
	for _, e := range unit {
		if e.section == section && e.key == key {
			out = append(out, e.value)
		}
	}
	return out
}

// TestSystemdExample: examples/systemd/asr-preflight.service is hardened, hands serve its secrets
// as credentials, runs serve with real flags, and passes systemd-analyze verify and, offline,
// systemd-analyze security at an exposure of 1.4 at most.
func TestSystemdExample(t *testing.T) {
	const file = "../examples/systemd/asr-preflight.service"
	text := readFile(t, file)
	unit, err := parseUnit(text)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for key, want := range map[string]string{
		"DynamicUser": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
		"NoNewPrivileges": "yes", "PrivateDevices": "yes", "ProtectKernelTunables": "yes",
		"ProtectKernelModules": "yes", "ProtectKernelLogs": "yes", "ProtectControlGroups": "yes",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "RestrictNamespaces": "yes",
		"LockPersonality": "yes", "MemoryDenyWriteExecute": "yes", "SystemCallArchitectures": "native",
		"CapabilityBoundingSet": "", "UMask": "0077", "Restart": "on-failure",
	} {
		if got := values(unit, "Service", key); len(got) != 1 || got[0] != want {
			t.Errorf("[Service] %s: %q, want %q once", key, got, want)
		}
	}
	if got := values(unit, "Service", "SystemCallFilter"); len(got) == 0 || got[0] != "@system-service" {
		t.Errorf("[Service] SystemCallFilter: %q, want @system-service first", got)
	}
	if got := values(unit, "Install", "WantedBy"); !slices.Equal(got, []string{"multi-user.target"}) {
		t.Errorf("[Install] WantedBy: %q", got)
	}
	for _, key := range []string{"User", "Group", "AmbientCapabilities"} {
		if got := values(unit, "Service", key); len(got) > 0 && got[0] != "" {
			t.Errorf("[Service] %s=%s: the dynamic user needs neither a fixed account nor capabilities", key, got[0])
		}
	}

	execStart := values(unit, "Service", "ExecStart")
	if len(execStart) != 1 {
		t.Fatalf("[Service] ExecStart: %q, want one", execStart)
	}
	argv := strings.Fields(execStart[0])
	if len(argv) < 2 || argv[0] != "/usr/local/bin/asr-preflight" || argv[1] != "serve" {
		t.Fatalf("ExecStart %s: want /usr/local/bin/asr-preflight serve …", execStart[0])
	}
	_, known := serveHelp(t)
	flags := parseFlags(argv[2:])
	if bad := unknownFlags(flags, known); len(bad) > 0 {
		t.Errorf("ExecStart: serve --help lists no %v", bad)
	}
	given := map[string]string{}
	for _, f := range flags {
		given[f.name] = f.value
	}
	if h, _, err := net.SplitHostPort(given["listen"]); err != nil || h != "127.0.0.1" && given["tls-cert"] == "" {
		t.Errorf("ExecStart --listen %q: want loopback, or TLS", given["listen"])
	}
	creds := map[string]bool{}
	for _, lc := range values(unit, "Service", "LoadCredential") {
		name, src, _ := strings.Cut(lc, ":")
		if creds[name] = true; !strings.HasPrefix(src, "/etc/asr-preflight/") {
			t.Errorf("LoadCredential=%s: want a file of /etc/asr-preflight", lc)
		}
		if !slices.Contains(argv, "${CREDENTIALS_DIRECTORY}/"+name) && !slices.ContainsFunc(argv, func(a string) bool { return strings.HasSuffix(a, "=${CREDENTIALS_DIRECTORY}/"+name) }) {
			t.Errorf("LoadCredential %s: ExecStart does not read ${CREDENTIALS_DIRECTORY}/%s", name, name)
		}
	}
	for _, need := range []string{"auth-token-file", "vcenter-password-file"} {
		name, ok := strings.CutPrefix(given[need], "${CREDENTIALS_DIRECTORY}/")
		if !ok || !creds[name] {
			t.Errorf("ExecStart --%s %q: want ${CREDENTIALS_DIRECTORY}/NAME of a LoadCredential", need, given[need])
		}
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("no systemd-analyze: the unit is not verified by systemd")
		return
	}
	// verify wants the binary to exist: point ExecStart at the one built for the tests.
	unitFile := filepath.Join(t.TempDir(), "asr-preflight.service")
	if err := os.WriteFile(unitFile, []byte(strings.Replace(text, "ExecStart=/usr/local/bin/asr-preflight ", "ExecStart="+binary+" ", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	// Only this unit, not what it pulls in (multi-user.target…), which is the machine's.
	out, err := systemdAnalyze(t, analyze, "verify", "--man=no", "--recursive-errors=no", unitFile)
	if err != nil || out != "" {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err = systemdAnalyze(t, analyze, "security", "--offline=true", "--threshold="+strconv.Itoa(maxExposure), unitFile)
	if err != nil {
		t.Errorf("systemd-analyze security: %v: exposure over %.1f\n%s", err, float64(maxExposure)/10, out)
	}
}

// maxExposure is the highest exposure systemd-analyze security may give the unit, in tenths: it
// gives 1.1 with systemd 252, 1.5 without PrivateUsers, ProtectClock, ProtectHostname, ProtectProc
// and ProcSubset.
const maxExposure = 14

// systemdAnalyze runs systemd-analyze on a unit file and returns what it said of that unit —
// a line about another unit or the machine is only logged — and how it exited. It skips the test
// when this systemd-analyze lacks an option.
func systemdAnalyze(t *testing.T, analyze string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(analyze, args...)
	cmd.Env = append(os.Environ(), "SYSTEMD_LOG_LEVEL=notice", "SYSTEMD_LOG_COLOR=0", "SYSTEMD_COLORS=0", "SYSTEMD_PAGER=")
	out, err := cmd.CombinedOutput()
	if bytes.Contains(out, []byte("unrecognized option")) || bytes.Contains(out, []byte("Unknown command verb")) {
		t.Skipf("systemd-analyze %v: this systemd is too old: %s", args, out)
	}
	unit := filepath.Base(args[len(args)-1])
	var kept []string
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		if args[0] == "security" { // the table: what is left exposed, and the score
			if strings.HasPrefix(line, "✗") || strings.Contains(line, "Overall exposure") {
				kept = append(kept, line)
			}
		} else if strings.Contains(line, unit) {
			kept = append(kept, line)
		} else if line != "" {
			t.Logf("systemd-analyze %s, not about %s: %s", args[0], unit, line)
		}
	}
	return strings.Join(kept, "\n"), err
}
