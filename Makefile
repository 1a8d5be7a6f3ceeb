# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
# The address the demo prints and door cards carry follows the port served.
export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test test-fast lint setup messages clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## Create the virtualenv, migrate, load the demo site once, then serve it with the
## background worker that sends messages and the scheduler that sends reminders (both
## stopped with the server).
run: setup
	@$(PY) manage.py db_worker --backend background & worker=$$!; \
	$(PY) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo

## The whole test suite, in a worker per CPU (pytest-xdist; TEST_WORKERS=0 runs it in one
## process). Browser tests skip with one line when chromium is missing.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

## Refresh the Chinese translations after changing user-facing strings.
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media private_media

## Check a production configuration on the server, with its environment loaded
## (`set -a; . /srv/jiuxiao/env; set +a; make check-production`; docs/deploy.md): Django's
## deploy check, then manage.py check_production, which connects to the database and Redis
## and writes to the storage folders. PY=/path/to/python for another virtualenv;
## PRODUCTION_SETTINGS=portal.settings.local for a settings module that imports production's.
PRODUCTION_SETTINGS ?= portal.settings.production
.PHONY: check-production
check-production:
	DJANGO_SETTINGS_MODULE=$(PRODUCTION_SETTINGS) $(PY) manage.py check --deploy --fail-level WARNING
	DJANGO_SETTINGS_MODULE=$(PRODUCTION_SETTINGS) $(PY) manage.py check_production

## The benchmark suite (docs/performance.md): `make bench-quick` (100 and 10,000 venues, under
## 10 minutes) or `make bench` (up to 100,000 venues, by hand); PostgreSQL on 127.0.0.1:5432.
.PHONY: bench bench-quick
bench: $(STAMP)
	bench/run

bench-quick: $(STAMP)
	bench/run --quick
