package azure

import (
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// TestLabCredential: a plain-http loopback endpoint gets the fixed lab token, never real
// credentials; anything else gets azidentity's chain.
func TestLabCredential(t *testing.T) {
	for _, tc := range []struct {
		endpoint string
		lab      bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://localhost:8080", true},
		{"https://127.0.0.1:8443", false},
		{"https://management.local.azurestack.external", false},
		{"", false},
	} {
		c := Config{Endpoint: tc.endpoint}
		cc, lab, err := c.cloud()
		if err != nil || lab != tc.lab {
			t.Fatalf("%q: lab %v, err %v", tc.endpoint, lab, err)
		}
		cred, err := c.credential(cc, lab)
		if err != nil {
			t.Fatal(err)
		}
		_, isLab := cred.(labToken)
		_, isChain := cred.(*azidentity.DefaultAzureCredential)
		if isLab != tc.lab || isChain == tc.lab {
			t.Errorf("%q: credential %T", tc.endpoint, cred)
		}
		if opts := c.clientOptions(cc, lab); opts.InsecureAllowCredentialWithHTTP != tc.lab || !opts.DisableRPRegistration {
			t.Errorf("%q: client options %+v", tc.endpoint, opts.ClientOptions)
		}
	}
}

// TestAudience: Azure Stack Hub's token audience is not its endpoint URL; it comes from
// --azure-audience / AZURE_RESOURCE_MANAGER_AUDIENCE, else the cloud's own.
func TestAudience(t *testing.T) {
	for _, tc := range []struct{ audience, want string }{
		{"", cloud.AzurePublic.Services[cloud.ResourceManager].Audience},
		{"https://management.adfs.azurestack.local/4711", "https://management.adfs.azurestack.local/4711"},
	} {
		cc, _, err := Config{Endpoint: "https://management.local.azurestack.external", Audience: tc.audience}.cloud()
		if err != nil {
			t.Fatal(err)
		}
		rm := cc.Services[cloud.ResourceManager]
		if rm.Audience != tc.want || rm.Endpoint != "https://management.local.azurestack.external" {
			t.Errorf("audience %q: got %+v, want audience %q", tc.audience, rm, tc.want)
		}
	}
}
