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

# Formatting, vet, a tidy go.mod, and builds for the other systems the
# library and the command support.
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) mod tidy -diff
	GOOS=windows $(GO) build ./...
	GOOS=darwin $(GO) build ./...

fuzz:
	$(GO) test ./confo/jsonvalue -run XXX -fuzz FuzzCodec -fuzztime 60s
	$(GO) test ./confo/jsonvalue -run XXX -fuzz FuzzValid -fuzztime 60s
	$(GO) test ./confo/redisstore -run XXX -fuzz FuzzOwningNamespace -fuzztime 30s
