# wijkkompas — the two set-up commands are `make demo` and `make test` (see README.md).
# Everything else here is what those two need; each step is skipped when already done.

PYTHON ?= python3
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
SEED ?= 2024
VAR := var
STORE := $(VAR)/wijkkompas.duckdb
UV := .tools/bin/uv
VENV := .venv
RUN := $(VENV)/bin

# Debian packages: msgfmt for translations, the Pango stack for PDF reports; chromium for browser
# tests, PostgreSQL for the ballot-integrity test (it starts a private server of its own), pdftotext
# (poppler-utils) to read what the PDF reports say.
DEBIAN_RUNTIME := gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
DEBIAN_TEST := chromium postgresql poppler-utils

# Bytecode caches make every start after the first one fast (some machines switch them off).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test install lint pytest serve prepare clean debian-runtime debian-test

demo: install $(STORE) prepare
	@echo "wijkkompas: serving the fictional demo municipality on http://$(HOST):$(PORT)/"
	$(RUN)/wijkkompas --store $(STORE) serve --host $(HOST) --port $(PORT)

test: install debian-test lint pytest

install: debian-runtime $(VENV)/.installed node_modules/.installed

debian-runtime:
	@scripts/apt-ensure.sh $(DEBIAN_RUNTIME)

debian-test:
	@scripts/apt-ensure.sh $(DEBIAN_TEST)

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.installed: $(UV) pyproject.toml uv.lock Makefile
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen --quiet --compile-bytecode --extra postgres
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

DEMO_SOURCES := $(shell find src/wijkkompas/demo src/wijkkompas/catalogue src/wijkkompas/store -name '*.py' -o -name '*.toml' -o -name '*.json' 2>/dev/null)

$(STORE): $(DEMO_SOURCES) | $(VENV)/.installed
	$(RUN)/wijkkompas --store $(STORE) demo --seed $(SEED)

prepare: install
	$(RUN)/python -c "from wijkkompas.web.serve import prepare; prepare()"

lint: install
	$(RUN)/ruff check src tests benchmarks
	$(RUN)/ruff format --check src tests benchmarks
	$(RUN)/mypy
	$(RUN)/lint-imports --no-cache

pytest: install
	$(RUN)/pytest -n 2 --dist loadgroup

clean:
	rm -rf $(VENV) .tools node_modules $(VAR) test-artifacts
