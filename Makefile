# Two commands: `make book` (set up, execute every chapter at profile=paper, build the HTML)
# and `make test` (set up, run the whole suite). Everything installs into .venv with pip.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup book test bench quick clean browser lint

setup: $(STAMP)

# The browser test opens the built book in Debian's Chromium (driven by Playwright).
browser:
	@command -v chromium >/dev/null || { echo "installing Debian's chromium for the browser test"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-build-isolation -e .
	touch $(STAMP)

book: setup
	$(PY) -m neuroplastic.book.cli book --profile paper

quick: setup
	$(PY) -m neuroplastic.book.cli book --profile quick

lint: setup
	$(VENV)/bin/ruff check lib tests benchmarks
	$(VENV)/bin/ruff format --check lib tests benchmarks

test: setup browser lint
	$(PY) -m pytest

bench: setup
	@set -e; for f in benchmarks/*.py; do echo "== $$f"; $(PY) $$f; done
	$(PY) -c "from neuroplastic.book import runner; runner.render_generated_pages()"
	@echo "wrote _build/benchmarks.json"

clean:
	$(PY) -m neuroplastic.book.cli clean
