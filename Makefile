# chatkit: the two commands a new user needs are `make run` and `make test`.
SWIFT ?= swift
CONFIG ?= debug

.PHONY: run test deps build release server clean conformance

SCENARIO ?= scenarios/burst.json

## Build and run the main job: chatctl's burst load test against an embedded server.
run: deps
	$(SWIFT) build -c release --product chatctl
	$$($(SWIFT) build -c release --show-bin-path)/chatctl run $(SCENARIO)

## Start chatserver on 127.0.0.1:8080.
server: deps
	$(SWIFT) build -c release --product chatserver
	$$($(SWIFT) build -c release --show-bin-path)/chatserver --port 8080

## Install what is missing, build, and run every test.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Autobahn|Testsuite cases 1-10 against chatserver --echo and chatctl autobahn (kosoku); writes
## reports/conformance-summary.md and fails on any FAILED case. See docs/conformance.md.
conformance: deps
	bash .ci/conformance

## Install system packages and the Python venv the tests use (only what is missing).
deps:
	@bash .ci/install-deps

build: deps
	$(SWIFT) build -c $(CONFIG)

release:
	$(SWIFT) build -c release

clean:
	rm -rf .build .venv
