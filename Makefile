# ipmanager — see README.md. Every target works on a fresh Debian 12 machine
# after `make setup`.

CARGO ?= cargo
SO := target/release/libipmanager.so

.PHONY: setup build build-test test test-rust test-php test-browser demo bench dist stubs fuzz clean

FUZZ_SECONDS ?= 60
FUZZ_TARGETS := csv_reader xml_reader json_reader cidr_parser address_list

setup:
	scripts/setup.sh

## Release build of the extension: target/release/libipmanager.so
build:
	$(CARGO) build --release

## The build the test suite loads: release plus ipmanager_fault_inject().
build-test:
	$(CARGO) build --release --features fault-injection --target-dir target/test

## Everything: Rust unit and database tests, PHPUnit through the harness, FPM, browser.
test: setup
	scripts/test.sh

test-rust:
	scripts/test.sh rust

test-php:
	scripts/test.sh php

test-browser:
	scripts/test.sh browser

## The harness with sample data on http://127.0.0.1:8080 (Ctrl-C stops everything).
demo: setup
	scripts/demo.sh

bench:
	scripts/bench.sh

dist:
	scripts/dist.sh

## ipmanager.stubs.php for IDEs, generated from the built extension by reflection.
stubs: build
	php -n -d extension=$(CURDIR)/$(SO) scripts/stubs.php > ipmanager.stubs.php

## Fuzzes the file readers and parsers, FUZZ_SECONDS each; needs cargo-fuzz and a nightly toolchain.
fuzz:
	@for target in $(FUZZ_TARGETS); do \
		echo "== $$target ($(FUZZ_SECONDS) s)"; \
		$(CARGO) +nightly fuzz run --fuzz-dir tests/fuzz $$target -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done

clean:
	rm -rf target dist .run
