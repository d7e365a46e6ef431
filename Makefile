# Two commands for a newcomer (see README.md):
#   make run    set everything up and start the dashboard on http://127.0.0.1:8050
#   make test   set everything up and run the whole test suite
# Every target installs what it needs; nothing is assumed to be installed by hand beyond Python 3.11+.

PYTHON ?= python3
VENV   ?= .venv
BIND   ?= 127.0.0.1:8050
WORKERS ?= 3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test setup install browser production bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,serve]'
	touch $(STAMP)

install: $(STAMP)

setup: install
	$(BIN)/python -m dashboard setup

run: setup
	$(BIN)/python -m dashboard serve

browser:
	bash scripts/install-browser.sh

test: install browser
	$(BIN)/python -m pytest

# Several users (a coordination meeting): gunicorn with several workers that share one result cache, and
# the import worker that takes uploads from the queue in the database (scripts/serve-production.sh).
# Set DATABASE_URL for PostgreSQL; BIND=0.0.0.0:8050 to serve the network.
production: setup
	BIN=$(BIN) WORKERS=$(WORKERS) BIND=$(BIND) bash scripts/serve-production.sh

# The benchmark with its budgets (about 10 minutes for x1, x10 and x100); DATABASE_URL-style server URL in PG_URL
bench: install browser
	$(BIN)/python -m dashboard bench $(if $(PG_URL),--database-url $(PG_URL),)
