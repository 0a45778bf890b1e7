# Landguard — the README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := run
.PHONY: run test setup lint docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## make run: set up .venv and scan the bundled examples (findings are expected; exits 0).
run: setup
	$(BIN)/landguard check examples/ --no-cache --fail-on never

lint: setup
	$(BIN)/ruff check server tests bench
	$(BIN)/ruff format --check server tests bench
	$(BIN)/landguard check server/ --no-cache

## make test: set up and run every test, lint included (editors too: Neovim, the VS Code extension).
test: setup lint editors-setup vscode-package
	cd clients/vscode && npm run --silent lint && npm test --silent
	$(BIN)/python -m pytest -q tests

include clients/clients.mk

bench: setup
	$(BIN)/python bench/run_all.py

# The CLI's result cache lives in the user cache folder, not in the tree (README, "What is scanned").
clean:
	rm -rf $(VENV) build *.egg-info

## make docs: regenerate docs/rules.md from the rules' docstrings.
docs: setup
	$(BIN)/python docs/update_docs.py
