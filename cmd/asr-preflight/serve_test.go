package main

import (
	"io/fs"
	"testing"
)

// TestOthersMayRead: the token file's mode warns when group or others have a bit, except on
// Windows, where modes do not say who can read a file.
func TestOthersMayRead(t *testing.T) {
	for _, tc := range []struct {
		goos string
		mode fs.FileMode
		want bool
	}{
		{"linux", 0o600, false}, {"linux", 0o400, false}, {"linux", 0o640, true}, {"linux", 0o604, true}, {"darwin", 0o644, true},
		{"windows", 0o666, false}, {"windows", 0o444, false},
	} {
		if got := othersMayRead(tc.goos, tc.mode); got != tc.want {
			t.Errorf("%s %o: %v, want %v", tc.goos, tc.mode, got, tc.want)
		}
	}
}
