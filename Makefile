# Two commands matter: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EMBEDDED := $(BIN)/python -m platform_site.embedded
SYSTEM_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 chromium poppler-utils
# One test process per CPU; a file's tests stay in one process (their module fixtures are built once).
PYTEST_ARGS ?= -n auto --dist loadfile
# Where `make run` listens: this machine only, unless told (`make run HOST=0.0.0.0 PORT=9000`); the
# demo city's passwords are in the README.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install system-deps lint typecheck format check worker beat services stop-services messages clean-data

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Printing needs the CJK fonts (else Chinese prints as boxes) and harfbuzz-subset (else ~20 s a page);
# browser tests need Debian's chromium. Installed only when missing, and only as root.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Missing Debian packages:$$missing (run as root or: sudo apt-get install$$missing)"; \
		fi; \
	fi

# Translations: the compiled .mo files are committed, so a fresh machine needs no gettext tools.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=.data --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

run: $(STAMP)
	HOST='$(HOST)' PORT='$(PORT)' $(EMBEDDED) run

test: $(STAMP) system-deps
	$(EMBEDDED) exec -- $(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff, mypy, system checks and missing migrations: the hooks of .pre-commit-config.yaml.
lint: $(STAMP)
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(STAMP)
	$(EMBEDDED) exec -- $(BIN)/python manage.py check
	$(EMBEDDED) exec -- $(BIN)/python manage.py makemigrations --check --dry-run

worker: $(STAMP)
	$(EMBEDDED) exec -- $(BIN)/celery -A platform_site worker --loglevel=INFO

beat: $(STAMP)
	$(EMBEDDED) exec -- $(BIN)/celery -A platform_site beat --loglevel=INFO

services: $(STAMP)
	$(EMBEDDED) start

stop-services: $(STAMP)
	$(EMBEDDED) stop

clean-data: stop-services
	rm -rf .data
