package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestArchivesAreReproducible: the same files give the same bytes, whatever the order they come
// in and the clock; entries carry the commit's time, fixed owners and modes.
func TestArchivesAreReproducible(t *testing.T) {
	epoch := time.Unix(1_700_000_000, 0).UTC()
	files := map[string][]byte{"asr-preflight": []byte("binary"), "README.md": []byte("# readme")}
	for _, write := range []func(io.Writer, string, map[string][]byte, time.Time) error{writeTarGz, writeZip} {
		var a, b bytes.Buffer
		if err := write(&a, "dir", files, epoch); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond) // a second later: nothing may depend on the clock
		if err := write(&b, "dir", map[string][]byte{"README.md": []byte("# readme"), "asr-preflight": []byte("binary")}, epoch); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Error("two archives of the same files differ")
		}
	}
	var tg bytes.Buffer
	_ = writeTarGz(&tg, "dir", files, epoch)
	gz, err := gzip.NewReader(&tg)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if !h.ModTime.Equal(epoch) || h.Uid != 0 || h.Uname != "root" || (h.Name == "dir/asr-preflight") != (h.Mode == 0o755) {
			t.Errorf("entry %s: %v uid %d %s mode %o", h.Name, h.ModTime, h.Uid, h.Uname, h.Mode)
		}
	}
	if len(names) != 2 || names[0] != "dir/README.md" || !gz.ModTime.IsZero() {
		t.Errorf("entries %v (sorted), gzip time %v", names, gz.ModTime)
	}
	var z bytes.Buffer
	_ = writeZip(&z, "dir", files, epoch)
	zr, err := zip.NewReader(bytes.NewReader(z.Bytes()), int64(z.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if zr.File[0].Name != "dir/README.md" || !zr.File[1].Modified.Equal(epoch) || zr.File[1].Mode().Perm() != 0o755 {
		t.Errorf("zip entries: %s %v %v", zr.File[0].Name, zr.File[1].Modified, zr.File[1].Mode())
	}
}

// TestSerial: the SBOM's serial number is a UUID of version 5's shape that the version and commit
// fix.
func TestSerial(t *testing.T) {
	a, b := serial("v1.0.0", "0123abcd"), serial("v1.0.0", "0123abce")
	uuid := regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !uuid.MatchString(a) || a != serial("v1.0.0", "0123abcd") || a == b {
		t.Errorf("serial %q (again %q), another commit's %q", a, serial("v1.0.0", "0123abcd"), b)
	}
}

// TestSBOM: each target's SBOM is CycloneDX, lists the modules that target's build is made of at
// the versions go.mod selects (mousetrap only for Windows, procfs only for Linux), and is the same
// twice.
func TestSBOM(t *testing.T) {
	t.Chdir("../..") // the module's root
	dir := t.TempDir()
	tool, err := sbomTool(dir)
	if err != nil {
		t.Fatal(err)
	}
	type bom struct {
		BOMFormat, SerialNumber string
		Metadata                struct{ Timestamp string }
		Components              []struct{ Name, Version string }
	}
	read := func(goos, goarch string) (map[string]string, []byte) {
		t.Helper()
		path := filepath.Join(dir, goos+goarch+".cdx.json")
		if err := writeSBOM(tool, path, "v9.8.7", "0123abcd", goos, goarch); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		var b bom
		if err == nil {
			err = json.Unmarshal(data, &b)
		}
		if err != nil {
			t.Fatal(err)
		}
		if b.BOMFormat != "CycloneDX" || b.SerialNumber != serial("v9.8.7", "0123abcd "+goos+"/"+goarch) || b.Metadata.Timestamp != "" {
			t.Errorf("%s/%s: format %q, serial %q, timestamp %q", goos, goarch, b.BOMFormat, b.SerialNumber, b.Metadata.Timestamp)
		}
		versions := map[string]string{}
		for _, c := range b.Components {
			versions[c.Name] = c.Version
		}
		return versions, data
	}
	linux, first := read("linux", "amd64")
	if _, again := read("linux", "amd64"); !bytes.Equal(first, again) {
		t.Error("two SBOMs of the same commit and target differ")
	}
	windows, _ := read("windows", "arm64")
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Path}} {{.Version}}", "github.com/vmware/govmomi", "github.com/spf13/cobra",
		"github.com/inconshreveable/mousetrap", "github.com/prometheus/procfs").Output()
	if err != nil {
		t.Fatal(err)
	}
	selected := map[string]string{}
	for line := range strings.Lines(string(out)) {
		path, version, _ := strings.Cut(strings.TrimSpace(line), " ")
		selected[path] = version
	}
	for name, want := range map[string][2]bool{ // in linux's, in windows'
		"github.com/vmware/govmomi": {true, true}, "github.com/spf13/cobra": {true, true},
		"github.com/inconshreveable/mousetrap": {false, true}, "github.com/prometheus/procfs": {true, false},
	} {
		for i, versions := range []map[string]string{linux, windows} {
			if v, ok := versions[name]; ok != want[i] || ok && v != selected[name] {
				t.Errorf("SBOM %d: %s at %q (listed %v), want listed %v at %s", i, name, v, ok, want[i], selected[name])
			}
		}
	}
	if _, ok := linux["github.com/google/go-containerregistry"]; ok {
		t.Error("the SBOM lists go-containerregistry, which only tools/dist uses, not the tool")
	}
}
