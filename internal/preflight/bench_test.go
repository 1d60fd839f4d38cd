package preflight

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/lab"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// The benchmark inventory: the hosts, datastores and latency; the VMs are the sub-benchmark's.
const (
	benchHosts      = 32
	benchDatastores = 64
	benchLatencyMS  = 5
)

// benchSizes are the plan sizes make bench measures.
var benchSizes = []int{2000, 10000}

// floorProps are the VM properties a preflight cannot do without: the floor reads them, and only
// them, in one container-view retrieval over an open session.
var floorProps = []string{"name", "runtime.host", "runtime.powerState", "runtime.connectionState",
	"config.hardware.memoryMB", "datastore", "summary.storage.committed"}

// TestMain lets the test binary serve the benchmark's vCenter in a child process, so that the
// benchmark measures the tool alone.
func TestMain(m *testing.M) {
	if n := os.Getenv("ASR_BENCH_SERVE"); n != "" {
		vms, _ := strconv.Atoi(n)
		if err := serveBenchInventory(vms); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveBenchInventory starts the lab — 32 hosts, 64 VMFS datastores — with n VMs of one 20 GB
// disk each, spread over them, then adds 5 ms of latency to every call, prints the URL and serves
// until stdin closes.
func serveBenchInventory(n int) error {
	l, err := lab.Start(lab.Options{Hosts: benchHosts, Datastores: benchDatastores})
	if err != nil {
		return err
	}
	defer l.Close()
	vms := make([]lab.VM, n)
	for i := range vms {
		vms[i] = lab.VM{Name: benchVM(i), Host: fmt.Sprintf("DC0_H%d", i%benchHosts), Datastore: fmt.Sprintf("LocalDS_%d", i%benchDatastores),
			MemoryMB: 1024, DisksGB: []int{20}}
	}
	if err := l.CreateVMs(context.Background(), vms); err != nil {
		return err
	}
	// Set once the inventory is built, before the benchmark connects (vcsim reads it unlocked).
	l.Model.DelayConfig.Delay = benchLatencyMS
	u, _ := url.Parse(l.URL)
	u.User = url.UserPassword(l.Username, l.Password)
	fmt.Println(u.String())
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
	return nil
}

// benchVM names the benchmark's i-th VM.
func benchVM(i int) string { return fmt.Sprintf("vm%05d", i) }

// startBenchVCenter serves the benchmark inventory of n VMs from a child process; it stops with
// the benchmark.
func startBenchVCenter(b *testing.B, n int) string {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("ASR_BENCH_SERVE=%d", n))
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("benchmark vCenter did not start: %v", err)
	}
	b.Logf("built %d hosts, %d datastores, %d VMs in %v", benchHosts, benchDatastores, n, time.Since(start).Round(time.Second))
	return strings.TrimSpace(line)
}

// buildTool builds the asr-preflight binary the benchmark runs, as a user would.
func buildTool(b *testing.B) string {
	bin := filepath.Join(b.TempDir(), "asr-preflight")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/asr-preflight/asr-preflight/cmd/asr-preflight").CombinedOutput()
	if err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is one run of the tool as a process: its wall time and peak resident memory.
type process struct {
	took time.Duration
	rss  int64 // bytes
}

// runTool runs the tool with the arguments against vCenter at url, its report discarded.
func runTool(b *testing.B, bin, url string, args ...string) process {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "GOVC_URL="+url, "GOVC_INSECURE=true", "NO_COLOR=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	t0 := time.Now()
	err := cmd.Run()
	took := time.Since(t0)
	if code := cmd.ProcessState.ExitCode(); err != nil && (code == 1 || code == 2 || code < 0) {
		b.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return process{took: took, rss: peakRSS(cmd.ProcessState)}
}

// BenchmarkReprotect measures, as a user would, the whole asr-preflight reprotect process — start,
// resolve, collect, derive, analyze, report — for plans of 2,000 and 10,000 VMs, at 5 ms of
// simulated latency per vCenter call, against the floor: one container-view retrieval, over an
// open session, of the VM properties a preflight cannot do without (floorProps). Each round
// measures both; the ratio is taken per round and the medians are reported. Run it with make
// bench.
func BenchmarkReprotect(b *testing.B) {
	bin := buildTool(b)
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("vms=%d", n), func(b *testing.B) { benchReprotect(b, bin, n) })
	}
}

