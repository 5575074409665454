# The two commands: `make run` and `make test`. Everything else is a helper of those.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://root@127.0.0.1:5432/postgres
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install lint test-sqlite test-postgres browser clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/sotay migrate
	$(BIN)/sotay seed demo --if-empty
	$(BIN)/sotay serve --host 127.0.0.1 --port 8000

# Debian's Chromium for the PWA's browser tests (a test tool's own browser download fails here),
# and nginx, which tests/scale/test_deploy.py runs with deploy/nginx.conf in front of the API.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/sbin/nginx ]; then \
		echo "Installing Debian's chromium and nginx for the browser and proxy tests…"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			chromium fonts-noto-core nginx-light >/dev/null; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check api seed tests migrations $(wildcard bench)
	$(BIN)/mypy api

test-sqlite: $(STAMP)
	env -u SOTAY_TEST_DATA_DIR -u SOTAY_TEST_PG_NAME SOTAY_TEST_DB=sqlite $(BIN)/python -m pytest

test-postgres: $(STAMP)
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL pass =="; \
		env -u SOTAY_TEST_DATA_DIR -u SOTAY_TEST_PG_NAME SOTAY_TEST_DB=postgresql \
			SOTAY_TEST_PG_URL=$(PG_URL) $(BIN)/python -m pytest; \
	else \
		echo "== PostgreSQL pass SKIPPED: no server reachable at $(PG_URL) =="; \
		if [ -n "$$CI" ]; then echo "CI needs the PostgreSQL pass: failing"; exit 1; fi; \
	fi

# The two passes use separate databases, data folders, ports and broker queues, so they run side
# by side (one per core); the PostgreSQL pass's output follows the SQLite pass's.
test: $(STAMP) browser lint
	@mkdir -p test-output; rm -f test-output/postgres.rc; \
	( $(MAKE) --no-print-directory test-postgres > test-output/postgres.log 2>&1; \
	  echo $$? > test-output/postgres.rc ) & \
	echo "== SQLite pass =="; \
	$(MAKE) --no-print-directory test-sqlite; sqlite=$$?; \
	wait; cat test-output/postgres.log; postgres=$$(cat test-output/postgres.rc); \
	echo "== SQLite pass exit $$sqlite, PostgreSQL pass exit $$postgres =="; \
	test $$sqlite = 0 && test $$postgres = 0

clean:
	rm -rf $(VENV) var .pytest_cache test-output
