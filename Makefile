# Homeward: `make run` sets everything up and serves the app; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

.PHONY: setup run test lint typecheck pytest examples clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest -q

examples: setup
	$(BIN)/python $(SHARED)/protocols/check_examples.py $(SHARED)/protocols/examples

test: lint typecheck pytest

run: setup
	$(BIN)/homeward check-pack src/homeward/protocols/packs/*.yaml
	$(BIN)/python $(SHARED)/protocols/check_examples.py $(SHARED)/protocols/examples

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
