# asr-preflight — run `make help` for the targets.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: help build test lint bench demo clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

build: ## Build bin/asr-preflight and bin/asr-preflight-lab
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/asr-preflight ./cmd/asr-preflight
	$(GO) build -o bin/asr-preflight-lab ./cmd/asr-preflight-lab

test: ## Run every test, end-to-end ones included, with the race detector
	$(GO) test -race -count=1 ./...

bench: ## Benchmark a reprotect run for 2,000 VMs (32 hosts, 64 datastores, 5 ms per vCenter call)
	$(GO) test -run '^$$' -bench Reprotect -benchtime 3x ./vcenter

lint: ## gofmt and go vet
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

demo: build ## Start the lab vCenter and run asr-preflight reprotect against it
	@set -e; dir=$$(mktemp -d); \
	bin/asr-preflight-lab -dir $$dir -env-file $$dir/env >$$dir/lab.log 2>&1 & lab=$$!; \
	trap 'kill $$lab 2>/dev/null; rm -rf $$dir' EXIT; \
	for i in $$(seq 100); do [ -s $$dir/env ] && break; kill -0 $$lab 2>/dev/null || { cat $$dir/lab.log; exit 1; }; sleep 0.1; done; \
	. $$dir/env; echo "lab: $$GOVC_URL (TLS verified with the lab's certificate)"; echo; \
	code=0; bin/asr-preflight reprotect --plan $$dir/plan.yaml || code=$$?; \
	echo; echo "asr-preflight exited $$code (0 pass, 4 warnings, 3 fail or error); the lab's db01 collides on purpose (ASR 78052)"

clean: ## Remove built binaries
	rm -rf bin
