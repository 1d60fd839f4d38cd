// Command dist builds the release artifacts of asr-preflight: for each OS and architecture, the
// tool and the lab built with -trimpath and the version and commit stamped in, in an archive
// (.tar.gz; .zip for Windows) with the README, and a CycloneDX SBOM of the tool from the module
// graph as that target's build sees it; and SHA256SUMS over them. They are reproducible: the same
// commit gives the same bytes (entries sorted, their times the commit's, owners and modes fixed,
// gzip without a name or time; the SBOMs without a timestamp, their serial numbers taken from the
// commit and target).
//
// With -image, it builds serve's OCI image instead (image.go).
//
//	go run ./tools/dist -out dist -version v1.2.3 [-targets linux/amd64,windows/arm64] [-sbom=false]
//	go run ./tools/dist -image dist/image -version v1.2.3 [-targets linux/amd64]
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Targets are the operators' machines: Linux and macOS, and the Windows jump hosts most Site
// Recovery administrators work from, on amd64 and arm64.
var Targets = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"}

// binaries are the commands each archive holds, by the name they are built under.
var binaries = map[string]string{"asr-preflight": "./cmd/asr-preflight", "asr-preflight-lab": "./cmd/asr-preflight-lab"}

func main() {
	out := flag.String("out", "dist", "directory to write the artifacts to")
	version := flag.String("version", "", "version to stamp in (default: git describe)")
	targets := flag.String("targets", strings.Join(Targets, ","), "comma-separated OS/ARCH list (with -image: "+strings.Join(ImagePlatforms, ",")+")")
	sbom := flag.Bool("sbom", true, "write each target's CycloneDX SBOM (cyclonedx-gomod, pinned in go.mod)")
	image := flag.String("image", "", "build serve's OCI image into this OCI layout `DIR` instead of the archives")
	caCerts := flag.String("ca-certs", "/etc/ssl/certs/ca-certificates.crt", "CA certificates `FILE` the image carries")
	flag.Parse()
	var err error
	if *image != "" {
		platforms := ImagePlatforms
		flag.Visit(func(f *flag.Flag) {
			if f.Name == "targets" {
				platforms = strings.Split(*targets, ",")
			}
		})
		err = runImage(*image, *version, platforms, *caCerts)
	} else {
		err = run(*out, *version, strings.Split(*targets, ","), *sbom)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

// stamp is what the artifacts carry of the commit checked out: the version (git describe unless
// given), the commit and its time.
func stamp(version string) (string, string, time.Time, error) {
	commit, err := git("rev-parse", "HEAD")
	if err != nil {
		return "", "", time.Time{}, err
	}
	if version == "" {
		if version, err = git("describe", "--tags", "--always", "--dirty"); err != nil {
			return "", "", time.Time{}, err
		}
	}
	epoch, err := commitTime()
	return version, commit, epoch, err
}

func runImage(dir, version string, platforms []string, caCerts string) error {
	version, commit, epoch, err := stamp(version)
	if err != nil {
		return err
	}
	if err := buildImage(dir, version, commit, platforms, epoch, caCerts); err != nil {
		return err
	}
	fmt.Println(dir)
	return nil
}

func run(out, version string, targets []string, sbom bool) error {
	version, commit, epoch, err := stamp(version)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	tool := ""
	if sbom {
		dir, err := os.MkdirTemp("", "asr-preflight-sbom")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if tool, err = sbomTool(dir); err != nil {
			return fmt.Errorf("SBOM: %w", err)
		}
	}
	var files []string
	for _, t := range targets {
		goos, goarch, ok := strings.Cut(t, "/")
		if !ok {
			return fmt.Errorf("-targets: expected OS/ARCH, got %q", t)
		}
		name, err := build(out, version, commit, goos, goarch, epoch)
		if err != nil {
			return err
		}
		files = append(files, name)
		if sbom {
			bom := fmt.Sprintf("asr-preflight_%s_%s_%s.cdx.json", version, goos, goarch)
			if err := writeSBOM(tool, filepath.Join(out, bom), version, commit, goos, goarch); err != nil {
				return fmt.Errorf("SBOM for %s: %w", t, err)
			}
			files = append(files, bom)
		}
	}
	for _, name := range files {
		fmt.Println(filepath.Join(out, name))
	}
	return checksums(out, files)
}

// build builds the binaries for one target and archives them with the README; it returns the
// archive's name.
func build(out, version, commit, goos, goarch string, epoch time.Time) (string, error) {
	dir, err := os.MkdirTemp("", "asr-preflight-dist")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	base := fmt.Sprintf("asr-preflight_%s_%s_%s", version, goos, goarch)
	files := map[string][]byte{}
	for name, pkg := range binaries {
		if goos == "windows" {
			name += ".exe"
		}
		if files[name], err = compile(filepath.Join(dir, name), pkg, version, commit, goos, goarch); err != nil {
			return "", err
		}
	}
	if files["README.md"], err = os.ReadFile("README.md"); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	name := base + ".tar.gz"
	if goos == "windows" {
		name = base + ".zip"
		err = writeZip(&buf, base, files, epoch)
	} else {
		err = writeTarGz(&buf, base, files, epoch)
	}
	if err != nil {
		return "", err
	}
	return name, os.WriteFile(filepath.Join(out, name), buf.Bytes(), 0o644)
}

// compile builds the package for one target, static, with -trimpath and the version and commit
// stamped in, to path, and returns the binary.
func compile(path, pkg, version, commit, goos, goarch string) ([]byte, error) {
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", fmt.Sprintf("-s -w -buildid= -X main.version=%s -X main.commit=%s", version, commit), "-o", path, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("building %s for %s/%s: %w", pkg, goos, goarch, err)
	}
	return os.ReadFile(path)
}

// mode is a file's mode in an archive: executables 0755, the rest 0644.
func mode(name string) int64 {
	if strings.HasPrefix(name, "asr-preflight") {
		return 0o755
	}
	return 0o644
}

// writeTarGz writes the files, sorted, under dir, with fixed times and owners.
func writeTarGz(w io.Writer, dir string, files map[string][]byte, epoch time.Time) error {
	gz, _ := gzip.NewWriterLevel(w, gzip.BestCompression) // no name, time zero
	var entries []entry
	for _, name := range slices.Sorted(maps.Keys(files)) {
		entries = append(entries, entry{name: dir + "/" + name, mode: mode(name), data: files[name]})
	}
	if err := writeTar(gz, entries, epoch); err != nil {
		return err
	}
	return gz.Close()
}

// entry is a file or, with dir, a directory of a tar archive.
type entry struct {
	name     string
	mode     int64
	uid      int // the group is the same number
	data     []byte
	dir      bool
	username string // "root" unless set
}

// writeTar writes the entries in their order, each with the commit's time.
func writeTar(w io.Writer, entries []entry, epoch time.Time) error {
	tw := tar.NewWriter(w)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: e.mode, Size: int64(len(e.data)), ModTime: epoch, Format: tar.FormatPAX,
			Uid: e.uid, Gid: e.uid, Uname: cmp.Or(e.username, "root"), Gname: cmp.Or(e.username, "root"), Typeflag: tar.TypeReg}
		if e.dir {
			hdr.Typeflag, hdr.Name = tar.TypeDir, e.name+"/"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	return tw.Close()
}

// writeZip writes the files, sorted, under dir, with fixed times.
func writeZip(w io.Writer, dir string, files map[string][]byte, epoch time.Time) error {
	zw := zip.NewWriter(w)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		hdr := &zip.FileHeader{Name: dir + "/" + name, Method: zip.Deflate, Modified: epoch.UTC()}
		hdr.SetMode(os.FileMode(mode(name)))
		f, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		if _, err := f.Write(files[name]); err != nil {
			return err
		}
	}
	return zw.Close()
}

