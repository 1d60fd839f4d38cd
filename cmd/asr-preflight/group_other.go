//go:build !unix

package main

import "io/fs"

// ownGroup is false where files have no Unix group.
func ownGroup(fs.FileInfo) bool { return false }
