GO ?= go
BIN := confo

.PHONY: build run test bench lint fuzz

build:
	$(GO) build -o $(BIN) .

run:
	$(GO) run .

# Every test: unit, real redis-server, golden views and the tmux end-to-end run.
test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m ./...

# Needs redis-server (not part of `make test`): confobench starts its own on a
# free loopback port, writes BENCHMARKS.md, then the Go benchmarks run.
bench:
	$(GO) run ./cmd/confobench -out BENCHMARKS.md
	$(GO) test -run XXX -bench . -benchmem ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

fuzz:
	$(GO) test ./confo -run XXX -fuzz FuzzCodec -fuzztime 60s
	$(GO) test ./confo -run XXX -fuzz FuzzOwningNamespace -fuzztime 30s
