//go:build unix

package main

import (
	"io/fs"
	"os"
	"syscall"
)

// ownGroup reports whether a file's group is the process's own.
func ownGroup(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Gid) == os.Getgid()
}
