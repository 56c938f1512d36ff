# Dalil — the two commands a newcomer needs are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha256sum | cut -c1-12)
SYSTEM_PACKAGES := chromium fonts-noto-core poppler-utils gettext

.PHONY: bootstrap demo serve test test-fast lint format bench system-packages clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

bootstrap: $(STAMP)

## System packages (Debian): Chromium for browser tests, fonts and poppler for PDFs, gettext.
system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "Missing system packages. Run as root:"; echo "  sudo apt-get update && sudo apt-get install -y$$missing"; fi

## make demo: set up, load the demonstration ministry, serve on http://127.0.0.1:8000
demo: bootstrap
	$(BIN)/dalil demo
	$(BIN)/dalil serve

serve: bootstrap
	$(BIN)/dalil serve

## make test: set up, then the whole suite (SQLite unless DATABASE_URL is set)
test: bootstrap system-packages
	$(BIN)/pytest -q

test-fast: bootstrap
	$(BIN)/pytest -q -m "not browser and not slow"

lint: bootstrap
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: bootstrap
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: bootstrap
	$(BIN)/python bench/ledger_bench.py

clean:
	rm -rf var/test*.sqlite3* var/static
