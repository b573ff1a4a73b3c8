# zhucun developer targets. `make test` is the README's test command and
# what .ci/run ends with.
#
# run and test first make sure PostgreSQL is up on 127.0.0.1:5432
# (scripts/ensure-postgres.sh), unless DATABASE_URL (run) or
# TEST_DATABASE_URL (test) names another server.

GO ?= go

.PHONY: run test build install vet lint ensure-postgres

ensure-postgres:
	@bash scripts/ensure-postgres.sh

# run builds the binary and runs it, not `go run`: go run exits 1 when it
# is interrupted whatever its program did, and Ctrl-C is how serve stops.
run: build
	@if [ -z "$$DATABASE_URL" ]; then bash scripts/ensure-postgres.sh; fi
	./bin/zhucun serve --demo

test:
	@if [ -z "$$TEST_DATABASE_URL" ]; then bash scripts/ensure-postgres.sh; fi
	$(GO) test -count=1 -timeout 40m ./...

build:
	$(GO) build -o bin/zhucun ./cmd/zhucun

# install puts zhucun on the PATH: $(PREFIX)/bin/zhucun, /usr/local/bin as
# root, else ~/.local/bin (`make install PREFIX=...` for elsewhere).
PREFIX ?= $(if $(filter 0,$(shell id -u)),/usr/local,$(HOME)/.local)
install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 bin/zhucun $(DESTDIR)$(PREFIX)/bin/zhucun
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "note: $(PREFIX)/bin is not on your PATH; add it to run zhucun by name";; esac

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
