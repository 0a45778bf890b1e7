"""clients/helix/languages.toml: landguard is added next to Helix's default servers, never instead of them.

Helix is not packaged for Debian bookworm, so this checks the file against what Helix does with it:
a user `language-servers` list replaces the default one, so each must re-list Helix's defaults.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG = Path(__file__).resolve().parents[2] / "clients" / "helix" / "languages.toml"

# Helix's default servers for these languages (its languages.toml on master, 2025).
HELIX_DEFAULTS = {
    "python": ["ty", "ruff", "jedi", "pylsp", "zuban"],
    "javascript": ["typescript-language-server"],
    "jsx": ["typescript-language-server"],
    "typescript": ["typescript-language-server"],
    "tsx": ["typescript-language-server"],
    "java": ["jdtls"],
    "json": ["vscode-json-language-server"],
    "toml": ["taplo", "tombi"],
    "yaml": ["yaml-language-server", "ansible-language-server"],
    "docker-compose": ["docker-compose-langserver", "yaml-language-server", "docker-language-server"],
    "github-action": ["actions-language-server", "yaml-language-server", "zizmor"],
    "bash": ["bash-language-server"],
    "dockerfile": ["docker-langserver", "docker-language-server"],
    "env": [],
    "ini": [],
    "markdown": ["marksman", "markdown-oxide"],
    "vue": ["vuels"],
    "htmldjango": ["djlsp", "vscode-html-language-server", "superhtml"],
}
# Languages this file adds for files Helix does not know, with the files each must match.
ADDED_LANGUAGES = {
    "pip-requirements": ["requirements*.txt"],
    "jinja": [],
    "ai-rules": [".cursorrules", ".windsurfrules", ".clinerules"],
    "ai-ignore": [
        ".cursorignore",
        ".aiexclude",
        ".codeiumignore",
        ".aiderignore",
        ".continueignore",
        ".geminiignore",
    ],
}


def test_server_definition() -> None:
    config = tomllib.loads(CONFIG.read_text())
    server = config["language-server"]["landguard"]
    assert server["command"] == "landguard"
    assert server["args"] == ["lsp"]


def test_each_language_keeps_helix_defaults_and_adds_landguard_last() -> None:
    languages = {entry["name"]: entry for entry in tomllib.loads(CONFIG.read_text())["language"]}
    for name, defaults in HELIX_DEFAULTS.items():
        assert languages[name]["language-servers"] == [*defaults, "landguard"], name
    # The one language Helix lacks is defined completely, so Helix can match requirements files.
    requirements = languages["pip-requirements"]
    assert requirements["language-servers"] == ["landguard"]
    assert {"glob": "requirements*.txt"} in requirements["file-types"]
    assert requirements["scope"] and requirements["comment-token"] == "#"
    assert set(languages) == set(HELIX_DEFAULTS) | set(ADDED_LANGUAGES)


def test_assistants_files_are_attached() -> None:
    """Rules files, *.mdc, MCP configs (JSON) and the assistants' ignore files all reach landguard."""
    languages = {entry["name"]: entry for entry in tomllib.loads(CONFIG.read_text())["language"]}
    for name, globs in ADDED_LANGUAGES.items():
        entry = languages[name]
        assert entry["language-servers"] == ["landguard"], name
        declared = {t["glob"] for t in entry["file-types"] if isinstance(t, dict)}
        assert set(globs) <= declared, name
    assert "mdc" in languages["ai-rules"]["file-types"]
    # Jinja templates by extension, sent as "jinja" (the server decides on the file name).
    assert {"jinja", "jinja2", "j2"} <= set(languages["jinja"]["file-types"])
    # The server must see rules files as Markdown, whatever Helix calls the language.
    assert languages["ai-rules"]["language-id"] == "markdown"
    assert "landguard" in languages["markdown"]["language-servers"]
    assert (
        "landguard" in languages["json"]["language-servers"]
    )  # mcp.json, .mcp.json, claude_desktop_config.json
