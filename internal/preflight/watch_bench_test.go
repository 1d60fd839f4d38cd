package preflight

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// idleWindow is how long BenchmarkServeWatch watches an idle serve.
const idleWindow = time.Minute

// BenchmarkServeWatch measures asr-preflight serve with --interval 15m watching a vCenter of 200
// and of 2,000 VMs (5 ms a call), for a plan of 10: idle, the vCenter requests a minute and the CPU
// it takes between changes (one minute each); then, each round, how long after a VM is created
// under a plan VM's name its asr_preflight_vm_ready turns 0, and after the VM is destroyed 1
// again. Run it with make bench.
func BenchmarkServeWatch(b *testing.B) {
	bin := buildTool(b)
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprintf("vms=%d", n), func(b *testing.B) { benchServeWatch(b, bin, n) })
	}
}

func benchServeWatch(b *testing.B, bin string, n int) {
	vc := startBenchVCenter(b, n)
	proxied, requests := countingProxy(b, vc)
	planPath := filepath.Join(b.TempDir(), "plan.yaml")
	if err := os.WriteFile(planPath, []byte(benchPlan(10)), 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--plan", planPath, "--phase", "reprotect", "--interval", "15m", "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "GOVC_URL="+proxied, "GOVC_INSECURE=true")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
	listening, watching := make(chan string, 1), make(chan struct{})
	var logMu sync.Mutex
	var watched sync.Once
	var logged strings.Builder
	log := func() string { logMu.Lock(); defer logMu.Unlock(); return logged.String() }
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			logMu.Lock()
			logged.WriteString(line + "\n")
			logMu.Unlock()
			if m := regexp.MustCompile(`msg=serving listen=(\S+)`).FindStringSubmatch(line); m != nil {
				listening <- m[1]
			}
			if strings.Contains(line, `msg="watching vCenter"`) {
				watched.Do(func() { close(watching) })
			}
		}
	}()
	var base string
	select {
	case addr := <-listening:
		base = "http://" + addr
	case <-time.After(time.Minute):
		b.Fatal("serve did not listen")
	}
	ready := func() float64 {
		res, err := http.Get(base + "/metrics")
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "asr_preflight_vm_ready{") && strings.Contains(l, `vm="vm00000"`) {
				v, _ := strconv.ParseFloat(l[strings.LastIndexByte(l, ' ')+1:], 64)
				return v
			}
		}
		return -1
	}
	until := func(want float64) time.Duration {
		t0 := time.Now()
		for ready() != want {
			if time.Since(t0) > time.Minute {
				b.Fatalf("vm00000 never ready=%v\n%s", want, log())
			}
			time.Sleep(20 * time.Millisecond)
		}
		return time.Since(t0)
	}
	until(1)
	select {
	case <-watching:
	case <-time.After(time.Minute):
		b.Fatalf("serve did not start watching\n%s", log())
	}

	// Idle: nothing changes for a minute.
	time.Sleep(time.Second)
	cpu0, req0 := cpuTime(b, cmd.Process.Pid), requests.Load()
	time.Sleep(idleWindow)
	cpu1, req1 := cpuTime(b, cmd.Process.Pid), requests.Load()
	perMinute := float64(req1-req0) / idleWindow.Minutes()
	cpuPct := 100 * float64(cpu1-cpu0) / float64(idleWindow)

	// Changes: a namesake of vm00000 appears, then goes.
	ctx := context.Background()
	u, _ := soap.ParseURL(vc)
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = c.Logout(ctx) }()
	var calls, created, removed []float64 // the creation's own calls; from their start to vm_ready 0; from the destruction to 1
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		vm := createNamesake(b, ctx, c, "vm00000")
		calls = append(calls, ms(time.Since(t0)))
		until(0)
		created = append(created, ms(time.Since(t0)))
		t0 = time.Now()
		task, err := vm.Destroy(ctx)
		if err == nil {
			err = task.Wait(ctx)
		}
		if err != nil {
			b.Fatal(err)
		}
		until(1)
		removed = append(removed, ms(time.Since(t0)))
	}
	b.StopTimer()
	if l := log(); strings.Contains(l, "watch lost") || strings.Contains(l, "differed") {
		b.Errorf("the watch was lost, or differed from a full read:\n%s", l)
	}
	b.Logf("%d VMs, --interval 15m, idle %v: %.1f vCenter requests a minute, CPU %.2f%% of a core; a namesake created: vm_ready 0 after %.0f ms (of which the creation's own calls %.0f ms), destroyed: 1 after %.0f ms (medians of %d rounds)",
		n, idleWindow, perMinute, cpuPct, median(created), median(calls), median(removed), len(created))
	b.ReportMetric(perMinute, "idle-req/min")
	b.ReportMetric(cpuPct, "idle-cpu-%")
	b.ReportMetric(median(created), "create-ms")
	b.ReportMetric(median(removed), "remove-ms")
}

// countingProxy serves vCenter at target over plain http on loopback, counting the requests.
func countingProxy(b *testing.B, target string) (string, *atomic.Int64) {
	u, _ := url.Parse(target)
	user := u.User
	u.User = nil
	var n atomic.Int64
	p := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	p.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1); p.ServeHTTP(w, r) })}
	go func() { _ = srv.Serve(l) }()
	b.Cleanup(func() { _ = srv.Close() })
	return (&url.URL{Scheme: "http", User: user, Host: l.Addr().String(), Path: u.Path}).String(), &n
}

// cpuTime is the process's user and system CPU time so far, from /proc.
func cpuTime(b *testing.B, pid int) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64) // fields 14 and 15 of stat, counted from the state
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // clock ticks: 100 a second on Linux
}

// createNamesake creates a small VM of the name on host DC0_H1, as an administrator would.
func createNamesake(b *testing.B, ctx context.Context, c *govmomi.Client, name string) *object.VirtualMachine {
	f := find.NewFinder(c.Client)
	dc, err := f.Datacenter(ctx, "DC0")
	if err != nil {
		b.Fatal(err)
	}
	f.SetDatacenter(dc)
	folders, err := dc.Folders(ctx)
	if err != nil {
		b.Fatal(err)
	}
	host, err := f.HostSystem(ctx, "DC0_H1")
	if err != nil {
		b.Fatal(err)
	}
	pool, err := host.ResourcePool(ctx)
	if err != nil {
		b.Fatal(err)
	}
	spec := types.VirtualMachineConfigSpec{Name: name, GuestId: "otherGuest64", NumCPUs: 1, MemoryMB: 512,
		Files: &types.VirtualMachineFileInfo{VmPathName: "[LocalDS_1]"}}
	task, err := folders.VmFolder.CreateVM(ctx, spec, pool, host)
	if err != nil {
		b.Fatal(err)
	}
	info, err := task.WaitForResult(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return object.NewVirtualMachine(c.Client, info.Result.(types.ManagedObjectReference))
}
