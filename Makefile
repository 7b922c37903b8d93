# chatkit: the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= debug

.PHONY: run install test test-build deps build release server clean sanitize sanitize-thread sanitize-address soak bench attack-rss conformance completions man fuzz

SCENARIO ?= scenarios/burst.json

## Build chatctl and chatserver (release, in .build/release) and run the main job: chatctl's burst load test
## against an embedded server.
run: deps
	$(SWIFT) build -c release --product chatctl
	$(SWIFT) build -c release --product chatserver
	$$($(SWIFT) build -c release --show-bin-path)/chatctl run $(SCENARIO)

## Copy the release chatctl and chatserver to $(PREFIX)/bin (default /usr/local/bin), building them if needed.
## `make install PREFIX=$HOME/.local` needs no root.
PREFIX ?= /usr/local
install:
	$(SWIFT) build -c release --product chatctl
	$(SWIFT) build -c release --product chatserver
	mkdir -p "$(PREFIX)/bin"
	bin=$$($(SWIFT) build -c release --show-bin-path); \
		install -m 755 "$$bin/chatctl" "$$bin/chatserver" "$(PREFIX)/bin/"
	@echo "installed chatctl and chatserver in $(PREFIX)/bin"

## Start chatserver on 127.0.0.1:8080.
server: deps
	$(SWIFT) build -c release --product chatserver
	$$($(SWIFT) build -c release --show-bin-path)/chatserver --port 8080

## Install what is missing, build, and run every test under ThreadSanitizer (in its own build folder,
## .build-tsan; the chatctl and chatserver that tests start are that build's too). TEST_SANITIZER=none runs
## them on a plain debug build in .build instead: about half the test time, and no race detection.
TEST_SANITIZER ?= thread
ifeq ($(filter $(TEST_SANITIZER),thread none),)
$(error TEST_SANITIZER must be thread or none, not '$(TEST_SANITIZER)')
endif
# CHATKIT_SANITIZER tells tests that every handshake is several times slower (the storm test makes 300, not 2000).
TSAN_ENV = CHATKIT_SANITIZER=thread TSAN_OPTIONS="suppressions=$(CURDIR)/.ci/tsan-suppressions.txt halt_on_error=1"
test: test-build
	@mkdir -p reports
ifeq ($(TEST_SANITIZER),thread)
	set -o pipefail; $(TSAN_ENV) $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan 2>&1 \
		| tee reports/test.log
else
	set -o pipefail; $(SWIFT) test --skip-build 2>&1 | tee reports/test.log
endif
	@python3 .ci/test_summary.py tests reports/test.log reports/test-counts.txt

## The build `make test` runs the tests from (.build-tsan under ThreadSanitizer, else .build), on its own.
test-build: deps
ifeq ($(TEST_SANITIZER),thread)
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
else
	$(SWIFT) build --build-tests
endif

## Autobahn|Testsuite cases 1-10 against chatserver --echo and chatctl autobahn (kosoku); writes
## reports/conformance-summary.md and fails on any FAILED case. See docs/conformance.md.
conformance: deps
	bash .ci/conformance

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

## swift test under AddressSanitizer in its own build folder (SANITIZERS=address, the default; `thread` is
## `make test`, which runs every test under ThreadSanitizer). SANITIZE_SKIP: test suites to leave out
## (space-separated names; default none).
SANITIZERS ?= address
SANITIZE_SKIP ?=
sanitize_skip = $(foreach suite,$(SANITIZE_SKIP),--skip '\.$(suite)/')
sanitize: $(addprefix sanitize-,$(SANITIZERS))

# ThreadSanitizer is `make test` itself.
sanitize-thread:
	$(MAKE) test TEST_SANITIZER=thread

sanitize-address: deps
	@mkdir -p reports
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	# Leak checking is off here: LeakSanitizer reports buffers that Foundation's file reading keeps on Linux
	# (FoundationEssentials.readBytesFromFile), in the test process and in every child it starts. The fuzz
	# targets run with leak checking on (make fuzz), which covers ChatKit's own allocations.
	set -o pipefail; CHATKIT_SANITIZER=address ASAN_OPTIONS=detect_leaks=0 \
		$(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan $(sanitize_skip) 2>&1 | tee reports/asan.log
	@python3 .ci/test_summary.py asan reports/asan.log reports/test-counts.txt

## A bounded soak (2 minutes): zero loss, server memory growth under 10%.
soak: deps
	bash .ci/soak

## Memory before, during and after the hostile-client attacks (bench/attack_rss.py, release chatserver, about a
## minute); fails if RSS does not come back to within 50 MB of where it was.
attack-rss: deps
	$(SWIFT) build -c release --product chatserver
	python3 bench/attack_rss.py

## The benchmark suite (bench/run.py): chatctl vs chatserver pinned to separate cores; writes bench/results/.
bench: deps
	python3 bench/run.py $(BENCH_ARGS)

## Shell completion scripts of chatctl and chatserver (bash, zsh, fish), from swift-argument-parser's
## --generate-completion-script, into docs/completions/ (committed; a test checks they are current).
completions:
	$(SWIFT) build
	mkdir -p docs/completions
	bin=$$($(SWIFT) build --show-bin-path); for tool in chatctl chatserver; do \
		$$bin/$$tool --generate-completion-script bash > docs/completions/$$tool.bash; \
		$$bin/$$tool --generate-completion-script zsh > docs/completions/_$$tool; \
		$$bin/$$tool --generate-completion-script fish > docs/completions/$$tool.fish; \
	done

## Man pages of chatctl and chatserver (mdoc), from swift-argument-parser's generate-manual plugin, into
## docs/man/ (committed). Dated by the last commit that changed Sources/, so an unchanged tool gives an
## unchanged page. Read one with `man docs/man/chatctl.1`.
MAN_DATE ?= $(or $(shell git log -1 --format=%cs -- Sources 2>/dev/null),$(shell date +%F))
man:
	rm -rf .build/plugins/GenerateManual/outputs
	$(SWIFT) package plugin generate-manual --configuration debug --date $(MAN_DATE)
	mkdir -p docs/man
	find .build/plugins/GenerateManual -name '*.1' -exec cp {} docs/man/ \;
	ls docs/man

clean:
	rm -rf .build .build-* .venv