// checksums writes SHA256SUMS over the files (the archives and the SBOMs), as sha256sum -c reads it.
func checksums(out string, archives []string) error {
	var b strings.Builder
	for _, name := range slices.Sorted(slices.Values(archives)) {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), name)
	}
	return os.WriteFile(filepath.Join(out, "SHA256SUMS"), []byte(b.String()), 0o644)
}

// sbomTool builds cyclonedx-gomod, pinned in go.mod, for this machine into dir: one binary writes
// every target's SBOM (go tool would build it for the target).
func sbomTool(dir string) (string, error) {
	path := filepath.Join(dir, "cyclonedx-gomod")
	cmd := exec.Command("go", "build", "-o", path, "github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod")
	cmd.Stderr = os.Stderr
	return path, cmd.Run()
}

// writeSBOM writes the CycloneDX SBOM of the tool built for a target, from the module graph as that
// target's build sees it, to path: no timestamp, and a serial number the version, commit and target
// give.
func writeSBOM(tool, path, version, commit, goos, goarch string) error {
	cmd := exec.Command(tool, "app", "-json", "-licenses", "-notimestamp", "-serial", serial(version, commit+" "+goos+"/"+goarch),
		"-main", "cmd/asr-preflight", "-output", path)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

// serial is the SBOM's serial number: a UUID (version 5 style) that the version and commit give, so
// that the same commit gives the same SBOM.
func serial(version, commit string) string {
	h := sha256.Sum256([]byte("asr-preflight " + version + " " + commit))
	h[6], h[8] = h[6]&0x0f|0x50, h[8]&0x3f|0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// commitTime is the time of the commit checked out: the archives' entries carry it.
func commitTime() (time.Time, error) {
	s, err := git("log", "-1", "--format=%ct")
	if err != nil {
		return time.Time{}, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return time.Unix(n, 0).UTC(), err
}

func git(args ...string) (string, error) {
	out, err := exec.Command("git", args...).Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}
