package azure_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	asr "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicessiterecovery/v2"

	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
	"github.com/asr-preflight/asr-preflight/internal/lab"
)

// fakeAzure is a subscription of n failed-over VMs in rg-dr, each with its protected item, and one
// unrelated VM elsewhere.
func fakeAzure(n int) *lab.Azure {
	a := &lab.Azure{Subscription: lab.Subscription, Sizes: map[string]int32{"Standard_D2s_v3": 8192, "Standard_B1s": 1024},
		VaultGroup: "rg-asr", Vault: "vault01", PageSize: 50}
	for i := range n {
		vm := lab.AzureVM{ResourceGroup: "rg-dr", Name: fmt.Sprintf("vm%03d", i)}
		a.VMs = append(a.VMs, vm)
		a.Items = append(a.Items, lab.Item{Name: vm.Name,
			OSType: "Linux", OSName: "Ubuntu 22.04", MemoryMB: 4096, RecoveryVM: &vm})
	}
	a.VMs = append(a.VMs, lab.AzureVM{ResourceGroup: "rg-other", Name: "jumpbox", Size: "Standard_B1s", PowerState: "deallocated"})
	return a
}

// tokenless is a credential that needs no identity provider.
type tokenless struct{ err error }

func (c tokenless) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "t"}, c.err
}

func config(a *lab.Azure) azure.Config {
	return azure.Config{SubscriptionID: a.Subscription, Transport: a.Transport(), Credential: tokenless{}}
}

