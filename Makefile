# Standortatlas — `make run` starts the atlas on the embedded store with the
# seed data; `make test` installs what the tests need and runs them all.
GO      ?= go
NPM     ?= npm
BIN     := bin/standortatlas
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LEAFLET := static/lib/leaflet/leaflet.js

.DEFAULT_GOAL := help
.PHONY: help build run test test-deps bench bench-load bench-tiles fuzz assets fmt vet lint check-imports clean

MODULE      := github.com/standortatlas/standortatlas
# staticcheck, pinned: `go run` fetches this version from the module proxy.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The packages with concurrency (service and snapshot, tiles, HTTP; the analyses run
# under it through the HTTP tests)
# run under the race detector; the others run without it.
RACE_PKGS   := ./atlas ./atlas/maptiles ./atlas/web ./tiles
OTHER_PKGS   = $(shell $(GO) list ./... | grep -v -x $(foreach p,$(RACE_PKGS),-e '$(MODULE)/$(patsubst ./%,%,$(p))'))

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-14s %s\n", $$1, $$2}'

assets: $(LEAFLET) ## install Leaflet and its plugins from npm (lockfile) into static/lib
$(LEAFLET): package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	mkdir -p static/lib/leaflet
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css static/lib/leaflet/
	cp -r node_modules/leaflet/dist/images static/lib/leaflet/
	cp node_modules/leaflet/LICENSE static/lib/leaflet/LICENSE
	mkdir -p static/lib/vectorgrid static/lib/markercluster
	cp node_modules/leaflet.vectorgrid/dist/Leaflet.VectorGrid.bundled.min.js static/lib/vectorgrid/
	cp node_modules/leaflet.vectorgrid/README.md static/lib/vectorgrid/LICENSE-leaflet.vectorgrid.md
	cp node_modules/pbf/LICENSE static/lib/vectorgrid/LICENSE-pbf
	cp node_modules/ieee754/LICENSE static/lib/vectorgrid/LICENSE-ieee754
	cp node_modules/vector-tile/LICENSE.txt static/lib/vectorgrid/LICENSE-vector-tile
	cp node_modules/topojson-client/LICENSE.md static/lib/vectorgrid/LICENSE-topojson-client
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css static/lib/markercluster/
	cp node_modules/leaflet.markercluster/MIT-LICENCE.txt static/lib/markercluster/LICENSE
	touch $@

build: assets ## build bin/standortatlas (front end embedded)
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/standortatlas

run: build ## start the atlas at http://localhost:8080 (embedded store in data/, seeded on first start)
	$(BIN) serve

test-deps: ## install what the tests need (Chromium, PostGIS, GDAL) when running as root
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	@bash .ci/install-postgis.sh
	@bash .ci/install-gdal.sh

test: assets test-deps vet check-imports lint ## run all tests, the concurrent packages with -race (browser tests fail instead of skipping when CI=true)
	$(GO) test -race -count=1 -timeout 20m $(RACE_PKGS)
	# allocation bounds count the program's allocations, not the race detector's
	$(GO) test -count=1 -run 'Allocations$$' $(RACE_PKGS)
	$(GO) test -count=1 -timeout 25m $(OTHER_PKGS)

lint: ## staticcheck (pinned version), no findings allowed
	$(GO) run $(STATICCHECK) ./...

vet: ## go vet and gofmt check
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi

check-imports: ## enforce the package dependency rules of ARCHITECTURE.md
	@$(GO) list -f '{{.ImportPath}} {{join .Imports " "}}' ./... | awk -f .ci/check-imports.awk ARCHITECTURE.md -
	@bash .ci/check-imports-test.sh

bench: assets ## run the Go benchmarks (writes bench.txt), then the mixed wrk load test
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./... | tee bench.txt
	$(MAKE) bench-load

# Every fuzz target, as package:Name. `make test` runs their seed corpora
# (plain go test); `make fuzz` fuzzes each for FUZZTIME.
FUZZTIME     ?= 60s
# Minimising each new input may take 60 s by default and then eats the
# whole FUZZTIME of a target; a short bound keeps the fuzzer exploring.
FUZZMINIMIZE ?= 1s
FUZZ_TARGETS := atlas/web:FuzzQueryParameters atlas/web:FuzzTilePaths \
	atlas/ingest:FuzzGENESIS atlas/ingest:FuzzINKAR atlas/ingest:FuzzCanonical atlas/ingest:FuzzFFCSV \
	atlas/ingest:FuzzKS atlas/ingest:FuzzGV atlas/ingest:FuzzDeutschlandatlas atlas/ingest:FuzzReadXLS atlas/ingest:FuzzReadXLSX \
	geo/boundaryfile:FuzzReadSHP geo/boundaryfile:FuzzReadDBF geo/boundaryfile:FuzzGPKGHeader geo/boundaryfile:FuzzReadGeoJSON \
	geo/crs:FuzzSRIDFromPRJ

fuzz: ## run every fuzz target for FUZZTIME each (default 60s; new crashers land in the package's testdata/fuzz)
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; echo "== $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) ./$$pkg; \
	done

bench-load: build ## mixed load (tiles, choropleths, profiles): wrk, 64 connections, DURATION=60 s
	@command -v wrk >/dev/null || { [ "$$(id -u)" = "0" ] && apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	DURATION=$${DURATION:-60} bash cmd/standortatlas/testdata/load/run.sh

bench-tiles: build ## warm-tile load test: wrk, 64 connections, Kreis + Gemeinde tiles z5–z12
	@command -v wrk >/dev/null || { [ "$$(id -u)" = "0" ] && apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	bash tiles/bench/run.sh

fmt: ## format the Go code
	gofmt -w $$(git ls-files '*.go')

clean: ## remove build output (keeps the data store)
	rm -rf bin static/lib/leaflet static/lib/vectorgrid static/lib/markercluster node_modules
