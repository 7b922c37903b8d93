# chatkit: the two commands a new user needs are `make run` and `make test`.
SWIFT ?= swift
CONFIG ?= debug

.PHONY: run test deps build release server clean

## Build and run the main job (starts chatserver on 127.0.0.1:8080 until chatctl's load test lands).
run: deps
	$(SWIFT) build -c $(CONFIG) --product chatserver
	$$($(SWIFT) build -c $(CONFIG) --show-bin-path)/chatserver --port 8080

## Install what is missing, build, and run every test.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Install system packages and the Python venv the tests use (only what is missing).
deps:
	@bash .ci/install-deps

build: deps
	$(SWIFT) build -c $(CONFIG)

release:
	$(SWIFT) build -c release

clean:
	rm -rf .build .venv
