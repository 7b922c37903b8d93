# chatkit: the two commands a new user needs are `make run` and `make test`.
SWIFT ?= swift
CONFIG ?= debug

.PHONY: run test deps build release server clean sanitize soak bench conformance

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

## swift test under ThreadSanitizer and AddressSanitizer (each in its own build folder).
sanitize: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	CHATKIT_SANITIZER=thread TSAN_OPTIONS="suppressions=$(CURDIR)/.ci/tsan-suppressions.txt halt_on_error=1" \
		$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	CHATKIT_SANITIZER=address $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan

## A bounded soak (2 minutes): zero loss, server memory growth under 10%.
soak: deps
	bash .ci/soak

## The benchmark suite (bench/run.py): chatctl vs chatserver pinned to separate cores; writes bench/results/.
bench: deps
	python3 bench/run.py $(BENCH_ARGS)

clean:
	rm -rf .build .build-* .venv
