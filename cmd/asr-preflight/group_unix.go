//go:build unix

package main

import (
	"io/fs"
	"os"
	"slices"
	"syscall"
)

// ownGroup reports whether a file's group is one of the process's own: its primary group or a
// supplementary one (a Kubernetes fsGroup is added as one).
func ownGroup(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	groups, _ := os.Getgroups()
	return int(st.Gid) == os.Getgid() || slices.Contains(groups, int(st.Gid))
}
