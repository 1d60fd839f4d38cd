package main

import (
	"errors"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/asr-preflight/asr-preflight/internal/collect/azure"
	"github.com/asr-preflight/asr-preflight/internal/plan"
	"github.com/asr-preflight/asr-preflight/internal/collect/vcenter"
)

// setting returns the flag's value if it was given, else the environment variable's, and where
// the value came from ("--flag" or "VARIABLE"; "" when neither is set).
func setting(cmd *cobra.Command, flag, value, env string) (string, string) {
	if cmd.Flags().Changed(flag) {
		return value, "--" + flag
	}
	if v := os.Getenv(env); v != "" {
		return v, env
	}
	return "", ""
}

// vcenterConfig resolves vCenter settings — flag, then GOVC_* environment, then plan — and
// validates them before any connection: a bad value is an input error naming where it came from.
func vcenterConfig(cmd *cobra.Command, f *phaseFlags, pl *plan.Plan) (vcenter.Config, error) {
	origin := map[string]string{"thumbprint": "--vcenter-thumbprint"}
	var cfg vcenter.Config
	cfg.URL, origin["url"] = setting(cmd, "vcenter-url", f.vcURL, "GOVC_URL")
	cfg.Username, origin["username"] = setting(cmd, "vcenter-username", f.vcUser, "GOVC_USERNAME")
	cfg.Password, _ = setting(cmd, "vcenter-password", f.vcPassword, "GOVC_PASSWORD")
	cfg.CAFile, origin["ca"] = setting(cmd, "vcenter-ca", f.vcCA, "GOVC_TLS_CA_CERTS")
	cfg.Thumbprint, cfg.Datacenter, cfg.Insecure = f.vcThumbprint, pl.VCenter.Datacenter, f.insecure
	if cfg.URL == "" && pl.VCenter.URL != "" {
		cfg.URL, origin["url"] = pl.VCenter.URL, pl.Where("vcenter.url")
	}
	if !cmd.Flags().Changed("insecure") {
		if v := os.Getenv("GOVC_INSECURE"); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return cfg, inputError("GOVC_INSECURE: expected true or false, got %q", v)
			}
			cfg.Insecure = b
		}
	}
	if f.vcPasswordFile != "" {
		b, err := os.ReadFile(f.vcPasswordFile)
		if err != nil {
			return cfg, inputError("--vcenter-password-file: %v", err)
		}
		cfg.Password = strings.TrimRight(string(b), "\r\n")
	}
	if err := cfg.Validate(); err != nil {
		var se *vcenter.SettingError
		if errors.As(err, &se) && origin[se.Setting] != "" && se.Setting != "username" {
			return cfg, inputError("%s: %v", origin[se.Setting], se.Err)
		}
		return cfg, inputError("%v", err)
	}
	return cfg, nil
}

// azureFlags are the Azure settings shared by reprotect, failback and plan.
type azureFlags struct {
	subscription, cloud, endpoint, audience string
}

func (a *azureFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&a.subscription, "subscription", "", "Azure subscription `ID` (env AZURE_SUBSCRIPTION_ID; default: plan azure.subscriptionId)")
	fl.StringVar(&a.cloud, "azure-cloud", "", "AzurePublic, AzureChina or AzureUSGovernment (env AZURE_CLOUD; default AzurePublic)")
	fl.StringVar(&a.endpoint, "azure-endpoint", "", "Azure Resource Manager `URL` for Azure Stack Hub or a lab (env AZURE_RESOURCE_MANAGER_ENDPOINT)")
	fl.StringVar(&a.audience, "azure-audience", "", "token audience `URL` for --azure-endpoint, as Azure Stack Hub gives it (env AZURE_RESOURCE_MANAGER_AUDIENCE; default: the cloud's)")
}

// config resolves Azure settings, flag then environment then plan (which may be nil), and whether
// Azure is configured at all. A malformed value is an input error naming where it came from.
func (a *azureFlags) config(cmd *cobra.Command, pl *plan.Plan) (azure.Config, bool, error) {
	var cfg azure.Config
	var from string
	cfg.SubscriptionID, from = setting(cmd, "subscription", a.subscription, "AZURE_SUBSCRIPTION_ID")
	cfg.Cloud, _ = setting(cmd, "azure-cloud", a.cloud, "AZURE_CLOUD")
	cfg.Endpoint, _ = setting(cmd, "azure-endpoint", a.endpoint, "AZURE_RESOURCE_MANAGER_ENDPOINT")
	cfg.Audience, _ = setting(cmd, "azure-audience", a.audience, "AZURE_RESOURCE_MANAGER_AUDIENCE")
	on := cfg.SubscriptionID != "" || pl != nil && pl.Azure != nil
	if cfg.SubscriptionID == "" && pl != nil && pl.Azure != nil {
		cfg.SubscriptionID = pl.Azure.SubscriptionID // validated with the plan
	}
	if from != "" && !plan.ValidSubscription(cfg.SubscriptionID) {
		return cfg, on, inputError("%s: expected a subscription ID (a GUID such as 00000000-0000-0000-0000-000000000000), got %q", from, cfg.SubscriptionID)
	}
	if err := cfg.Validate(); on && err != nil {
		return cfg, on, inputError("%v", err)
	}
	return cfg, on, nil
}
