# asr-preflight — run `make help` for the targets.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: help build test lint bench demo screenshot dist image clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build: ## Build bin/asr-preflight and bin/asr-preflight-lab
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/asr-preflight ./cmd/asr-preflight
	$(GO) build -o bin/asr-preflight-lab ./cmd/asr-preflight-lab

test: ## Run every test, end-to-end ones included, with the race detector
	$(GO) test -race -count=1 ./...

bench: ## Whole reprotect runs of 2,000 and 10,000 VMs against the floor, Azure's requests for 2,000 items, --suggest over 2,000 VMs, serve watching 200 and 2,000 VMs (several minutes)
	$(GO) test -run '^$$' -bench 'Reprotect|Collect|Suggest|ServeWatch' -benchtime 5x -timeout 30m ./internal/preflight ./internal/collect/azure ./internal/suggest

lint: ## gofmt and go vet
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

demo: build ## Run the lab's demo estates — modernized before reprotect and failback, classic before reprotect, two recovery plans — and print the reports
	@for run in mixed-modernized:reprotect mixed-modernized-failback:failback mixed:reprotect recovery-plans-demo:reprotect; do \
		scenario=$${run%%:*}; phase=$${run##*:}; \
		echo "=== asr-preflight $$phase — lab scenario test/scenarios/$$scenario.yaml (vcsim + fake Azure on 127.0.0.1)"; echo; \
		code=0; bin/asr-preflight-lab run --scenario test/scenarios/$$scenario.yaml -- $$phase || code=$$?; \
		case $$code in 0) why="every check passed";; 4) why="warnings only, nothing blocks";; 3) why="a check failed or could not be evaluated: a VM or recovery plan is blocked or unknown";; *) why="see Exit codes in the README";; esac; \
		echo; echo "asr-preflight $$phase exited $$code — $$why (the scenario breaks things on purpose)"; echo; \
	done

screenshot: build ## Redraw docs/report.png, the README's picture of the demo's HTML report (needs chromium)
	@dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	bin/asr-preflight-lab run --scenario test/scenarios/mixed-modernized.yaml -- reprotect --html "$$dir/report.html" >/dev/null || true; \
	chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-sync --disable-background-networking \
		--disable-component-update --host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir="$$dir/profile" \
		--hide-scrollbars --window-size=1100,860 --screenshot=docs/report.png "file://$$dir/report.html" 2>/dev/null

dist: ## Release archives for linux, darwin and windows on amd64 and arm64, a CycloneDX SBOM per target and SHA256SUMS, in dist/ (reproducible)
	$(GO) run ./tools/dist -out dist -version $(VERSION)

image: ## serve's OCI image for linux/amd64 and linux/arm64, as an OCI layout in dist/image (built by go-containerregistry, no Docker daemon; reproducible)
	$(GO) run ./tools/dist -image dist/image -version $(VERSION)

clean: ## Remove built binaries and release artifacts
	rm -rf bin dist
