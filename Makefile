# Sightline: the two commands are `make run` and `make test`.
SHELL := /bin/bash
# uv from PATH if there is one; otherwise the one `ensure-uv` installs with pip.
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
VENV := .venv
BIN := $(VENV)/bin
ASSETS := sightline/core/static/govuk

.PHONY: run test install ensure-uv system-packages assets lint audit bench clean cin-validator

## run: install, migrate, load the demo district and serve it on 127.0.0.1:8000
run: install
	$(BIN)/sightline demo

## install: Python packages (uv, locked), front-end assets
install: $(BIN)/sightline assets

ensure-uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
		python3 -m pip install --quiet uv

$(BIN)/sightline: pyproject.toml uv.lock | ensure-uv
	$(UV) sync --frozen
	touch $@

assets: $(ASSETS)/govuk-frontend.min.css

$(ASSETS)/govuk-frontend.min.css: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(ASSETS) && mkdir -p $(ASSETS) sightline/core/static/axe
	cp -r node_modules/govuk-frontend/dist/govuk/assets $(ASSETS)/assets
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(ASSETS)/
	sed 's#/assets/#/static/govuk/assets/#g' node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > $@
	cp node_modules/axe-core/axe.min.js sightline/core/static/axe/

## system-packages: Debian's Chromium for the browser journeys (never a downloaded browser)
system-packages:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; fi

## lint: ruff, mypy, import-linter, Django's checks
lint: install
	$(BIN)/ruff check sightline tests conftest.py
	$(BIN)/ruff format --check sightline tests conftest.py
	$(BIN)/lint-imports
	$(BIN)/mypy sightline
	$(BIN)/sightline makemigrations --check --dry-run
	DJANGO_PRODUCTION=1 DJANGO_SECRET_KEY=a-long-random-value-for-the-deploy-check-only-0123456789abcdef \
		AUDIT_CHAIN_KEY=another-long-random-value-for-the-deploy-check-only \
		DJANGO_ALLOWED_HOSTS=sightline.example $(BIN)/sightline check --deploy --fail-level WARNING

## audit: known vulnerabilities in the locked packages (pip-audit; says so when it cannot look)
audit: install
	.ci/audit-dependencies

## cin-validator: DfE's CIN census rules (csc-validator-be-cin) in their own environment
CIN_VENV := .venv-cin
CIN_REQUIREMENTS := sightline/insight/validator-requirements.txt
cin-validator: $(CIN_VENV)/.installed

$(CIN_VENV)/.installed: $(CIN_REQUIREMENTS)
	python3 -m venv $(CIN_VENV)
	$(CIN_VENV)/bin/pip install --quiet -r $(CIN_REQUIREMENTS)
	touch $@

## test: install everything and pass the whole suite (lint, unit, browser)
test: install system-packages cin-validator lint audit
	$(BIN)/pytest -n 2 --dist loadfile -q

## bench: benchmarks; results in docs/benchmarks.md (BENCH_ARGS=--quick for a smoke run)
BENCH_DIR := data/bench
bench: install
	mkdir -p $(BENCH_DIR)
	$(BIN)/python -m sightline.bench --section --output $(BENCH_DIR)/pages.md $(BENCH_ARGS)
	$(BIN)/python -m sightline.feeds.bench $(BENCH_ARGS) > $(BENCH_DIR)/ingest.md
	$(BIN)/python -m sightline.sharing.bench $(BENCH_ARGS) > $(BENCH_DIR)/inbox.md
	$(BIN)/python -m sightline.linkage.bench $(BENCH_ARGS) > $(BENCH_DIR)/linkage.md
	$(BIN)/python -m sightline.risk.bench $(BENCH_ARGS) > $(BENCH_DIR)/replay.md
	$(BIN)/python -m sightline.insight.bench $(BENCH_ARGS) > $(BENCH_DIR)/census.md
	$(BIN)/python -m sightline.loadtest $(BENCH_ARGS) > $(BENCH_DIR)/load.md
	$(BIN)/python -m sightline.bench --assemble $(BENCH_DIR) --output docs/benchmarks.md

clean:
	rm -rf $(VENV) node_modules $(ASSETS) data
