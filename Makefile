# Landguard — the README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := run
.PHONY: run test setup lint docs bench realworld clean package-check bench-tools cli-bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The checkout's bytecode, as pip compiles an installed Landguard's (an editable install does not):
# a server or CLI started with PYTHONDONTWRITEBYTECODE set would otherwise compile every edited
# module again in each fresh process (~0.3 s of CPU before the first diagnostics; issue #15).
setup: $(STAMP)
	$(BIN)/python -m compileall -q server

## make run: set up .venv and scan the bundled examples (findings are expected; exits 0).
run: setup
	$(BIN)/landguard check examples/ --no-cache --fail-on never

lint: setup
	$(BIN)/ruff check server tests bench
	$(BIN)/ruff format --check server tests bench
	$(BIN)/landguard check server/ --no-cache

## make package-check: build the sdist and wheel, `twine check` them, install the wheel in a fresh
## venv as a user would (`pip install landguard-*.whl`) and run it there, and with `pipx run`.
DIST := build/dist
FRESH_VENV := build/fresh-venv
package-check: setup
	rm -rf $(DIST) $(FRESH_VENV)
	$(BIN)/python -m build --outdir $(DIST) . >/dev/null
	$(BIN)/twine check --strict $(DIST)/*
	$(PYTHON) -m venv $(FRESH_VENV)
	$(FRESH_VENV)/bin/pip install --quiet --disable-pip-version-check $(DIST)/*.whl
	cd build && fresh-venv/bin/landguard --version
	cd build && printf 'def load(t):\n    return eval(t)\n' \
		| fresh-venv/bin/landguard check - --stdin-filename app.py --offline --fail-on never | grep -q LG203
	cd build && fresh-venv/bin/landguard explain LG201 >/dev/null
	# `pipx run` from the wheel, as a user without a checkout would run it (a private pipx home).
	PIPX_HOME=build/pipx PIPX_BIN_DIR=build/pipx/bin $(BIN)/pipx run --spec $$(ls $(DIST)/*.whl) landguard --version

## make test: set up and run every test, lint included (editors too: Neovim, the VS Code extension).
test: setup lint package-check editors-setup vscode-package
	cd clients/vscode && npm run --silent lint && npm test --silent
	$(BIN)/python -m pytest -q tests

include clients/clients.mk

bench: setup
	$(BIN)/python bench/run_all.py

## make bench-tools: the peers bench/cli_throughput.py runs side by side (pinned; Bandit and Ruff come with [dev]).
## valgrind: `bench/cold_start.py --instructions` (instruction counts, exact on a loaded machine).
bench-tools: setup
	$(BIN)/pip install --quiet 'detect-secrets==1.5.0' 'bandit==1.9.4'
	@command -v valgrind >/dev/null || { test "$$(id -u)" = 0 && apt-get install -y -q valgrind; } \
		|| echo "bench/cold_start.py --instructions needs valgrind (apt-get install valgrind)"

## make cli-bench: whole-tree `landguard check` vs Bandit + detect-secrets and Ruff on CPython Lib/ and webpack.
cli-bench: bench-tools
	$(BIN)/python bench/cli_throughput.py --runs 3

## make realworld: precision on pinned real projects from the registries (network on first run; not part of `make test`).
realworld: setup
	$(BIN)/python bench/realworld.py

# The CLI's result cache lives in the user cache folder, not in the tree (README, "What is scanned").
clean:
	rm -rf $(VENV) build *.egg-info

## make docs: regenerate docs/rules.md from the rules' docstrings.
docs: setup
	$(BIN)/python docs/update_docs.py
