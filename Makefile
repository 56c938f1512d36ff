# Dalil — the two commands a newcomer needs are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha256sum | cut -c1-12)
SYSTEM_PACKAGES := chromium fonts-noto-core poppler-utils gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

.PHONY: bootstrap messages makemessages demo serve test test-fast lint format bench system-packages screenshots clean schema

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

bootstrap: $(STAMP)

## System packages (Debian): Chromium for browser tests, fonts, Pango/HarfBuzz (WeasyPrint) and poppler for PDFs, gettext.
system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "Missing system packages. Run as root:"; echo "  sudo apt-get update && sudo apt-get install -y$$missing"; fi

## Message catalogues: the .po files under src/dalil/locale are the source; the .mo files are
## built here, never committed. With GNU gettext (Debian `gettext`) installed this is Django's
## compilemessages; without it, scripts/compile_messages.py (standard library only) does the same,
## so `make demo` needs no system package. Up-to-date catalogues are not recompiled.
messages: bootstrap
	@if command -v msgfmt >/dev/null 2>&1; then \
		cd src/dalil && ../../$(BIN)/dalil compilemessages --verbosity 0; \
	else \
		$(BIN)/python scripts/compile_messages.py src/dalil/locale; \
	fi

## Developers: collect new strings into the ar and ckb catalogues (needs gettext), then translate
## every new entry (docs/glossary.md) and drop any `fuzzy` flag; tests/test_catalogues.py checks.
makemessages: bootstrap
	cd src/dalil && ../../$(BIN)/dalil makemessages -l ar -l ckb --no-obsolete --ignore 'tests/*' --ignore '*/tests/*'

## make demo: set up, load the demonstration ministry, serve on http://127.0.0.1:8000
demo: bootstrap messages
	$(BIN)/dalil demo
	$(BIN)/dalil serve

serve: bootstrap messages
	$(BIN)/dalil serve

## make test: set up, then the whole suite (SQLite unless DATABASE_URL is set)
test: bootstrap system-packages messages
	$(BIN)/pytest -q -n 2  # CI has 2 cores; xdist gives each worker its own database

test-fast: bootstrap messages
	$(BIN)/pytest -q -m "not browser and not slow"

lint: bootstrap
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: bootstrap
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

## The committed OpenAPI schema (docs/openapi.yaml); tests/test_api_schema.py fails when it is stale.
schema: bootstrap
	$(BIN)/dalil spectacular --lang en --validate --fail-on-warn --file docs/openapi.yaml

bench: bootstrap
	$(BIN)/python bench/ledger_bench.py
	$(BIN)/python bench/limits_bench.py
	$(BIN)/python bench/custody_bench.py

## make screenshots: regenerate docs/screenshots/*.png with the browser tests that save them
screenshots: bootstrap system-packages messages
	DALIL_SCREENSHOTS=1 $(BIN)/pytest -q -m browser tests/browser/test_signin_browser.py \
		tests/browser/test_languages_browser.py tests/browser/test_jobs_browser.py \
		tests/browser/test_investigation_browser.py

clean:
	rm -rf var/test*.sqlite3* var/static
