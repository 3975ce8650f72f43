# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
CHROMIUM := /usr/bin/chromium
ARGS ?=
PORT ?= 8000

.PHONY: run test lint format install e2e-deps

run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_data
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/python manage.py downloads_build
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install e2e-deps
	$(BIN)/python -m pytest $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(INSTALLED)

# Reinstalls only when pyproject.toml changes, so a second run changes nothing.
$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check '.[dev]'
	rm -rf build *.egg-info
	touch $@

# The browser tests (tests/e2e) drive Debian's chromium, installed here when make runs as
# root with apt-get (as CI does); elsewhere they skip and say how to install it. axe-core
# comes from package-lock.json, reinstalled only when it changes.
e2e-deps: $(NODE_INSTALLED)
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	      || echo "apt-get could not install chromium: the browser tests will skip"; \
	  else \
	    echo "No $(CHROMIUM) (apt-get install chromium, as root): the browser tests will skip"; \
	  fi; \
	fi

$(NODE_INSTALLED): package.json package-lock.json
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; } || true; \
	fi
	@if command -v npm >/dev/null; then \
	  npm ci --no-audit --no-fund --loglevel=error >/dev/null && touch $@ \
	    || echo "npm ci failed: the accessibility checks will skip"; \
	else \
	  echo "npm is not installed: the accessibility checks will skip"; \
	fi