func TestCollect(t *testing.T) {
	a := fakeAzure(3)
	a.Items[1].HealthErrors = []asr.HealthError{{ErrorCode: to.Ptr("78093"), ErrorMessage: to.Ptr("VM not running"), RecommendedAction: to.Ptr("Start it")}}
	inv, parts, err := azure.Collect(context.Background(), config(a), azure.Request{ResourceGroups: []string{"rg-dr"}, Vault: &azure.Resource{ResourceGroup: "rg-asr", Name: "vault01"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.VMs) != 4 {
		t.Fatalf("got %d VMs, want 4: %+v", len(inv.VMs), inv.VMs)
	}
	vm := vmNamed(t, inv, "vm001")
	if vm.ResourceGroup != "rg-dr" || vm.PowerState != "running" || vm.ProvisioningState != "succeeded" || !vm.Detailed ||
		vm.Size != "Standard_D2s_v3" || vm.OSType != "Linux" || vm.MemoryMB != 8192 || vm.Location != "westeurope" {
		t.Errorf("vm001: %+v", vm)
	}
	if j := vmNamed(t, inv, "jumpbox"); j.PowerState != "deallocated" || j.Detailed || j.ResourceGroup != "rg-other" {
		t.Errorf("a VM outside the plan's groups has its state only: %+v", j)
	}
	it, ok := item(inv, "VM001")
	if !ok || it.InstanceType != "InMageAzureV2" || it.ProtectionState != "UnplannedFailoverCommitted" || it.RecoveryVMName != "vm001" ||
		it.RecoveryResourceGroup != "rg-dr" || it.MemoryMB != 4096 || it.DiscoveryType != "vCenter" || !it.Allows("SwitchProtection") || it.Stage() != inventory.FailedOver {
		t.Errorf("item: %+v", it)
	}
	if len(it.HealthErrors) != 1 || it.HealthErrors[0].Code != "78093" || it.HealthErrors[0].RecommendedAction != "Start it" {
		t.Errorf("health errors: %+v", it.HealthErrors)
	}
	if len(parts) != 1 || !parts[inventory.VaultPart].Collected {
		t.Errorf("parts %v", parts)
	}
}

// TestRequestsGrowByPages: 5 and 200 VMs cost one request per page of each listing, never one per VM.
func TestRequestsGrowByPages(t *testing.T) {
	counts := map[int]int64{}
	for _, n := range []int{5, 200} {
		a := fakeAzure(n)
		a.Appliances = []lab.Appliance{{Name: "appliance01"}, {Name: "appliance02"}}
		a.Classic = &lab.ClassicFabric{ConfigServer: "cs01", ProcessServer: "ps01", MasterTarget: "mt01"}
		inv, parts, err := azure.Collect(context.Background(), config(a), azure.Request{ResourceGroups: []string{"rg-dr"},
			Vault: &azure.Resource{ResourceGroup: "rg-asr", Name: "vault01"}, Fabrics: true})
		if err != nil || !parts[inventory.FabricsPart].Collected || len(inv.Fabrics.Appliances) != 2 || len(inv.Fabrics.Classic) != 1 {
			t.Fatalf("%v %v %+v", err, parts, inv.Fabrics)
		}
		counts[n] = a.Requests.Load()
	}
	// 5 VMs: 1 page each of all VMs, rg-dr, sizes, items, fabrics = 5. 200 VMs at 50 a page: all
	// VMs 201 → 5 pages, rg-dr 4, sizes 1, items 4, fabrics 1 = 15.
	t.Logf("ARM requests: 5 VMs %d, 200 VMs %d", counts[5], counts[200])
	if counts[5] != 5 || counts[200] != 15 {
		t.Errorf("ARM requests: %d for 5 VMs, %d for 200; want 5 and 15 (pages, not VMs)", counts[5], counts[200])
	}
}

// TestModernizedItemsReadByGET: the listing of modernized items carries no disks, as Site Recovery
// lists them; the plan's items are read again by GET, one request each, and only those.
func TestModernizedItemsReadByGET(t *testing.T) {
	for _, n := range []int{10, 200} {
		a := fakeAzure(n)
		for i := range a.Items {
			a.Items[i].InstanceType = "InMageRcm"
			a.Items[i].Disks = []lab.Disk{{Name: "disk0", SizeGB: 40}, {Name: "disk1", SizeGB: 10}}
		}
		a.Items[9].InstanceType, a.Items[9].Appliance = "InMageRcmFailback", "appliance09" // reprotected through the plan's appliance
		plan := map[string]bool{"vm000": true, "vm003": true, "vm007": true}
		vault := &azure.Resource{ResourceGroup: "rg-asr", Name: "vault01"}
		listed, _, err := azure.Collect(t.Context(), config(a), azure.Request{Vault: vault})
		if err != nil {
			t.Fatal(err)
		}
		before := a.Requests.Load()
		inv, _, err := azure.Collect(t.Context(), config(a), azure.Request{Vault: vault, Appliances: []string{"APPLIANCE09"},
			Detail: func(it inventory.ProtectedItem) bool { return plan[it.FriendlyName] }})
		if err != nil {
			t.Fatal(err)
		}
		if extra := a.Requests.Load() - 2*before; extra != 4 {
			t.Errorf("%d items, 3 in the plan, 1 through its appliance: %d more requests than the listing alone, want 4 (one GET each)", n, extra)
		}
		plan["vm009"] = true // read for the appliance's disk count
		for i, it := range inv.ProtectedItems {
			l := listed.ProtectedItems[i]
			if l.Detailed || len(l.Disks) != 0 || l.DisksKnown() {
				t.Errorf("listed %s: detailed %v, %d disks", l.Name, l.Detailed, len(l.Disks))
			}
			want := 0
			if plan[it.FriendlyName] {
				want = 2
			}
			if len(it.Disks) != want || it.Detailed != plan[it.FriendlyName] || it.DetailError != "" {
				t.Errorf("%s: detailed %v, %d disks (%s), want %d", it.FriendlyName, it.Detailed, len(it.Disks), it.DetailError, want)
			}
			if want > 0 && it.Disks[0].CapacityBytes != 40<<30 {
				t.Errorf("%s: disk %+v", it.FriendlyName, it.Disks[0])
			}
		}
	}
}

func TestCollectFailures(t *testing.T) {
	a := fakeAzure(2)
	cfg := config(a)
	cfg.Credential = tokenless{err: errors.New("DefaultAzureCredential: failed to acquire a token.\nAttempted credentials:\n\tEnvironmentCredential: missing environment variable AZURE_TENANT_ID\n\tManagedIdentityCredential: no response\n\tAzureCLICredential: Azure CLI not found on path\n--------\nTo troubleshoot, visit https://aka.ms/x")}
	_, _, err := azure.Collect(context.Background(), cfg, azure.Request{})
	want := "DefaultAzureCredential: failed to acquire a token. | Attempted credentials: | EnvironmentCredential: missing environment variable AZURE_TENANT_ID | ManagedIdentityCredential: no response | AzureCLICredential: Azure CLI not found on path"
	if err == nil || err.Error() != want {
		t.Errorf("token failure:\n got %v\nwant %s", err, want)
	}

	inv, parts, err := azure.Collect(context.Background(), config(a), azure.Request{Vault: &azure.Resource{ResourceGroup: "rg-asr", Name: "nope"}})
	vault := parts[inventory.VaultPart]
	if err != nil || vault.Collected || len(inv.VMs) == 0 {
		t.Errorf("a missing vault is recorded, the VMs stand: %v %+v %+v", err, parts, inv)
	}
	if !strings.Contains(vault.Error, "reading vault rg-asr/nope: GET ") || !strings.Contains(vault.Error, "HTTP 404 ResourceNotFound") {
		t.Errorf("vault error: %s", vault.Error)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		cfg  azure.Config
		want string
	}{
		{azure.Config{}, ""},
		{azure.Config{Cloud: "AzureChina"}, ""},
		{azure.Config{Cloud: "Mars"}, `unknown Azure cloud "Mars"; expected AzurePublic, AzureChina or AzureUSGovernment`},
		{azure.Config{Endpoint: "https://management.local.azurestack.external"}, ""},
		{azure.Config{Endpoint: "http://127.0.0.1:8080"}, ""},
		{azure.Config{Endpoint: "http://localhost:8080"}, ""},
		{azure.Config{Endpoint: "http://[::1]:8080"}, ""},
		{azure.Config{Endpoint: "http://10.0.0.5:8080"}, `Azure Resource Manager endpoint "http://10.0.0.5:8080": plain http is allowed only on this machine (127.0.0.0/8, ::1, localhost); use https`},
		{azure.Config{Endpoint: "ftp://x"}, `Azure Resource Manager endpoint "ftp://x": expected https://host[:port]`},
	}
	for _, tc := range tests {
		err := tc.cfg.Validate()
		if got := fmt.Sprint(err); (tc.want == "" && err != nil) || (tc.want != "" && got != tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func TestGuestProbe(t *testing.T) {
	a := fakeAzure(2)
	a.Guest = map[string]string{"vm001": "service=Stopped\nport=closed"}
	g, err := azure.NewGuestProbe(config(a))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]inventory.GuestState{
		"vm000": {AzureVM: "rg-dr/vm000", Service: "Running", Port: "open", Output: "service=Running\nport=open"},
		"vm001": {AzureVM: "rg-dr/vm001", Service: "Stopped", Port: "closed", Output: "service=Stopped\nport=closed"},
	} {
		got, err := g.Probe(context.Background(), inventory.AzureVM{ResourceGroup: "rg-dr", Name: name, OSType: "Linux"}, "10.0.0.4:443")
		if err != nil || got != want {
			t.Errorf("%s: got %+v, %v; want %+v", name, got, err, want)
		}
	}
	if _, err := g.Probe(context.Background(), inventory.AzureVM{Name: "x"}, "no-port"); err == nil {
		t.Error("a configuration server without a port is an error")
	}
	if st := azure.ParseGuestOutput("noise\r\nservice=Running\r\n"); st.Service != "Running" || st.Port != "unknown" {
		t.Errorf("parse: %+v", st)
	}
}

// TestLabItemTypes: every provider the lab serves reaches the collector as itself, in the stage
// its default states mean.
func TestLabItemTypes(t *testing.T) {
	a := fakeAzure(0)
	stages := map[string]inventory.Stage{"InMageAzureV2": inventory.FailedOver, "InMageRcm": inventory.FailedOver,
		"InMage": inventory.Reprotected, "InMageRcmFailback": inventory.Reprotected}
	for _, typ := range lab.ItemTypes {
		a.Items = append(a.Items, lab.Item{Name: typ, InstanceType: typ, RecoveryVM: &lab.AzureVM{ResourceGroup: "rg-dr", Name: typ}})
	}
	inv, _, err := azure.Collect(context.Background(), config(a), azure.Request{Vault: &azure.Resource{ResourceGroup: "rg-asr", Name: "vault01"}})
	if err != nil {
		t.Fatal(err)
	}
	for typ, stage := range stages {
		it, ok := item(inv, typ)
		if !ok || it.InstanceType != typ || it.Stage() != stage {
			t.Errorf("%s: found %v, type %q, stage %q; want stage %q", typ, ok, it.InstanceType, it.Stage(), stage)
		}
		if typ != "InMage" && (it.RecoveryVMName != typ || it.RecoveryResourceGroup != "rg-dr") {
			t.Errorf("%s: recovery VM %s/%s", typ, it.RecoveryResourceGroup, it.RecoveryVMName)
		}
	}
}

// TestGuestProbeNoInjection: the configuration server's address reaches Run Command as parameters,
// never in the script, and the script run by a real shell with a hostile address executes nothing
// of it.
func TestGuestProbeNoInjection(t *testing.T) {
	a := fakeAzure(1)
	g, err := azure.NewGuestProbe(config(a))
	if err != nil {
		t.Fatal(err)
	}
	const hostile = "cs01';touch /tmp/x;'"
	for _, osType := range []string{"Linux", "Windows"} {
		if _, err := g.Probe(context.Background(), inventory.AzureVM{ResourceGroup: "rg-dr", Name: "vm000", OSType: osType}, hostile+":443"); err != nil {
			t.Fatal(err)
		}
	}
	if len(a.RunCommands) != 2 {
		t.Fatalf("%d Run Commands", len(a.RunCommands))
	}
	for _, in := range a.RunCommands {
		script := *in.Script[0]
		if strings.Contains(script, "cs01") || len(in.Parameters) != 2 || *in.Parameters[0].Value != hostile || *in.Parameters[1].Value != "443" {
			t.Errorf("%s: the address must travel as parameters only: script %q, parameters %+v", *in.CommandID, script, in.Parameters)
		}
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	marker := filepath.Join(t.TempDir(), "pwned")
	linux := *a.RunCommands[0].Script[0]
	out, _ := exec.Command(bash, "-c", linux, "script", "x';touch "+marker+";'", "1").CombinedOutput()
	if _, err := os.Stat(marker); err == nil {
		t.Fatalf("the hostile address ran a command:\n%s", out)
	}
	if !strings.Contains(string(out), "port=closed") {
		t.Errorf("the script did not report the port:\n%s", out)
	}
}

// TestHungEndpoint: an endpoint that accepts connections and never answers costs the collector its
// own deadline, and the error is the deadline's cause, naming the endpoint.
func TestHungEndpoint(t *testing.T) {
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hung.Close()
	cause := errors.New("no answer from Azure Resource Manager " + hung.URL + " within 1s (--timeout)")
	ctx, cancel := context.WithTimeoutCause(context.Background(), time.Second, cause)
	defer cancel()
	start := time.Now()
	_, _, err := azure.Collect(ctx, azure.Config{SubscriptionID: lab.Subscription, Endpoint: hung.URL, TryTimeout: 200 * time.Millisecond},
		azure.Request{Vault: &azure.Resource{ResourceGroup: "rg-asr", Name: "vault01"}})
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %v", took)
	}
	if err == nil || err.Error() != cause.Error() {
		t.Errorf("error %v, want %v", err, cause)
	}
}

// vmNamed returns the collected VM of the name.
func vmNamed(t *testing.T, inv *inventory.Azure, name string) inventory.AzureVM {
	t.Helper()
	for _, vm := range inv.VMs {
		if vm.Name == name {
			return vm
		}
	}
	t.Fatalf("no VM %s collected", name)
	return inventory.AzureVM{}
}

// item returns the collected protected item of the machine, by friendly name.
func item(inv *inventory.Azure, name string) (inventory.ProtectedItem, bool) {
	for _, it := range inv.ProtectedItems {
		if strings.EqualFold(it.FriendlyName, name) {
			return it, true
		}
	}
	return inventory.ProtectedItem{}, false
}
