# Two commands: `make run` serves the product with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-sqlite test-postgres lint schema bench migrate demo worker clean serve loadtest

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# The compiled catalogue (django.mo) is not committed: made here from locale/vi/LC_MESSAGES/django.po, the only
# source of the Vietnamese texts (README, "Translations"), for every target that installs.
install: $(STAMP)
	DEBUG=1 $(PY) manage.py compilemessages -l vi --ignore=$(VENV) --verbosity 0

# After changing user-facing strings in the code: adds the new msgids to the .po (keeping every translation) for
# a translator (or you) to fill in; `make install` then compiles it.
.PHONY: messages
messages: install
	DEBUG=1 $(PY) manage.py makemessages -l vi --ignore=$(VENV) --ignore=tests --ignore=bench --ignore=scripts \
		--ignore=media --ignore=staticfiles --add-location=file

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py createcachetable

demo: migrate
	DEBUG=1 $(PY) manage.py load_divisions --province 79
	DEBUG=1 $(PY) manage.py seed_demo

# The task worker (CCTV analysis, remediation sweeps) and the scheduler run beside the server and stop with it.
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/graphql/ (GraphiQL) and /admin/ with Daphne; task worker and scheduler beside it"
	DEBUG=1 $(PY) manage.py task_worker & worker=$$!; \
	DEBUG=1 $(PY) manage.py scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

worker: migrate
	DEBUG=1 $(PY) manage.py task_worker

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	TESTING=1 $(VENV)/bin/mypy

test: install lint test-sqlite test-postgres

# Debian's Chromium for the headless-browser test of the board (Playwright drives it; never `playwright install`),
# and Debian's libfaketime for the year-ahead run of the suite.
.PHONY: browser
browser:
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq || true; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver \
			|| echo "== Chromium could not be installed: the browser test will be skipped =="; \
	fi
	@if ! command -v faketime >/dev/null && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq || true; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y faketime \
			|| echo "== libfaketime could not be installed: the year-ahead run moves the suite's clock only =="; \
	fi

# The suite pins its clock (tests/clock.py); it runs a second time with that clock a year ahead, and, when
# Debian's libfaketime is installed (`make browser` installs it as root), with the real clock further ahead still,
# so that no test depends on the date it runs on nor on the real one.
YEAR_AHEAD = TEST_CLOCK_OFFSET_DAYS=365 $(shell command -v faketime >/dev/null && echo "faketime -f +400d")

test-sqlite: install browser
	TESTING=1 $(VENV)/bin/pytest
	@echo "== SQLite, a year ahead: $(YEAR_AHEAD) =="
	TESTING=1 $(YEAR_AHEAD) $(VENV)/bin/pytest

# Runs again on the local PostgreSQL and Redis when both answer (see README); skipped otherwise.
test-postgres: install
	@if $(PY) scripts/services.py --check "$(PG_URL)" "$(REDIS_TEST_URL)"; then \
		echo "== PostgreSQL + Redis =="; \
		TESTING=1 DATABASE_URL="$(PG_URL)" REDIS_URL="$(REDIS_TEST_URL)" $(VENV)/bin/pytest; \
	else \
		echo "== PostgreSQL or Redis not answering: tested on SQLite only =="; \
	fi

schema: install
	TESTING=1 $(PY) manage.py graphql_schema --schema backend.schema.schema --out graphql/schema.graphql

bench: install
	TESTING=1 $(PY) -m bench

# Production runner: N Daphne processes, the task worker and the scheduler under supervisor, each restarted when
# it exits (see README, "Deploying"). Reads the production environment; DAPHNE_PROCESSES, DAPHNE_BASE_PORT, BIND.
DAPHNE_PROCESSES ?= 2
DAPHNE_BASE_PORT ?= 8001
BIND ?= 127.0.0.1
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	mkdir -p $(VENV)/run
	SUPERVISOR_RUN_DIR=$(CURDIR)/$(VENV)/run PYTHON=$(CURDIR)/$(PY) DAPHNE_PROCESSES=$(DAPHNE_PROCESSES) \
		DAPHNE_BASE_PORT=$(DAPHNE_BASE_PORT) BIND=$(BIND) $(VENV)/bin/supervisord -c deploy/supervisord.conf

# The load test (not part of `make bench`): two Daphne processes on PostgreSQL and Redis, 20 virtual users for
# 60 s on loopback; drops and recreates LOADTEST_DATABASE_URL's database. Prints JSON lines.
loadtest: install
	$(PY) scripts/loadtest.py

# The field app's vendored ES modules, from the versions fieldapp/package-lock.json pins.
.PHONY: vendor
vendor:
	cd fieldapp && npm ci --no-audit --no-fund && cp node_modules/idb-keyval/dist/index.js app/vendor/idb-keyval.js \
		&& rm -rf app/vendor/graphql-ws && mkdir app/vendor/graphql-ws \
		&& cp node_modules/graphql-ws/dist/client.js node_modules/graphql-ws/dist/common-*.js app/vendor/graphql-ws/

clean:
	rm -rf $(VENV) db.sqlite3 media/evidence media/snapshots
