# ForBetter: `make demo` serves the demo on http://127.0.0.1:8000; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install lock demo serve worker test test-sqlite test-postgres bench lint format clean bigdemo

# Every dependency is installed at the version requirements.lock pins (`make lock` refreshes it), then
# ForBetter itself, editable, with the pinned build tools; a changed lock or pyproject.toml re-installs.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

lock:
	PYTHON=$(PYTHON) scripts/lock.sh

demo: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) scripts/serve-demo.sh

serve: install
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(BIN)/python manage.py db_worker

test: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	@for script in bench/[a-z]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy forbetter

# The large demo (DESIGN section 7) goes in its own SQLite file unless DATABASE_URL names a database.
BIG_DATABASE_URL ?= sqlite:///$(CURDIR)/forbetter-big.sqlite3
bigdemo: install
	DATABASE_URL=$${DATABASE_URL:-$(BIG_DATABASE_URL)} $(BIN)/python manage.py migrate --no-input
	DATABASE_URL=$${DATABASE_URL:-$(BIG_DATABASE_URL)} $(BIN)/python manage.py seed_bigdemo

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) forbetter.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
