package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// ImagePlatforms are the platforms of serve's image: Linux nodes, amd64 and arm64.
var ImagePlatforms = []string{"linux/amd64", "linux/arm64"}

const (
	// imageBinary is where the image holds the tool; it is the entrypoint.
	imageBinary = "/usr/local/bin/asr-preflight"
	// imageUID is the user the image runs as: not root, and a number, so that Kubernetes'
	// runAsNonRoot can tell (distroless's "nonroot").
	imageUID = 65532
	// source is where the code lives, for the image's labels.
	source = "https://github.com/asr-preflight/asr-preflight"
)

// imageCmd is serve's default command in the image. It listens on every interface, so it asks for
// TLS and a bearer token (serve refuses a token in clear off loopback): mount the certificate, the
// token and the plan where it looks for them, or give a command of your own.
var imageCmd = []string{"serve", "--listen", ":9797",
	"--tls-cert", "/etc/asr-preflight/tls/tls.crt", "--tls-key", "/etc/asr-preflight/tls/tls.key",
	"--auth-token-file", "/etc/asr-preflight/secrets/token", "--plan", "/etc/asr-preflight/plan/plan.yaml"}

// buildImage writes an OCI image index of asr-preflight for the platforms into an OCI layout at
// dir, replacing any there: a static binary on an empty base with the CA certificates of caFile,
// /etc/passwd and /etc/group naming the non-root user, and /tmp. Built from the same commit and
// certificates, it is the same bytes: every time is the commit's.
func buildImage(dir, version, commit string, platforms []string, epoch time.Time, caFile string) error {
	certs, err := os.ReadFile(caFile)
	if err != nil {
		return fmt.Errorf("CA certificates for the image: %w", err)
	}
	base, err := layer(baseFiles(certs), epoch)
	if err != nil {
		return err
	}
	labels := map[string]string{
		"org.opencontainers.image.title":       "asr-preflight",
		"org.opencontainers.image.description": "Azure Site Recovery reprotect and failback preflight; serve exports the verdicts to Prometheus",
		"org.opencontainers.image.version":     version,
		"org.opencontainers.image.revision":    commit,
		"org.opencontainers.image.source":      source,
		"org.opencontainers.image.created":     epoch.Format(time.RFC3339),
	}
	tmp, err := os.MkdirTemp("", "asr-preflight-image")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var adds []mutate.IndexAddendum
	for _, p := range platforms {
		goos, goarch, ok := strings.Cut(p, "/")
		if !ok || goos != "linux" {
			return fmt.Errorf("image platform: expected linux/ARCH, got %q", p)
		}
		bin, err := compile(filepath.Join(tmp, "asr-preflight-"+goarch), "./cmd/asr-preflight", version, commit, goos, goarch)
		if err != nil {
			return err
		}
		tool, err := layer([]entry{
			{name: "usr", mode: 0o755, dir: true}, {name: "usr/local", mode: 0o755, dir: true}, {name: "usr/local/bin", mode: 0o755, dir: true},
			{name: strings.TrimPrefix(imageBinary, "/"), mode: 0o755, data: bin},
		}, epoch)
		if err != nil {
			return err
		}
		img, err := platformImage(base, tool, goos, goarch, labels, epoch)
		if err != nil {
			return err
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: goos, Architecture: goarch}}})
	}
	idx := mutate.Annotations(mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...), labels).(v1.ImageIndex)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	// index.json names one entry, the index of the platforms, by the version: skopeo and Podman
	// (oci:DIR:VERSION) take a layout whose index.json holds one image or index, or names them.
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	return p.AppendIndex(idx, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": version}))
}

// platformImage is the image of one platform: the base and the tool's layer, its configuration and
// labels.
func platformImage(base, tool v1.Layer, goos, goarch string, labels map[string]string, epoch time.Time) (v1.Image, error) {
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.Append(img,
		mutate.Addendum{Layer: base, History: v1.History{Created: v1.Time{Time: epoch}, CreatedBy: "asr-preflight dist: CA certificates, passwd, group, /tmp"}},
		mutate.Addendum{Layer: tool, History: v1.History{Created: v1.Time{Time: epoch}, CreatedBy: "asr-preflight dist: " + imageBinary}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Created, cf.OS, cf.Architecture = v1.Time{Time: epoch}, goos, goarch
	cf.Config = v1.Config{
		User:         fmt.Sprintf("%d:%d", imageUID, imageUID),
		Entrypoint:   []string{imageBinary},
		Cmd:          imageCmd,
		Env:          []string{"PATH=/usr/local/bin", "HOME=/home/nonroot", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"},
		WorkingDir:   "/home/nonroot",
		ExposedPorts: map[string]struct{}{"9797/tcp": {}},
		Labels:       labels,
	}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, err
	}
	return mutate.Annotations(img, labels).(v1.Image), nil
}

// baseFiles are the base layer's entries: the CA certificates, the users, a home and /tmp.
func baseFiles(certs []byte) []entry {
	return []entry{
		{name: "etc", mode: 0o755, dir: true},
		{name: "etc/group", mode: 0o644, data: fmt.Appendf(nil, "root:x:0:\nnonroot:x:%d:\n", imageUID)},
		{name: "etc/passwd", mode: 0o644, data: fmt.Appendf(nil, "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", imageUID, imageUID)},
		{name: "etc/ssl", mode: 0o755, dir: true}, {name: "etc/ssl/certs", mode: 0o755, dir: true},
		{name: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: certs},
		{name: "home", mode: 0o755, dir: true},
		{name: "home/nonroot", mode: 0o700, dir: true, uid: imageUID, username: "nonroot"},
		{name: "tmp", mode: 0o1777, dir: true},
	}
}

// layer is an OCI layer of the entries.
func layer(entries []entry, epoch time.Time) (v1.Layer, error) {
	var buf bytes.Buffer
	if err := writeTar(&buf, entries, epoch); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		tarball.WithMediaType(types.OCILayer))
}
