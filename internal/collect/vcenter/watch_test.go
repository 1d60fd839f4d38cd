package vcenter_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/lab"
)

// watching runs a watch of the lab, following the names, until the test ends, with a short wait
// so that session loss shows at once; cut, while set, fails every request it sends.
func watching(t *testing.T, l *lab.Lab, names ...string) (*vcenter.Watch, *atomic.Bool) {
	t.Helper()
	var cut atomic.Bool
	cfg := vcenter.Config{URL: l.URL, Username: l.Username, Password: l.Password, Insecure: true,
		Transport: func(next http.RoundTripper) http.RoundTripper {
			return roundTrip(func(r *http.Request) (*http.Response, error) {
				if cut.Load() {
					return nil, errors.New("connection cut by the test")
				}
				return next.RoundTrip(r)
			})
		}}
	w := vcenter.NewWatch(cfg, vcenter.WatchOptions{Timeout: 5 * time.Second, MaxWait: time.Second, Log: slog.New(slog.NewTextHandler(testWriter{t}, nil))})
	w.Follow(inventory.NewDetailed(names, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return w, &cut
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// until waits, at most 10 s, for the watch's state to satisfy ok.
func until(t *testing.T, w *vcenter.Watch, what string, ok func(vcenter.WatchState) bool) vcenter.WatchState {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		ch := w.Changed()
		if s := w.State(); ok(s) {
			return s
		}
		select {
		case <-ch:
		case <-deadline:
			s := w.State()
			t.Fatalf("the watch never saw %s: up %v, %v", what, s.Up, s.Err)
		}
	}
}

func vmNamed(inv *inventory.VCenter, name string) []inventory.VM {
	if inv == nil {
		return nil
	}
	var out []inventory.VM
	for _, vm := range inv.VMs {
		if vm.Name == name {
			out = append(out, vm)
		}
	}
	return out
}

// TestWatch: the watch reads what Collect reads, then applies every change vCenter announces — a
// VM created under a followed name (read in full), renamed, destroyed; a host put in maintenance;
// a datastore unmounted from a host — each within a second or so.
func TestWatch(t *testing.T) {
	l, err := lab.Start(lab.Options{Hosts: 2, Datastores: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	ctx := context.Background()
	if err := l.CreateVMs(ctx, []lab.VM{{Name: "web01", Host: "DC0_H0", Datastore: "LocalDS_0", MemoryMB: 1024}, {Name: "db01", Host: "DC0_H1", Datastore: "LocalDS_0", MemoryMB: 2048},
		{Name: "app01-new", Host: "DC0_H1", Datastore: "LocalDS_0", MemoryMB: 512}}); err != nil {
		t.Fatal(err)
	}
	w, _ := watching(t, l, "web01", "app01")
	s := until(t, w, "the first full read", func(s vcenter.WatchState) bool { return s.Up && s.Inventory != nil })

	// The first state is what Collect reads.
	read, _, err := vcenter.Collect(ctx, vcenter.Config{URL: l.URL, Username: l.Username, Password: l.Password, Insecure: true}, vcenter.Request{VMs: []string{"web01", "app01"}})
	if err != nil {
		t.Fatal(err)
	}
	if d := vcenter.Differences(s.Inventory, read); len(d) > 0 || len(s.Inventory.VMs) != len(read.VMs) {
		t.Fatalf("the watched state differs from a full read:\n%s", strings.Join(d, "\n"))
	}
	if web := vmNamed(s.Inventory, "web01"); len(web) != 1 || web[0].Brief || web[0].Host != "DC0_H0" || web[0].MemoryMB != 1024 {
		t.Errorf("web01, followed: %+v", web)
	}
	if db := vmNamed(s.Inventory, "db01"); len(db) != 1 || !db[0].Brief || db[0].InstanceUUID == "" {
		t.Errorf("db01, not followed: %+v", db)
	}

	c, err := govmomi.NewClient(ctx, mustURL(t, l), true)
	if err != nil {
		t.Fatal(err)
	}
	wait := func(task *object.Task, err error) {
		t.Helper()
		if err == nil {
			err = task.Wait(ctx)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// A VM that takes a followed name is read in full. (One created under it is TestServeWatches':
	// creating a VM while a watch collects races inside vcsim under -race — its CreateVM task sets
	// the new VM's name holding the folder's lock, not the VM's — govmomi #3533's kind of race.)
	finder := find.NewFinder(c.Client, true)
	staged, err := finder.VirtualMachine(ctx, "/DC0/vm/app01-new")
	if err != nil {
		t.Fatal(err)
	}
	wait(staged.Rename(ctx, "app01"))
	until(t, w, "app01 named", func(s vcenter.WatchState) bool {
		app := vmNamed(s.Inventory, "app01")
		return len(app) == 1 && !app[0].Brief && app[0].Host == "DC0_H1" && app[0].MemoryMB == 512
	})
	db, err := finder.VirtualMachine(ctx, "/DC0/vm/db01")
	if err != nil {
		t.Fatal(err)
	}
	wait(db.Rename(ctx, "db01-old"))
	until(t, w, "db01 renamed", func(s vcenter.WatchState) bool {
		return len(vmNamed(s.Inventory, "db01")) == 0 && len(vmNamed(s.Inventory, "db01-old")) == 1
	})
	app, err := finder.VirtualMachine(ctx, "/DC0/vm/app01")
	if err != nil {
		t.Fatal(err)
	}
	wait(app.PowerOn(ctx))
	until(t, w, "app01 powered on", func(s vcenter.WatchState) bool {
		app := vmNamed(s.Inventory, "app01")
		return len(app) == 1 && app[0].PowerState == "poweredOn"
	})
	wait(app.PowerOff(ctx))
	wait(app.Destroy(ctx))
	until(t, w, "app01 destroyed", func(s vcenter.WatchState) bool { return len(vmNamed(s.Inventory, "app01")) == 0 })

	if err := l.SetMaintenance("DC0_H1", true); err != nil {
		t.Fatal(err)
	}
	until(t, w, "DC0_H1 in maintenance", func(s vcenter.WatchState) bool { h, _ := s.Inventory.Host("DC0_H1"); return h.InMaintenance })
	if err := l.SetMount("LocalDS_0", "DC0_H0", false, false, types.HostMountModeReadWrite); err != nil {
		t.Fatal(err)
	}
	s = until(t, w, "LocalDS_0 unmounted from DC0_H0", func(s vcenter.WatchState) bool {
		d, _ := s.Inventory.Datastore("LocalDS_0")
		i := slices.IndexFunc(d.Mounts, func(m inventory.Mount) bool { return m.Host == "DC0_H0" })
		return i >= 0 && !d.Mounts[i].Mounted && !d.Mounts[i].Accessible
	})
	if s.Updates == 0 {
		t.Error("no updates counted")
	}

	// After all that, the watched state is still what a full read finds.
	read, _, err = vcenter.Collect(ctx, vcenter.Config{URL: l.URL, Username: l.Username, Password: l.Password, Insecure: true}, vcenter.Request{VMs: []string{"web01", "app01"}})
	if err != nil {
		t.Fatal(err)
	}
	if d := vcenter.Differences(w.State().Inventory, read); len(d) > 0 {
		t.Errorf("the watched state differs from a full read:\n%s", strings.Join(d, "\n"))
	}
}

// TestWatchRecovers: a session terminated on the server (NotAuthenticated) and a connection cut
// are said (not up, with the reason), and the watch logs in again, reads everything again and
// sees changes made meanwhile.
func TestWatchRecovers(t *testing.T) {
	l, err := lab.Start(lab.Options{Hosts: 1, Datastores: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	ctx := context.Background()
	if err := l.CreateVMs(ctx, []lab.VM{{Name: "web01", Host: "DC0_H0", Datastore: "LocalDS_0", MemoryMB: 1024}}); err != nil {
		t.Fatal(err)
	}
	w, cut := watching(t, l, "web01")
	until(t, w, "the first full read", func(s vcenter.WatchState) bool { return s.Up && s.Inventory != nil })

	c, err := govmomi.NewClient(ctx, mustURL(t, l), true)
	if err != nil {
		t.Fatal(err)
	}
	var sm mo.SessionManager
	if err := c.RetrieveOne(ctx, *c.ServiceContent.SessionManager, []string{"sessionList", "currentSession"}, &sm); err != nil {
		t.Fatal(err)
	}
	var others []string
	for _, s := range sm.SessionList {
		if s.Key != sm.CurrentSession.Key {
			others = append(others, s.Key)
		}
	}
	if err := session.NewManager(c.Client).TerminateSession(ctx, others); err != nil || len(others) == 0 {
		t.Fatalf("terminating the watch's session %v: %v", others, err)
	}
	until(t, w, "the session lost", func(s vcenter.WatchState) bool { return !s.Up && s.Err != nil })
	s := until(t, w, "a new session", func(s vcenter.WatchState) bool { return s.Up })
	if len(vmNamed(s.Inventory, "web01")) != 1 {
		t.Errorf("after a new login: %+v", s.Inventory.VMs)
	}

	cut.Store(true)
	s = until(t, w, "the connection cut", func(s vcenter.WatchState) bool { return !s.Up })
	if !strings.Contains(s.Err.Error(), "connection cut by the test") {
		t.Errorf("reason: %v", s.Err)
	}
	if err := l.SetMaintenance("DC0_H0", true); err != nil { // while the watch cannot see
		t.Fatal(err)
	}
	cut.Store(false)
	until(t, w, "DC0_H0 in maintenance, read again", func(s vcenter.WatchState) bool {
		h, _ := s.Inventory.Host("DC0_H0")
		return s.Up && h.InMaintenance
	})
}

// mustURL is the lab's URL with its credentials, for a client of the test's own.
func mustURL(t *testing.T, l *lab.Lab) *url.URL {
	u, err := url.Parse(l.URL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(l.Username, l.Password)
	return u
}

// TestDifferencesAndOverlay: a full read that disagrees with the watched state is told, object by
// object, but not for the counters vCenter refreshes on its own; an overlay takes the watched
// objects and keeps what only the full read has.
func TestDifferencesAndOverlay(t *testing.T) {
	read := &inventory.VCenter{Datacenter: "DC0",
		Hosts:      []inventory.Host{{Ref: "host-1", Name: "esx01", MemoryUsageMB: 100, License: &inventory.License{EditionKey: "esx.enterprisePlus"}}},
		Datastores: []inventory.Datastore{{Ref: "ds-1", Name: "ds01", FreeBytes: 10}},
		VMs: []inventory.VM{{Ref: "vm-1", Name: "web01", Host: "esx01", Storage: &inventory.VMStorage{Disks: 1, ProvisionedBytes: 5}, Details: &inventory.VMDetails{Snapshots: 2}},
			{Ref: "vm-2", Name: "db01", InstanceUUID: "u2", Brief: true}},
		Privileges: &inventory.Privileges{Checked: []string{"Datastore.Browse"}}}
	watched := &inventory.VCenter{Datacenter: "DC0",
		Hosts:      []inventory.Host{{Ref: "host-1", Name: "esx01", MemoryUsageMB: 200}},
		Datastores: []inventory.Datastore{{Ref: "ds-1", Name: "ds01", FreeBytes: 20}},
		VMs: []inventory.VM{{Ref: "vm-1", Name: "web01", Host: "esx01", Storage: &inventory.VMStorage{Disks: 1, ProvisionedBytes: 7}},
			{Ref: "vm-2", Name: "db01", InstanceUUID: "u2", Host: "esx01"}}}
	if d := vcenter.Differences(watched, read); len(d) != 0 {
		t.Errorf("counters and what only one read: %v", d)
	}
	watched.Hosts[0].InMaintenance = true
	watched.VMs = append(watched.VMs, inventory.VM{Ref: "vm-3", Name: "app01", Brief: true})
	read.Datastores = append(read.Datastores, inventory.Datastore{Ref: "ds-2", Name: "ds02"})
	d := vcenter.Differences(watched, read)
	want := []string{`host host-1 (esx01): watched {"ref":"host-1","name":"esx01","connectionState":"","inMaintenance":true`, "datastore ds-2 (ds02) read, not watched", "VM vm-3 (app01) watched, not read"}
	if len(d) != len(want) {
		t.Fatalf("differences %q, want %d", d, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(d[i], want[i]) {
			t.Errorf("difference %q, want %q…", d[i], want[i])
		}
	}

	o := vcenter.Overlay(read, watched)
	if !o.Hosts[0].InMaintenance || o.Hosts[0].License == nil || o.VMs[0].Details == nil || o.VMs[0].Details.Snapshots != 2 || len(o.VMs) != 3 || o.Privileges == nil {
		t.Errorf("overlay: %+v", o)
	}
	if watched.Hosts[0].License != nil || watched.VMs[0].Details != nil {
		t.Error("the overlay changed the watched state")
	}
}
