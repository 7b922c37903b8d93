# chatkit: the two commands a new user needs are `make run` and `make test`.
SWIFT ?= swift
CONFIG ?= debug

.PHONY: run test deps build release server clean fuzz

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

## Build the libFuzzer targets and run each for FUZZ_SECONDS (default 60) on a copy of its corpus (docs/fuzzing.md).
fuzz:
	bash .ci/fuzz

## Install system packages and the Python venv the tests use (only what is missing).
deps:
	@bash .ci/install-deps

build: deps
	$(SWIFT) build -c $(CONFIG)

release:
	$(SWIFT) build -c release

clean:
	rm -rf .build .venv
