// Command asr-preflight-lab serves a vCenter simulator with a small failback inventory on a
// loopback address, writes the matching plan, and prints the GOVC_* exports to reach it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/asr-preflight/asr-preflight/lab"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to serve on")
	dir := flag.String("dir", ".", "folder to write plan.yaml into")
	envFile := flag.String("env-file", "", "also write the exports to this file (for scripts)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *listen, *dir, *envFile); err != nil {
		fmt.Fprintln(os.Stderr, "asr-preflight-lab:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, listen, dir, envFile string) error {
	l, err := lab.Start(ctx, lab.Options{Addr: listen}, lab.DefaultVMs)
	if err != nil {
		return err
	}
	defer l.Close()
	planPath, err := lab.WritePlan(dir, lab.Plan)
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(planPath)
	var exports strings.Builder
	for _, kv := range l.Env() {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&exports, "export %s=%q\n", k, v)
	}
	if envFile != "" {
		if err := os.WriteFile(envFile, []byte(exports.String()), 0o600); err != nil {
			return err
		}
	}
	fmt.Printf("vCenter simulator at %s (certificate SHA-256 %s)\nplan: %s\n\n%s\nthen: asr-preflight reprotect --plan %s\nserving until interrupted (Ctrl-C)\n",
		l.URL, l.Thumbprint(), abs, exports.String(), abs)
	<-ctx.Done()
	return nil
}