func benchReprotect(b *testing.B, bin string, n int) {
	url := startBenchVCenter(b, n)
	ctx := context.Background()
	planPath := filepath.Join(b.TempDir(), "plan.yaml")
	if err := os.WriteFile(planPath, []byte(benchPlan(n)), 0o600); err != nil {
		b.Fatal(err)
	}

	// Requests, counted in process: the same for 10 VMs as for all.
	env := map[string]string{"GOVC_URL": url, "GOVC_INSECURE": "true"}
	requests := func(vms int) int {
		var rec lab.Recorder
		in := testInput(b, result.Reprotect, benchPlan(vms), env, nil)
		cfg, err := Resolve(in)
		if err != nil {
			b.Fatal(err)
		}
		cfg.VCenter.Transport = rec.Wrap
		snap := newSnapshot(cfg)
		collect(ctx, cfg, newBudget(time.Now(), cfg.Timeout), snap)
		if out := finish(ctx, cfg, snap, time.Now(), &steps{last: time.Now()}); len(out.Snapshot.VCenter.VMs) != n {
			b.Fatalf("collected %d VMs of %d", len(out.Snapshot.VCenter.VMs), n)
		}
		return len(rec.Methods())
	}
	// A plan of up to vcenter.WholeAbove VMs lists the datacenter's VMs by name, then reads its own
	// by object: one request more than a larger plan, which reads every VM in the listing.
	small, all := requests(10), requests(n)
	if small != all+1 {
		b.Errorf("requests: %d for 10 VMs, %d for %d; want one more for the small plan, and neither growing", small, all, n)
	}

	// The floor's open session and view.
	u, _ := soap.ParseURL(url)
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = c.Logout(ctx) }()
	v, err := view.NewManager(c.Client).CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"VirtualMachine"}, true)
	if err != nil {
		b.Fatal(err)
	}
	floor := func() time.Duration {
		t0 := time.Now()
		var content []types.ObjectContent
		if err := v.Retrieve(ctx, []string{"VirtualMachine"}, floorProps, &content); err != nil {
			b.Fatal(err)
		}
		if len(content) != n {
			b.Fatalf("floor retrieved %d VMs", len(content))
		}
		return time.Since(t0)
	}

	var floors, fulls, ratios []float64
	var rss int64
	args := []string{"reprotect", "--plan", planPath, "--timeout", "10m"}
	b.ResetTimer()
	for b.Loop() {
		f := floor()
		p := runTool(b, bin, url, args...)
		floors, fulls = append(floors, ms(f)), append(fulls, ms(p.took))
		ratios = append(ratios, float64(p.took)/float64(f))
		rss = max(rss, p.rss)
	}
	b.StopTimer()
	version := make([]float64, 5)
	for i := range version {
		version[i] = ms(runTool(b, bin, url, "version").took)
	}
	small10 := filepath.Join(b.TempDir(), "plan10.yaml")
	if err := os.WriteFile(small10, []byte(benchPlan(10)), 0o600); err != nil {
		b.Fatal(err)
	}
	ten := make([]float64, 3)
	for i := range ten {
		ten[i] = ms(runTool(b, bin, url, "reprotect", "--plan", small10).took)
	}

	b.Logf("%d VMs, %d rounds: vCenter requests %d (10 VMs: %d); floor %.0f ms, full run %.0f ms (medians); ratio per round %s, median %.2f×; peak RSS %.0f MB; version %.0f ms, a 10-VM run %.0f ms (%.2f× the floor)",
		n, len(ratios), all, small, median(floors), median(fulls), rounds(ratios), median(ratios), float64(rss)/(1<<20), median(version), median(ten), median(ten)/median(floors))
	b.ReportMetric(median(fulls), "full-ms")
	b.ReportMetric(median(floors), "floor-ms")
	b.ReportMetric(median(ratios), "x-floor")
	b.ReportMetric(float64(all), "requests")
	b.ReportMetric(float64(rss)/(1<<20), "rss-MB")
	b.ReportMetric(median(ten), "10vm-ms")
	b.ReportMetric(median(ten)/median(floors), "10vm-x-floor")
	b.ReportMetric(median(version), "version-ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// median of a list of numbers.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// rounds formats per-round ratios: "1.21 1.18 1.25".
func rounds(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strings.Join(parts, " ")
}

// benchPlan plans the first n benchmark VMs, modernized (no master target), each back to its
// original.
func benchPlan(n int) string {
	var b strings.Builder
	b.WriteString("version: 1\nvms:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: %s, datastore: LocalDS_%d}\n", benchVM(i), i%benchDatastores)
	}
	return b.String()
}
