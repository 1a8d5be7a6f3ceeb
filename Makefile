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

## The whole test suite (browser tests skip with one line when chromium is missing).
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

## Refresh the Chinese translations after changing user-facing strings.
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media private_media
