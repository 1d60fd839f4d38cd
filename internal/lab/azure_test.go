package lab

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// TestTransportSurvivesCancelledRequests: a client that gives up (a --timeout, SIGTERM) must not
// crash the lab. The SDK's fakes send on a closed channel when the request's context is cancelled
// while they answer; without the lab's guard, some of these requests panic the test binary.
func TestTransportSurvivesCancelledRequests(t *testing.T) {
	a := &Azure{Subscription: "00000000-0000-0000-0000-000000000000"}
	for i := range 50 {
		a.VMs = append(a.VMs, AzureVM{Name: fmt.Sprint("vm", i), ResourceGroup: "rg"})
	}
	tr := a.Transport()
	url := "https://management.azure.com/subscriptions/" + a.Subscription + "/providers/Microsoft.Compute/virtualMachines?api-version=2024-11-01"
	for range 200 {
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), runtime.CtxAPINameKey{}, "VirtualMachinesClient.NewListAllPager"))
		cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp, err := tr.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	time.Sleep(100 * time.Millisecond) // time for a stray send to panic
}
