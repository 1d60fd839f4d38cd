// Package azure collects, read-only, the Azure half of a failback: the failed-over VMs and Site
// Recovery's protected items, with a number of ARM requests that grows by pages, not by VMs.
package azure

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/asr-preflight/asr-preflight/internal/loopback"
)

// Config says which subscription to read and how to reach Azure Resource Manager.
type Config struct {
	SubscriptionID string
	Cloud          string // AzurePublic (default), AzureChina or AzureUSGovernment
	Endpoint       string // ARM endpoint for Azure Stack Hub or a lab; "" for the cloud's own
	Audience       string // token audience for Endpoint; "" for the cloud's own (Azure Stack Hub has its own)
	// TryTimeout bounds each ARM request (each retry included); 0 means the SDK's default.
	TryTimeout time.Duration
	// Transport replaces the HTTP transport (the SDK's fake servers in tests).
	Transport policy.Transporter
	// Credential replaces the credential (tests); nil means azidentity's default chain, or the
	// fixed lab token for a loopback http:// endpoint.
	Credential azcore.TokenCredential
}

var clouds = map[string]cloud.Configuration{
	"AzurePublic":       cloud.AzurePublic,
	"AzureChina":        cloud.AzureChina,
	"AzureUSGovernment": cloud.AzureGovernment,
}

// Validate reports a configuration error an operator must fix: an unknown cloud, a malformed
// endpoint, or a plain http:// endpoint that is not on this machine.
func (c Config) Validate() error {
	_, _, err := c.cloud()
	return err
}

// EndpointURL is the Azure Resource Manager endpoint requests go to, for messages.
func (c Config) EndpointURL() string {
	if c.Endpoint != "" {
		return c.Endpoint
	}
	if base, ok := clouds[cmp.Or(c.Cloud, "AzurePublic")]; ok {
		return base.Services[cloud.ResourceManager].Endpoint
	}
	return "Azure Resource Manager"
}

// cloud resolves the cloud configuration and tells whether the endpoint is a lab on loopback.
func (c Config) cloud() (cloud.Configuration, bool, error) {
	name := c.Cloud
	if name == "" {
		name = "AzurePublic"
	}
	base, ok := clouds[name]
	if !ok {
		return cloud.Configuration{}, false, fmt.Errorf("unknown Azure cloud %q; expected AzurePublic, AzureChina or AzureUSGovernment", c.Cloud)
	}
	if c.Endpoint == "" {
		return base, false, nil
	}
	u, err := url.Parse(c.Endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return cloud.Configuration{}, false, fmt.Errorf("Azure Resource Manager endpoint %q: expected https://host[:port]", c.Endpoint)
	}
	lab := u.Scheme == "http"
	if lab && !loopback.Host(u.Hostname()) {
		return cloud.Configuration{}, false, fmt.Errorf("Azure Resource Manager endpoint %q: plain http is allowed only on this machine (127.0.0.0/8, ::1, localhost); use https", c.Endpoint)
	}
	endpoint := strings.TrimSuffix(u.String(), "/")
	audience := base.Services[cloud.ResourceManager].Audience
	if c.Audience != "" {
		a, err := url.Parse(c.Audience)
		if err != nil || a.Host == "" || a.Scheme != "https" {
			return cloud.Configuration{}, false, fmt.Errorf("Azure Resource Manager audience %q: expected https://host[/path]", c.Audience)
		}
		audience = c.Audience
	}
	cfg := cloud.Configuration{ActiveDirectoryAuthorityHost: base.ActiveDirectoryAuthorityHost,
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{cloud.ResourceManager: {Endpoint: endpoint, Audience: audience}}}
	return cfg, lab, nil
}

// clients resolves the credential and client options every ARM client is built with.
func (c Config) clients() (azcore.TokenCredential, *arm.ClientOptions, error) {
	cc, lab, err := c.cloud()
	if err != nil {
		return nil, nil, err
	}
	cred, err := c.credential(cc, lab)
	if err != nil {
		return nil, nil, condense(err)
	}
	return cred, c.clientOptions(cc, lab), nil
}

// credential is the one credential every ARM client uses.
func (c Config) credential(cfg cloud.Configuration, lab bool) (azcore.TokenCredential, error) {
	switch {
	case c.Credential != nil:
		return c.Credential, nil
	case lab: // never send real credentials to a lab
		return labToken{}, nil
	}
	return azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
		ClientOptions: azcore.ClientOptions{Cloud: cfg}})
}

// clientOptions is the one set of options every ARM client is built with.
func (c Config) clientOptions(cfg cloud.Configuration, lab bool) *arm.ClientOptions {
	return &arm.ClientOptions{
		ClientOptions: policy.ClientOptions{
			Cloud:                           cfg,
			Transport:                       c.Transport,
			Retry:                           policy.RetryOptions{MaxRetries: 3, MaxRetryDelay: 10 * time.Second, TryTimeout: c.TryTimeout},
			InsecureAllowCredentialWithHTTP: lab,
			Telemetry:                       policy.TelemetryOptions{ApplicationID: "asr-preflight"},
		},
		DisableRPRegistration: true,
	}
}

// labToken is the fixed token sent to a lab endpoint on loopback.
type labToken struct{}

func (labToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "asr-preflight-lab-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// condense shortens an ARM or credential error to a few lines an operator can act on:
// azidentity's chain errors list every credential it tried, one line each.
func condense(err error) error {
	var (
		re *azcore.ResponseError
		ue *url.Error
	)
	switch {
	case errors.As(err, &re):
		return fmt.Errorf("%s %s: HTTP %d %s", re.RawResponse.Request.Method, re.RawResponse.Request.URL.Path, re.StatusCode, re.ErrorCode)
	case errors.As(err, &ue):
		where := ue.URL
		if u, perr := url.Parse(ue.URL); perr == nil {
			where = u.Scheme + "://" + u.Host + u.Path
		}
		if errors.Is(ue.Err, context.DeadlineExceeded) {
			return fmt.Errorf("%s %s: no answer within the time allowed for one request", ue.Op, where)
		}
		return fmt.Errorf("%s %s: %v", ue.Op, where, ue.Err)
	}
	var lines []string
	for _, l := range strings.Split(err.Error(), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "---") || strings.HasPrefix(l, "To troubleshoot") || strings.HasPrefix(l, "RESPONSE") {
			continue
		}
		if len(l) > 160 {
			l = l[:157] + "..."
		}
		lines = append(lines, l)
		if len(lines) == 6 {
			break
		}
	}
	return errors.New(strings.Join(lines, " | "))
}
