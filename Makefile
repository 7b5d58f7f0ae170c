# Two entry points (see README): `make plan` and `make test`. Each creates the virtualenv from
# the project's own files on first use, so a fresh machine needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: plan test lint bench clean

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

plan: $(STAMP)
	$(BIN)/tap plan

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check src tests policy bench __main__.py
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/plan_all_phases.py
	$(BIN)/python bench/cli_startup.py
	$(BIN)/python bench/fresh_install.py

clean:
	rm -rf $(VENV)
