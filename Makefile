# make run   : set everything up and start Sanphalang (Ctrl-C stops it)
# make test  : set everything up and run the whole test suite
# make bench : the benchmarks of DESIGN §7, each beside its baseline
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | md5sum | cut -c1-8)

.PHONY: setup services browser run test test-faults bench clean

$(STAMP):
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=24"
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,bench]'
	touch $(STAMP)

setup: $(STAMP) services

services:
	@deploy/local/ensure-services.sh

# Debian's chromium and a Thai font for tests/e2e (only `make test` needs them)
browser:
	@deploy/local/ensure-browser.sh

run: setup
	$(BIN)/sanphalang up

test: setup browser
	$(BIN)/pytest

test-faults: setup
	$(BIN)/pytest -m faults tests/faults -v

bench: setup
	$(BIN)/python -m tests.bench.run

clean:
	rm -rf $(VENV) var test-artifacts
