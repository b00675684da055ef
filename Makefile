# Điểm Cầu: `make run` serves the app on http://127.0.0.1:5000, `make test` runs the suite.
# Works on a fresh clone: the virtualenv and the install are made on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.diemcau-installed
FLASK := $(BIN)/flask --app webapp
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 4

.PHONY: run test bench install translations extract-messages clean

run: install translations
	@echo "==> Migrating the database (init-db)"
	$(FLASK) init-db
	@echo "==> Loading the demo if the database has no session yet (seed-demo --if-empty)"
	$(FLASK) seed-demo --if-empty --start "$$($(BIN)/python -c 'import datetime as d, zoneinfo as z; print((d.datetime.now(z.ZoneInfo("Asia/Ho_Chi_Minh")) + d.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"))')"
	@echo "Serving on http://$(HOST):$(PORT)/ with the job worker beside it (Ctrl+C stops both)"
	$(FLASK) jobs-worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn -c gunicorn.conf.py --no-control-socket -w $(WORKERS) -b $(HOST):$(PORT) 'webapp:create_app()'

test: install translations
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

bench: install translations
	$(BIN)/python bench/run.py $(BENCH_ARGS)

install: $(STAMP)

$(BIN)/python:
	@echo "==> Creating the virtualenv in $(VENV)"
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml | $(BIN)/python
	@echo "==> Installing the project and its dependencies into $(VENV) (the first time takes a few minutes)"
	$(BIN)/pip install --progress-bar off -e '.[test]'
	@echo "==> Installed"
	touch $(STAMP)

# The .mo files are built here, never committed.
translations: install
	@echo "==> Compiling the translations"
	$(BIN)/pybabel -q compile -d webapp/translations

# After adding or changing UI strings: refresh the catalog, then translate the new entries.
extract-messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k translated -o messages.pot .
	$(BIN)/pybabel -q update -i messages.pot -d webapp/translations --no-fuzzy-matching
	rm -f messages.pot

clean:
	rm -rf build *.egg-info test-artifacts bench/out
	find . -name __pycache__ -prune -not -path './$(VENV)/*' -exec rm -rf {} +
