# Kapacitet: the two commands are `make run` and `make test`.
SHELL := /bin/bash
# duckdb-go's Arrow interface needs this tag; every go command of the Makefile gets it.
export GOFLAGS := -tags=duckdb_arrow -buildvcs=false
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
BIN     := bin/kapacitet
DB      ?= kapacitet.duckdb
ECHARTS := dashboards/static/vendor/echarts.min.js

.PHONY: all assets build run demo test vet chromium fuzz bench bench-small soak demo-data clean screenshots

all: build

# ECharts 5.6.0 from the npm registry (package-lock.json), copied into the embed folder.
assets: $(ECHARTS)
$(ECHARTS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.min.js $@

build: assets
	go build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/kapacitet

# build, load and publish the demo data if the database does not exist yet, serve on :8080
run: build
	./$(BIN) demo --db "$(DB)"
	./$(BIN) serve --db "$(DB)"

demo: build
	./$(BIN) demo --db "$(DB)"

vet:
	go vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }

# the browser tests use Debian's chromium (never a downloaded browser), the report's PDF test poppler-utils
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "$$CHROMIUM" ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "The browser tests need Debian's chromium: run  sudo apt-get install -y chromium"; exit 1; fi; }
	@command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; \
	  else echo "The report's PDF test needs Debian's poppler-utils: run  sudo apt-get install -y poppler-utils"; exit 1; fi; }

test: assets vet chromium
	go test -count=1 ./...
	$(MAKE) fuzz FUZZTIME=1000x
	$(MAKE) bench-small

# every fuzz target for a while (seed corpora in ingest/ and dashboards/testdata/fuzz/); no input may panic. make test gives a
# count of inputs, not a duration: Go 1.26's fuzzer can fail a duration run at its deadline with "context
# deadline exceeded" and no failing input (golang/go#75804, fixed in Go 1.27); a count has no deadline.
FUZZTIME ?= 30s
# PACKAGE:TARGET; the HTTP targets send fuzzed query strings and uploads to the real handler: never a 500.
FUZZ_TARGETS := ingest:FuzzReadCSV ingest:FuzzReadXLSX ingest:FuzzReadJSON ingest:FuzzMapper \
	dashboards:FuzzPageQuery dashboards:FuzzIngestUpload
fuzz:
	@for t in $(FUZZ_TARGETS); do f=$${t#*:}; go test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) ./$${t%%:*} || exit 1; done

# the README's pictures of the dashboards (the demo data, Debian's headless chromium)
screenshots: assets chromium
	go run ./cmd/screenshots -o docs/screenshots

# figures and ratios against a baseline run in the same process
bench: build
	go run ./bench -bin $(BIN) -rows 1000000 -rounds 5 -benchtime 3x

# issue 9: 5 minutes at 64 connections of pages, API calls and extracts, an ingest and a publish a minute
soak:
	go run ./bench -soak 5m -soak-conns 64

bench-small: build
	go run ./bench -bin $(BIN) -rows 50000 -rounds 1 -benchtime 2x -purchases 1000 -years 2 -pagetime 300ms -export-rows 500000 -check

# regenerate the committed demo CSV files (fixed seed)
demo-data:
	go run ./data/demo/gen -out data/demo

clean:
	rm -rf bin node_modules $(dir $(ECHARTS))
