# Quartierskompass – the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
QK := $(BIN)/quartierskompass
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run install install-test system system-test messages lint format test \
        test-sqlite test-postgres test-browser demo bench clean

help:
	@echo "make run    install, migrate, load the demo Quartier and serve on http://$(HOST):$(PORT)"
	@echo "make test   lint, migration and translation checks, all tests on SQLite and PostgreSQL"
	@echo "make lint   ruff format --check and ruff check"
	@echo "make bench  benchmarks at DESIGN scale (BENCH_SCALE=0.1 for a quick look)"

$(BIN)/python:
	@python=$$(scripts/find-python); echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install -q -e ".[test]"
	@touch $@

system:
	@scripts/ensure-system-packages run

system-test:
	@scripts/ensure-system-packages test

install: system $(VENV)/.installed messages

install-test: system-test $(VENV)/.installed-test messages

messages: $(VENV)/.installed
	@cd quartierskompass && ../$(QK) compilemessages --verbosity 0

run: install
	DEBUG=true $(QK) migrate --noinput
	DEBUG=true $(QK) demo
	DEBUG=true $(QK) serve --host $(HOST) --port $(PORT)

demo: install
	DEBUG=true $(QK) migrate --noinput
	DEBUG=true $(QK) demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-test lint
	DEBUG=false $(QK) makemigrations --check --dry-run
	@$(MAKE) --no-print-directory test-sqlite test-postgres

test-sqlite:
	@echo "== Tests on SQLite =="
	$(BIN)/pytest -n 2 -q

test-postgres:
	@echo "== Tests on PostgreSQL =="
	VENV=$(VENV) scripts/test-postgres -n 2 -q

bench: install
	$(BIN)/python bench/run.py --scale $${BENCH_SCALE:-1.0}

clean:
	rm -rf $(VENV) build *.egg-info
