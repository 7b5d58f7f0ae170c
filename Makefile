# Two entry points (see README): `make plan` and `make test`. Each creates the virtualenv from
# the project's own files on first use, so a fresh machine needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: plan test lint bench clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

plan: $(STAMP)
	$(BIN)/tap plan

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check src tests policy bench __main__.py
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/plan_all_phases.py

clean:
	rm -rf $(VENV)
