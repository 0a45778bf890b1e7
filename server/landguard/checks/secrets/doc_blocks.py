"""Code blocks in documentation: which lines of a Markdown or reStructuredText file are code, and
in which language, so that the assignment detectors (LG104/LG105) read them as code and leave
prose alone.

A sentence such as ``Password: enter your own``, a bullet ``- **token**: the API token``, or a
type in prose (``token: str``) is not an assignment. Inside a fenced block (```` ```python ````,
``~~~yaml``) or an reST ``.. code-block:: bash`` / ``::`` literal block, lines are code of the
block's language: in Python, JavaScript or Java only string literals are values, in shell, YAML
or ``.env`` blocks an unquoted value is one too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

DOC_LANGUAGES = frozenset({"markdown", "rst"})
# The language of a block that names none: values must be quoted, as in code.
UNKNOWN_BLOCK = "code"

_INFO_LANGUAGE = {
    "python": "python", "py": "python", "python3": "python", "pycon": "python", "ipython": "python",
    "javascript": "javascript", "js": "javascript", "jsx": "javascript", "node": "javascript",
    "typescript": "typescript", "ts": "typescript", "tsx": "tsx", "java": "java",
    "sh": "shell", "bash": "shell", "shell": "shell", "zsh": "shell", "console": "shell",
    "shell-session": "shell", "powershell": "shell", "ps1": "shell",
    "yaml": "yaml", "yml": "yaml", "json": "json", "jsonc": "json", "json5": "json",
    "toml": "toml", "ini": "ini", "cfg": "ini", "properties": "ini", "conf": "ini",
    "env": "dotenv", "dotenv": "dotenv", "dockerfile": "dockerfile", "docker": "dockerfile",
}  # fmt: skip
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([\w+.#-]*)")
_RST_DIRECTIVE = re.compile(r"^(\s*)\.\. (?:code-block|code|sourcecode)::\s*([\w+.#-]*)")
# A line ending in "::" that is not a directive. Written so that nothing can split the leading
# whitespace two ways: ``^(\s*)(?!\.\.).*`` backtracked through every split, quadratic on a long
# run of spaces (0.47 s CPU for 24,000). Same lines match (compared on all strings of up to 9 of
# " \t.:a\r\v", with and without a final newline).
_RST_LITERAL = re.compile(r"^(?:\s|(?!\.\.)).*::\s*$")


# Sphinx projects may write their reST in `.txt` files (Django's docs do); outside a docs folder a
# `.txt` file is plain text. PKG-INFO carries the package's README as its long description.
_DOC_FOLDERS = frozenset({"docs", "doc", "documentation"})


def doc_language(path: str | None, language: str) -> str | None:
    """``markdown`` or ``rst`` for documentation files, else None."""
    if language == "markdown":
        return "markdown"
    if not path:
        return None
    lowered = path.replace("\\", "/").lower()
    if lowered.endswith((".rst", ".rest")):
        return "rst"
    name = lowered.rsplit("/", 1)[-1]
    if name == "pkg-info":
        return "rst"
    if name.endswith(".txt") and _DOC_FOLDERS & set(lowered.split("/")[:-1]):
        return "rst"
    return None


def _block_language(info: str) -> str:
    return _INFO_LANGUAGE.get(info.lower(), UNKNOWN_BLOCK)


def block_languages(lines: Sequence[str], kind: str) -> list[str | None]:
    """For each line: the language of the code block it is in, or None for prose (and fences)."""
    if kind == "markdown":
        return _markdown(lines)
    return _rst(lines)


def _markdown(lines: Sequence[str]) -> list[str | None]:
    result: list[str | None] = [None] * len(lines)
    fence: str | None = None
    language = UNKNOWN_BLOCK
    for number, line in enumerate(lines):
        match = _FENCE.match(line) if "`" in line[:6] or "~" in line[:6] else None
        if fence is None:
            if match:
                fence, language = match.group(1), _block_language(match.group(2))
            continue
        if (
            match
            and match.group(1)[0] == fence[0]
            and len(match.group(1)) >= len(fence)
            and not match.group(2)
        ):
            fence = None
            continue
        result[number] = language
    return result


def _rst(lines: Sequence[str]) -> list[str | None]:
    result: list[str | None] = [None] * len(lines)
    block_indent: int | None = None  # the directive's indentation, while inside its block
    language = UNKNOWN_BLOCK
    for number, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if not stripped or indent > block_indent:
                if stripped and not stripped.startswith(":"):  # directive options are not code
                    result[number] = language
                continue
            block_indent = None
        directive = _RST_DIRECTIVE.match(line)
        if directive:
            block_indent, language = len(directive.group(1)), _block_language(directive.group(2))
        elif _RST_LITERAL.match(line):
            block_indent, language = indent, UNKNOWN_BLOCK
    return result
