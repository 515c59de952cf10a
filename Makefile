# Common tasks. `make site` builds the bundled content; `make test` installs everything the
# tests need (Python packages in .venv, Debian's chromium) and runs lint, types and tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test lint serve clean

site: $(VENV)/.installed
	$(BIN)/techcompare build --content content --out site

test: $(VENV)/.installed-test /usr/bin/chromium node_modules/axe-core/axe.min.js
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

serve: $(VENV)/.installed
	$(BIN)/techcompare serve --content content

lint: $(VENV)/.installed-test
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# axe-core (npm) is injected into pages by the accessibility tests.
node_modules/axe-core/axe.min.js: package.json
	npm ci --no-audit --no-fund
	touch $@

# Debian's Chromium drives the browser tests (Playwright must not download its own).
/usr/bin/chromium:
	scripts/install-chromium

clean:
	rm -rf site $(VENV) node_modules .cache .pytest_cache .mypy_cache .ruff_cache
