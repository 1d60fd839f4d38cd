package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
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

// TestSBOM: the SBOM is CycloneDX, names the modules the tool is built from at the versions go.mod
// pins, and is the same twice.
func TestSBOM(t *testing.T) {
	t.Chdir("../..") // the module's root
	dir := t.TempDir()
	var boms [2][]byte
	for i := range boms {
		path := filepath.Join(dir, fmt.Sprintf("%d.cdx.json", i))
		if err := writeSBOM(path, "v9.8.7", "0123abcd"); err != nil {
			t.Fatal(err)
		}
		var err error
		if boms[i], err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(boms[0], boms[1]) {
		t.Error("two SBOMs of the same commit differ")
	}
	var bom struct {
		BOMFormat, SpecVersion, SerialNumber string
		Metadata                             struct{ Timestamp string }
		Components                           []struct{ Name, Version string }
	}
	if err := json.Unmarshal(boms[0], &bom); err != nil {
		t.Fatal(err)
	}
	versions := map[string]string{}
	for _, c := range bom.Components {
		versions[c.Name] = c.Version
	}
	if bom.BOMFormat != "CycloneDX" || bom.SerialNumber != serial("v9.8.7", "0123abcd") || bom.Metadata.Timestamp != "" {
		t.Errorf("format %q, serial %q, timestamp %q", bom.BOMFormat, bom.SerialNumber, bom.Metadata.Timestamp)
	}
	for name, want := range map[string]string{"github.com/vmware/govmomi": "v0.56.0", "github.com/spf13/cobra": "v1.10.2",
		"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2": "v2.2.0"} {
		if versions[name] != want {
			t.Errorf("SBOM: %s at %q, want %s", name, versions[name], want)
		}
	}
	if _, ok := versions["github.com/google/go-containerregistry"]; ok {
		t.Error("the SBOM lists go-containerregistry, which only tools/dist uses, not the tool")
	}
}
