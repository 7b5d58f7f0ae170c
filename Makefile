# Two entry points (see README): `make plan` and `make test`. Each creates the virtualenv from
# the project's own files on first use, so a fresh machine needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: plan test lint bench clean mariadb bench-db

# uv (from PyPI, pinned) installs the same pins from requirements.lock in seconds where pip
# took minutes; it is the only thing pip installs.
UV_VERSION := 0.13.9

$(STAMP): pyproject.toml requirements.lock
	@echo "First run: creating $(VENV) and installing tap, its pinned dependencies (requirements.lock) and the emulator with uv $(UV_VERSION)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -c requirements.lock -e '.[dev,emulator]'
	@echo "Installed into $(VENV)."
	touch $(STAMP)

# Python caches compiled bytecode by default; some shells (this project's CI among them) set
# PYTHONDONTWRITEBYTECODE, and then every process compiles pulumi_aws's modules again: a plan
# took 10 s instead of 5 on a fresh venv, and the suite starts dozens of such processes. The
# project's own commands keep Python's default (the caches land in .venv and git-ignored
# __pycache__ folders).
RUN := env -u PYTHONDONTWRITEBYTECODE

plan: $(STAMP)
	$(RUN) $(BIN)/tap plan

# Three workers on two cores: the tests wait on moto and MariaDB (one of each per worker) about a
# fifth of the time, so a third worker fills it (fresh clone: 131 s against 154 s with two).
test: $(STAMP) mariadb
	$(RUN) $(BIN)/python -m pytest -n 3

lint: $(STAMP)
	$(BIN)/ruff check src tests policy bench __main__.py
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/plan_all_phases.py
	$(BIN)/python bench/cli_startup.py
	$(BIN)/python bench/fresh_install.py

# The data-switch tests and `make bench-db` need a local MariaDB (Debian's mariadb-server, 10.11).
# Idempotent: nothing happens when mariadbd is there; as root it is installed with apt;
# otherwise a message names the command (the tests then skip, saying the same).
mariadb:
	@if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing mariadb-server for the data-switch tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null; \
	else echo "MariaDB is missing: run 'apt-get install -y mariadb-server' as root (data-switch tests will skip)"; fi

bench-db: $(STAMP) mariadb
	$(BIN)/python bench/db_cutover.py

clean:
	rm -rf $(VENV)
