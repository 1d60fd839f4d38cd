package main

import (
	"archive/tar"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

// TestImage builds serve's image for this machine's platform, reads it back from the OCI layout
// and checks its configuration — non-root numeric user, entrypoint, a default serve command that
// listens on every interface only with TLS and a token, the labels — and its file system: the CA
// certificates, the users, /tmp, and a static binary built with -trimpath whose `version` runs and
// prints the stamp. A
// second build of the same commit is the same image.
func TestImage(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the image is Linux's: its binary runs only there")
	}
	dir := t.TempDir()
	epoch := time.Unix(1_700_000_000, 0).UTC()
	certs := filepath.Join(dir, "ca.crt")
	if err := os.WriteFile(certs, []byte("-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	platform := "linux/" + runtime.GOARCH
	build := func(name string) v1.ImageIndex {
		t.Helper()
		out := filepath.Join(dir, name)
		if err := buildImage(out, "v9.8.7", "0123abcd", []string{platform}, epoch, certs); err != nil {
			t.Fatal(err)
		}
		p, err := layout.FromPath(out)
		if err != nil {
			t.Fatal(err)
		}
		top, err := p.ImageIndex()
		if err != nil {
			t.Fatal(err)
		}
		m, err := top.IndexManifest() // one entry, the platforms' index, named by the version
		if err != nil || len(m.Manifests) != 1 || m.Manifests[0].MediaType != types.OCIImageIndex ||
			m.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "v9.8.7" {
			t.Fatalf("index.json: %v %+v", err, m)
		}
		idx, err := top.ImageIndex(m.Manifests[0].Digest)
		if err != nil {
			t.Fatal(err)
		}
		return idx
	}
	t.Chdir("../..") // the tool builds ./cmd/asr-preflight from the module's root
	idx := build("image")
	idx2 := build("again")
	if d1, _ := idx.Digest(); func() bool { d2, _ := idx2.Digest(); return d1 != d2 }() {
		t.Errorf("two builds of the same commit differ: %v", d1)
	}

	if err := validate.Index(idx); err != nil { // digests, sizes, diff IDs and media types agree
		t.Errorf("the image index is not valid: %v", err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaType != types.OCIImageIndex || len(m.Manifests) != 1 || m.Manifests[0].Platform.String() != platform {
		t.Fatalf("index: %s, %d manifests, %v", m.MediaType, len(m.Manifests), m.Manifests)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	if c.User != "65532:65532" || !slices.Equal(c.Entrypoint, []string{"/usr/local/bin/asr-preflight"}) || !cf.Created.Equal(epoch) {
		t.Errorf("user %q, entrypoint %q, created %v", c.User, c.Entrypoint, cf.Created)
	}
	cmd := strings.Join(c.Cmd, " ")
	if !strings.HasPrefix(cmd, "serve --listen :9797 ") || !strings.Contains(cmd, "--tls-cert ") || !strings.Contains(cmd, "--tls-key ") || !strings.Contains(cmd, "--auth-token-file ") {
		t.Errorf("default command %q: serve on every interface wants TLS and a token", cmd)
	}
	for k, want := range map[string]string{"org.opencontainers.image.version": "v9.8.7", "org.opencontainers.image.revision": "0123abcd",
		"org.opencontainers.image.source": "https://github.com/asr-preflight/asr-preflight"} {
		if c.Labels[k] != want {
			t.Errorf("label %s = %q, want %q", k, c.Labels[k], want)
		}
	}

	root := filepath.Join(dir, "rootfs")
	modes := extract(t, img, root)
	for name, want := range map[string]int64{"usr/local/bin/asr-preflight": 0o755, "etc/ssl/certs/ca-certificates.crt": 0o644, "tmp": 0o1777, "home/nonroot": 0o700} {
		if modes[name] != want {
			t.Errorf("%s: mode %o, want %o", name, modes[name], want)
		}
	}
	if passwd, _ := os.ReadFile(filepath.Join(root, "etc/passwd")); !strings.Contains(string(passwd), "nonroot:x:65532:65532:") {
		t.Errorf("/etc/passwd does not name the image's user:\n%s", passwd)
	}
	out, err := exec.Command(filepath.Join(root, "usr/local/bin/asr-preflight"), "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "v9.8.7") || !strings.Contains(string(out), "0123abcd") || !strings.Contains(string(out), platform) {
		t.Errorf("version from the image's file system: %v\n%s", err, out)
	}
	if file, _ := exec.Command("file", filepath.Join(root, "usr/local/bin/asr-preflight")).Output(); len(file) > 0 && !strings.Contains(string(file), "statically linked") {
		t.Errorf("the binary is not static: %s", file)
	}
	info, err := exec.Command("go", "version", "-m", filepath.Join(root, "usr/local/bin/asr-preflight")).Output()
	for _, want := range []string{"build\t-trimpath=true", "build\tCGO_ENABLED=0"} {
		if err != nil || !strings.Contains(string(info), want) {
			t.Errorf("the binary's build information lacks %q: %v\n%s", want, err, info)
		}
	}
}

// extract writes the image's flattened file system under root and returns each entry's mode
// (as the flattened tar names it: no leading or trailing slash).
func extract(t *testing.T, img v1.Image, root string) map[string]int64 {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	modes := map[string]int64{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return modes
		}
		if err != nil {
			t.Fatal(err)
		}
		modes[h.Name] = h.Mode
		path := filepath.Join(root, h.Name)
		if h.Typeflag == tar.TypeDir {
			if err := os.MkdirAll(path, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err == nil {
			err = os.WriteFile(path, data, os.FileMode(h.Mode).Perm())
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
