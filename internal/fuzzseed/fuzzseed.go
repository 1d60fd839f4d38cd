// Package fuzzseed reads the seed corpus files go test -fuzz keeps under testdata/fuzz, so that
// tests can see what the seeds reach.
package fuzzseed

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Read returns the []byte value of every corpus file of the fuzz target in dir
// (testdata/fuzz/FuzzName), in file-name order.
func Read(dir string) ([][]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no seed corpus in %s", dir)
	}
	var out [][]byte
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		header, body, _ := strings.Cut(string(data), "\n")
		quoted, ok := strings.CutPrefix(strings.TrimSpace(body), "[]byte(")
		if header != "go test fuzz v1" || !ok {
			return nil, fmt.Errorf("%s: expected a go test fuzz v1 file of one []byte value", file)
		}
		value, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		out = append(out, []byte(value))
	}
	return out, nil
}
