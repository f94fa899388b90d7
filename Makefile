# ipmanager — see README.md. Every target works on a fresh Debian 12 machine
# after `make setup`.

CARGO ?= cargo
SO := target/release/libipmanager.so

.PHONY: setup build build-test test test-rust test-php test-browser demo bench dist stubs fuzz clean

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

clean:
	rm -rf target dist .run
