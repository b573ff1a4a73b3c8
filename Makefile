# zhucun developer targets. `make test` is the README's test command and
# what .ci/run ends with.
#
# run and test first make sure PostgreSQL is up on 127.0.0.1:5432
# (scripts/ensure-postgres.sh), unless DATABASE_URL (run) or
# TEST_DATABASE_URL (test) names another server.

GO ?= go

.PHONY: run test build vet lint ensure-postgres

ensure-postgres:
	@bash scripts/ensure-postgres.sh

run:
	@if [ -z "$$DATABASE_URL" ]; then bash scripts/ensure-postgres.sh; fi
	$(GO) run ./cmd/zhucun serve --demo

test:
	@if [ -z "$$TEST_DATABASE_URL" ]; then bash scripts/ensure-postgres.sh; fi
	$(GO) test -count=1 -timeout 40m ./...

build:
	$(GO) build -o bin/zhucun ./cmd/zhucun

vet:
	@files=$$(gofmt -l .); if [ -n "$$files" ]; then echo "gofmt -w needed on:"; echo "$$files"; exit 1; fi
	$(GO) vet ./...

# lint runs staticcheck and Temporal's workflowcheck (scripts/lint.sh),
# installing them at their pinned versions into .tools/bin the first time.
lint:
	bash scripts/lint.sh

# fuzz runs every fuzz target of ./server and ./policy for FUZZTIME each
# (2,000 inputs) from the committed corpus, as CI does; `make fuzz
# FUZZTIME=60s` for longer.
FUZZTIME ?= 2000x
.PHONY: fuzz
fuzz:
	FUZZTIME=$(FUZZTIME) bash scripts/fuzz-short.sh
