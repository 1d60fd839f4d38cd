package preflight

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"os/exec"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
	"github.com/asr-preflight/asr-preflight/internal/lab"
	"github.com/asr-preflight/asr-preflight/internal/result"
)

// The benchmark inventory.
const (
	benchHosts      = 32
	benchDatastores = 64
	benchVMs        = 2000
	benchLatencyMS  = 5
)

// TestMain lets the test binary serve the benchmark's vCenter in a child process, so that the
// benchmark measures the heap of the collector alone.
func TestMain(m *testing.M) {
	if os.Getenv("ASR_BENCH_SERVE") == "1" {
		if err := serveBenchInventory(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveBenchInventory builds 32 hosts, 64 datastores and 2,000 VMs (plus master target mt01) with
// parallel CreateVM_Task calls, then adds 5 ms of latency to every call, prints the URL and serves
// until stdin closes.
func serveBenchInventory() error {
	ctx := context.Background()
	m := simulator.VPX()
	m.Cluster, m.Host, m.Datastore, m.Machine = 0, benchHosts, benchDatastores, 0
	if err := m.Create(); err != nil {
		return err
	}
	defer m.Remove()
	m.Service.TLS = new(tls.Config)
	s := m.Service.NewServer()
	defer s.Close()
	c, err := govmomi.NewClient(ctx, s.URL, true)
	if err != nil {
		return err
	}
	f := find.NewFinder(c.Client)
	dc, err := f.DefaultDatacenter(ctx)
	if err != nil {
		return err
	}
	f.SetDatacenter(dc)
	hosts, err := f.HostSystemList(ctx, "*")
	if err != nil {
		return err
	}
	pools := make([]*object.ResourcePool, len(hosts))
	for i, h := range hosts {
		if pools[i], err = h.ResourcePool(ctx); err != nil {
			return err
		}
	}
	folder, err := f.DefaultFolder(ctx)
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for i := range benchVMs + 1 {
		g.Go(func() error {
			name, h := fmt.Sprintf("vm%04d", i), i%len(hosts)
			if i == benchVMs {
				name, h = "mt01", 0
			}
			spec := types.VirtualMachineConfigSpec{Name: name, GuestId: "rhel8_64Guest", MemoryMB: 1024, NumCPUs: 1,
				Files: &types.VirtualMachineFileInfo{VmPathName: fmt.Sprintf("[LocalDS_%d]", i%benchDatastores)}}
			task, err := folder.CreateVM(gctx, spec, pools[h], hosts[h])
			if err != nil {
				return err
			}
			return task.Wait(gctx)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	_ = c.Logout(ctx)
	m.DelayConfig.Delay = benchLatencyMS
	fmt.Println(s.URL.String())
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
	return nil
}

// BenchmarkReprotect measures a whole reprotect run of the pipeline — resolve, collect, derive,
// analyze, report — for a plan of all 2,000 VMs against one bare property-collector retrieval of the
// same VM properties (the floor), at 5 ms of simulated latency per vCenter call. Run it with
// make bench.
func BenchmarkReprotect(b *testing.B) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ASR_BENCH_SERVE=1")
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { stdin.Close(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("benchmark vCenter did not start: %v", err)
	}
	url := strings.TrimSpace(line)
	b.Logf("built %d hosts, %d datastores, %d VMs in %v", benchHosts, benchDatastores, benchVMs+1, time.Since(start).Round(time.Second))

	ctx := context.Background()
	env := map[string]string{"GOVC_URL": url, "GOVC_INSECURE": "true"}
	all := testInput(b, result.Reprotect, benchPlan(benchVMs), env, nil)
	small := testInput(b, result.Reprotect, benchPlan(10), env, nil)
	full := func(in Input, rec *lab.Recorder) *Outcome {
		cfg, err := Resolve(in)
		if err != nil {
			b.Fatal(err)
		}
		if rec != nil {
			cfg.VCenter.Transport = rec.Wrap
		}
		bud := newBudget(time.Now(), cfg.Timeout)
		snap := newSnapshot(cfg)
		collect(ctx, cfg, bud, snap)
		return finish(ctx, cfg, snap, time.Now(), &steps{last: time.Now()})
	}

	// Requests: the same for 10 VMs as for 2,000.
	var recSmall, recAll lab.Recorder
	full(small, &recSmall)
	out := full(all, &recAll)
	if len(out.Snapshot.VCenter.VMs) != benchVMs+1 || len(out.Report.Results) == 0 {
		b.Fatalf("collected %d VMs and %d results", len(out.Snapshot.VCenter.VMs), len(out.Report.Results))
	}
	if len(recSmall.Methods()) != len(recAll.Methods()) {
		b.Errorf("requests grow with VMs: %d for 10 VMs, %d for 2000: %v", len(recSmall.Methods()), len(recAll.Methods()), recAll.Methods())
	}

	// The floor: one retrieval of the same VM properties over an open session and view.
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
	props := append(vcenter.VMProperties(), vcenter.DetailProperties()...)
	floor := func() {
		var content []types.ObjectContent
		if err := v.Retrieve(ctx, []string{"VirtualMachine"}, props, &content); err != nil {
			b.Fatal(err)
		}
		if len(content) != benchVMs+1 {
			b.Fatalf("floor retrieved %d VMs", len(content))
		}
	}

	var floorTime, fullTime time.Duration
	var peak atomic.Uint64
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		floor()
		floorTime += time.Since(t0)

		stop := sampleHeap(&peak)
		t0 = time.Now()
		full(all, nil)
		fullTime += time.Since(t0)
		stop()
	}
	n := float64(b.N)
	b.ReportMetric(float64(fullTime.Milliseconds())/n, "full-ms/op")
	b.ReportMetric(float64(floorTime.Milliseconds())/n, "floor-ms/op")
	b.ReportMetric(float64(fullTime)/float64(floorTime), "x-floor")
	b.ReportMetric(float64(len(recAll.Methods())), "requests-2000VMs")
	b.ReportMetric(float64(len(recSmall.Methods())), "requests-10VMs")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
}

// benchPlan plans the first n benchmark VMs onto the master target's host.
func benchPlan(n int) string {
	var b strings.Builder
	b.WriteString("version: 1\nmasterTarget: mt01\nvms:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: vm%04d, datastore: LocalDS_%d}\n", i, i%benchDatastores)
	}
	return b.String()
}

// sampleHeap records the largest live heap seen until stop is called.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
