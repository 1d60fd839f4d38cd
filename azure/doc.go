// Package azure will collect the Azure side of a failback: failed-over VMs and Site Recovery state.
package azure
