package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestOthersMayRead: the token file's mode warns when others have a bit, or a group that is not
// the process's own — not on Windows, where modes do not say who can read a file.
func TestOthersMayRead(t *testing.T) {
	for _, tc := range []struct {
		goos     string
		mode     fs.FileMode
		ownGroup bool
		want     bool
	}{
		{"linux", 0o600, false, false}, {"linux", 0o400, false, false}, {"linux", 0o640, false, true}, {"linux", 0o604, true, true},
		{"linux", 0o440, true, false}, // a Kubernetes Secret's file, given to the pod's fsGroup
		{"darwin", 0o644, true, true}, {"windows", 0o666, false, false}, {"windows", 0o444, false, false},
	} {
		if got := othersMayRead(tc.goos, tc.mode, tc.ownGroup); got != tc.want {
			t.Errorf("%s %o own group %v: %v, want %v", tc.goos, tc.mode, tc.ownGroup, got, tc.want)
		}
	}
	if runtime.GOOS == "windows" {
		return // files have no Unix group there
	}
	f := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(f, []byte("t"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(f); err != nil || !ownGroup(fi) {
		t.Errorf("a file this process created is not of its group: %v", err)
	}
}
