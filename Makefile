# make run   : set everything up and start Sanphalang (Ctrl-C stops it)
# make test  : set everything up and run the whole test suite: every tier below
#   make test-unit       no I/O: rules, envelope, schemas, files in memory, deploy files
#   make test-component  one database at a time (SQLite and PostgreSQL), services in-process
#   make test-system     services as processes over RabbitMQ, through the gateway
#   make test-e2e        the pages in headless Chromium
# make bench : the benchmarks of DESIGN §7, each beside its baseline
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | md5sum | cut -c1-8)

.PHONY: setup services static browser run test test-unit test-component test-system test-e2e test-faults bench clean

$(STAMP):
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=24"
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,bench]'
	touch $(STAMP)

setup: $(STAMP) services static browser

services:
	@deploy/local/ensure-services.sh

# ECharts and the Sarabun web font into gateway/web/static/vendor/ (npm ci, pinned by deploy/static/)
static:
	@deploy/local/ensure-static.sh

# Debian's chromium (the monthly report's PDF, tests/e2e), a Thai font, poppler-utils (the PDF tests)
browser:
	@deploy/local/ensure-browser.sh

run: setup
	$(BIN)/sanphalang up

test: setup browser
	$(BIN)/pytest

test-unit: setup
	$(BIN)/pytest tests/unit

test-component: setup
	$(BIN)/pytest tests/component

test-system: setup
	$(BIN)/pytest tests/system

test-e2e: setup browser
	$(BIN)/pytest tests/e2e

test-faults: setup
	$(BIN)/pytest -m faults tests/faults -v

bench: setup
	$(BIN)/python -m tests.bench.run

clean:
	rm -rf $(VENV) var test-artifacts build/static-npm gateway/web/static/vendor
