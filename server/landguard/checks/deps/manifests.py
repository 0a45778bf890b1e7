"""Dependencies declared in manifests and lock files, with the span of each package name.

Parsed without executing anything and tolerant of half-written input (a manifest being
typed is rarely valid): each format is scanned line by line or token by token, so one
broken entry does not hide the others.

- ``requirements*.txt``: ``name[extras] specifiers ; markers  # comment``, ``\\`` continuations
  and ``--hash`` options; ``-r``/``-c`` includes are recorded (``includes``) and followed by
  ``declared_names``; ``-e``, URLs and ``name @ url`` direct references are not registry
  packages and are skipped; ``--index-url``/``--extra-index-url`` are noted (private indexes).
- ``pyproject.toml``: PEP 621 ``[project] dependencies`` and ``optional-dependencies``,
  PEP 735 ``[dependency-groups]``, ``[build-system] requires``, Poetry
  ``[tool.poetry.dependencies]``, ``[tool.poetry.dev-dependencies]`` and
  ``[tool.poetry.group.*.dependencies]`` (git/path entries skipped), uv's and PDM's dev dependencies.
- ``package.json``: ``dependencies``, ``devDependencies``, ``peerDependencies``,
  ``optionalDependencies`` and ``bundledDependencies``/``bundleDependencies``.
- lock files (exact versions, for LG503): ``package-lock.json``, ``poetry.lock``, ``uv.lock``,
  ``Pipfile.lock``, ``pnpm-lock.yaml`` (lockfile v5 to v9) and ``yarn.lock`` (v1 and Berry);
  entries not fetched from the registry (workspace, git, path, link, patch) are skipped. The
  last four record no editable version: their entries carry hashes or resolutions a bumped
  version would contradict, so LG503 names the fixed version without offering an edit.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from landguard.checks.deps.snapshot import NPM, PYPI
from landguard.engine.findings import Span

REQUIREMENTS = "requirements"
PYPROJECT = "pyproject.toml"
PACKAGE_JSON = "package.json"
PACKAGE_LOCK = "package-lock.json"
POETRY_LOCK = "poetry.lock"
UV_LOCK = "uv.lock"
PIPFILE_LOCK = "Pipfile.lock"
PNPM_LOCK = "pnpm-lock.yaml"
YARN_LOCK = "yarn.lock"
MANIFEST_FILE_NAMES = frozenset(
    {PYPROJECT, PACKAGE_JSON, PACKAGE_LOCK, POETRY_LOCK, UV_LOCK, PIPFILE_LOCK, PNPM_LOCK, YARN_LOCK}
)
LOCK_FILE_NAMES = frozenset({PACKAGE_LOCK, POETRY_LOCK, UV_LOCK, PIPFILE_LOCK, PNPM_LOCK, YARN_LOCK})
# MCP server configurations: the packages their servers launch (`npx -y name`, `uvx name`) are dependencies.
MCP_CONFIG = "mcp-config"


@dataclass(frozen=True, slots=True)
class Dependency:
    name: str  # as written
    span: Span  # the name in the document
    ecosystem: str  # "pypi" or "npm"
    pinned: str | None = None  # the exact version, when pinned (== / lock file / bare npm version)
    version_span: Span | None = None  # where that version is written (for a fix that bumps it)
    section: str = ""


@dataclass
class Manifest:
    kind: str  # REQUIREMENTS, PYPROJECT, PACKAGE_JSON, PACKAGE_LOCK, POETRY_LOCK
    ecosystem: str
    dependencies: list[Dependency] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)  # -r / -c files of a requirements file
    custom_index: bool = False  # a requirements file naming another package index
    pypi_replaced: bool = False  # ... with --index-url: PyPI itself is not used

    @property
    def is_lock_file(self) -> bool:
        return self.kind in LOCK_FILE_NAMES


def manifest_kind(path: str | None, language: str | None = None) -> str | None:
    name = os.path.basename(path or "").lower()
    if name in MANIFEST_FILE_NAMES:
        return name
    if name == PIPFILE_LOCK.lower():
        return PIPFILE_LOCK
    from landguard.checks.ai.mcp_servers import is_mcp_config

    if is_mcp_config(path):
        return MCP_CONFIG
    if language == "requirements" or (name.startswith("requirements") and name.endswith((".txt", ".in"))):
        return REQUIREMENTS
    if name in ("constraints.txt", "dev-requirements.txt", "test-requirements.txt"):
        return REQUIREMENTS
    return None


def parse_manifest(text: str, path: str | None, language: str | None = None) -> Manifest | None:
    kind = manifest_kind(path, language)
    if kind is None:
        return None
    return _parse_cached(text, kind)


@functools.lru_cache(maxsize=8)
def _parse_cached(text: str, kind: str) -> Manifest:
    # Several rules read the same manifest on each change; they share one parse.
    if kind == REQUIREMENTS:
        return parse_requirements(text)
    if kind == PYPROJECT:
        return parse_pyproject(text)
    if kind == PACKAGE_JSON:
        return parse_package_json(text)
    if kind == PACKAGE_LOCK:
        return parse_package_lock(text)
    if kind == MCP_CONFIG:
        from landguard.checks.ai.mcp_servers import launched_dependencies

        return Manifest(MCP_CONFIG, NPM, launched_dependencies(text))
    if kind in _MORE_LOCK_PARSERS:
        return _MORE_LOCK_PARSERS[kind](text)
    return parse_poetry_lock(text)


# ---------------------------------------------------------------------------- PEP 508

_PEP508_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_EXACT_PIN = re.compile(r"^\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*(?:;|$)")
_URL_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|\.{0,2}/|git\+|file:)", re.I)
_ARCHIVE = re.compile(r"\.(?:whl|tar\.gz|tgz|tar\.bz2|zip|egg)\b", re.I)


def _requirement(
    text: str, line: int, col: int, ecosystem: str = PYPI, section: str = ""
) -> Dependency | None:
    """One PEP 508 requirement string starting at (line, col); None for URLs and direct references."""
    stripped = text.lstrip()
    col += len(text) - len(stripped)
    if not stripped or _URL_LIKE.match(stripped):
        return None
    match = _PEP508_NAME.match(stripped)
    if match is None or _ARCHIVE.search(stripped.split(";", 1)[0]):
        return None  # not a name, or a local archive file
    rest = stripped[match.end() :]
    if re.match(r"^\s*(?:\[[^\]]*\])?\s*@", rest) or rest.startswith(("/", ":")):
        return None  # name @ https://...: a direct reference, not fetched from the registry
    pinned = version_span = None
    pin = _EXACT_PIN.match(rest)
    if pin and "*" not in pin.group(1):
        pinned = pin.group(1)
        start = col + match.end() + pin.start(1)
        version_span = Span.on_line(line, start, start + len(pinned))
    name = match.group(0)
    return Dependency(
        name,
        Span.on_line(line, col + match.start(), col + match.end()),
        ecosystem,
        pinned,
        version_span,
        section,
    )


# ---------------------------------------------------------------------------- requirements.txt

_COMMENT = re.compile(r"(?:^|\s)#")
_INCLUDE = re.compile(r"^\s*(?:-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)")
_INDEX = re.compile(r"^\s*(?:-i|--index-url|--extra-index-url)(?:\s*=\s*|\s+)(\S+)")


def parse_requirements(text: str) -> Manifest:
    manifest = Manifest(REQUIREMENTS, PYPI)
    continued = False
    for number, raw in enumerate(text.splitlines()):
        comment = _COMMENT.search(raw)
        line = raw[: comment.start()] if comment else raw
        was_continued, continued = continued, line.rstrip().endswith("\\")
        if was_continued:
            continue  # the rest of a continued requirement: hashes and options
        body = line.rstrip().rstrip("\\")
        stripped = body.strip()
        if not stripped:
            continue
        if stripped.startswith("-"):
            include = _INCLUDE.match(body)
            if include:
                manifest.includes.append(include.group(1))
            index = _INDEX.match(body)
            if index and "pypi.org" not in index.group(1) and "pythonhosted.org" not in index.group(1):
                manifest.custom_index = True
                if not body.lstrip().startswith("--extra"):
                    manifest.pypi_replaced = True
            continue  # -e, --hash, --find-links, ...: not a registry requirement
        dependency = _requirement(body, number, 0, PYPI, "requirements")
        if dependency is not None:
            manifest.dependencies.append(dependency)
    return manifest


# ---------------------------------------------------------------------------- pyproject.toml

_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=\s*""")
_STRING = re.compile(r""""((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'""")
# (table, key) pairs whose value is an array of PEP 508 requirement strings ...
_REQUIREMENT_ARRAYS = frozenset(
    {
        ("project", "dependencies"),
        ("build-system", "requires"),  # build dependencies are installed from the registry too
        ("tool.uv", "dev-dependencies"),
        ("tool.uv", "constraint-dependencies"),
        ("tool.uv", "override-dependencies"),
    }
)
# ... and tables where every key holds such an array.
_REQUIREMENT_ARRAY_TABLES = frozenset(
    {"project.optional-dependencies", "dependency-groups", "tool.pdm.dev-dependencies"}
)
_POETRY_DEPENDENCY_TABLES = re.compile(
    r"^tool\.poetry\.(?:dependencies|dev-dependencies|group\.[^.]+\.dependencies)$"
)


def _strings(line: str, start: int = 0, skip_inline_tables: bool = False):
    """(text, column of the text) of each TOML string on a line, stopping at a comment.

    With ``skip_inline_tables``, strings inside ``{...}`` (``{include-group = "dev"}``) are skipped.
    """
    position = start
    braces = 0
    while position < len(line):
        char = line[position]
        if char == "#":
            return
        if char == "{":
            braces += 1
        elif char == "}":
            braces = max(braces - 1, 0)
        if char in "\"'":
            match = _STRING.match(line, position)
            if match is None:
                return
            value = match.group(1) if match.group(1) is not None else match.group(2)
            if not (skip_inline_tables and braces):
                yield value, match.start() + 1
            position = match.end()
            continue
        position += 1


def _unquote_key(key: str) -> str:
    return key[1:-1] if key[:1] in "\"'" else key


def parse_pyproject(text: str) -> Manifest:
    manifest = Manifest(PYPROJECT, PYPI)
    table = ""
    array_section: str | None = None  # inside a multi-line array of requirement strings
    depth = 0
    for number, line in enumerate(text.splitlines()):
        if array_section is not None:
            for value, col in _strings(line, skip_inline_tables=True):
                dependency = _requirement(value, number, col, PYPI, array_section)
                if dependency is not None:
                    manifest.dependencies.append(dependency)
            depth += _bracket_delta(line)
            if depth <= 0:
                array_section = None
            continue
        header = _TABLE_HEADER.match(line)
        if header:
            table = re.sub(r"\s*\.\s*", ".", header.group(1)).replace('"', "").replace("'", "")
            continue
        key_match = _KEY.match(line)
        if key_match is None:
            continue
        key = _unquote_key(key_match.group(1))
        after = key_match.end()
        section = None
        if (table, key) in _REQUIREMENT_ARRAYS:
            section = f"{table}.{key}"
        elif table in _REQUIREMENT_ARRAY_TABLES:
            section = f"{table}.{key}"
        elif _POETRY_DEPENDENCY_TABLES.match(table):
            if key.lower() == "python":
                continue
            name_start = key_match.start(1) + (1 if key_match.group(1)[:1] in "\"'" else 0)
            pinned = version_span = None
            strings = list(_strings(line, after))
            value = line[after:].lstrip()
            if value.startswith("{") and re.search(r"\b(?:git|path|url|file)\s*=", value):
                continue  # not fetched from the registry
            if value.startswith("{"):
                version_key = re.search(r"\bversion\s*=\s*", line[after:])
                strings = list(_strings(line, after + version_key.end())) if version_key else []
            if strings and (value.startswith(("{", '"', "'"))):
                version, col = strings[0]
                exact = re.match(r"^\s*(?:==?)?\s*(\d[A-Za-z0-9.+!_-]*)\s*$", version)
                if exact:
                    pinned = exact.group(1)
                    start = col + version.index(pinned)
                    version_span = Span.on_line(number, start, start + len(pinned))
            manifest.dependencies.append(
                Dependency(
                    key,
                    Span.on_line(number, name_start, name_start + len(key)),
                    PYPI,
                    pinned,
                    version_span,
                    table,
                )
            )
            continue
        if section is None or not line[after:].lstrip().startswith("["):
            continue
        for value, col in _strings(line, after, skip_inline_tables=True):
            dependency = _requirement(value, number, col, PYPI, section)
            if dependency is not None:
                manifest.dependencies.append(dependency)
        depth = _bracket_delta(line[after:])
        if depth > 0:
            array_section = section
    return manifest


def _bracket_delta(line: str) -> int:
    """Net [ minus ] outside strings and comments."""
    without_strings = _STRING.sub("", line)
    without_comment = without_strings.split("#", 1)[0]
    return without_comment.count("[") - without_comment.count("]")


# ---------------------------------------------------------------------------- JSON (tolerant tokenizer)

_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|[{}\[\]:,]|[^\s{}\[\]:,"]+')
_NPM_SECTIONS = frozenset({"dependencies", "devDependencies", "peerDependencies", "optionalDependencies"})
_NPM_ARRAY_SECTIONS = frozenset({"bundledDependencies", "bundleDependencies"})
_NPM_EXACT = re.compile(r"^=?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$")


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    line: int
    col: int

    @property
    def is_string(self) -> bool:
        return self.text.startswith('"')

    @property
    def value(self) -> str:
        return self.text[1:-1] if len(self.text) >= 2 and self.text.endswith('"') else self.text[1:]

    def value_span(self) -> Span:
        return Span.on_line(self.line, self.col + 1, self.col + 1 + len(self.value))


def _json_tokens(text: str):
    for number, line in enumerate(text.splitlines()):
        for match in _JSON_TOKEN.finditer(line):
            yield _Token(match.group(0), number, match.start())


def _json_entries(text: str):
    """(path of keys, key token, value token or None) for each member; tolerant of broken JSON.

    ``path`` is the list of keys of the enclosing objects; array elements get the key ``[]``.
    """
    stack: list[str] = []  # keys of the open containers
    kinds: list[str] = []  # "{" or "["
    pending_key: _Token | None = None
    expect_value = False
    for token in _json_tokens(text):
        text_ = token.text
        if text_ in "{[":
            stack.append(pending_key.value if pending_key is not None and expect_value else "[]")
            kinds.append(text_)
            pending_key, expect_value = None, False
        elif text_ in "}]":
            if stack:
                stack.pop()
                kinds.pop()
            pending_key, expect_value = None, False
        elif text_ == ":":
            expect_value = pending_key is not None
        elif text_ == ",":
            pending_key, expect_value = None, False
        elif kinds and kinds[-1] == "[":
            yield stack, None, token
        elif expect_value:
            yield stack, pending_key, token
            pending_key, expect_value = None, False
        elif token.is_string:
            pending_key = token
            yield stack, token, None


def parse_package_json(text: str) -> Manifest:
    manifest = Manifest(PACKAGE_JSON, NPM)
    seen: set[tuple[int, int]] = set()
    for path, key, value in _json_entries(text):
        if len(path) != 2 or path[0] != "[]":
            continue
        section = path[1]
        if section in _NPM_SECTIONS and key is not None:
            if value is None:
                if (key.line, key.col) not in seen:
                    seen.add((key.line, key.col))
                    manifest.dependencies.append(
                        Dependency(key.value, key.value_span(), NPM, section=section)
                    )
                continue
            pinned = version_span = None
            exact = _NPM_EXACT.match(value.value.strip()) if value.is_string else None
            if exact:
                pinned = exact.group(1)
                version_span = value.value_span()
            spec = value.value if value.is_string else ""
            if spec.startswith(
                ("file:", "link:", "git", "http:", "https:", "workspace:", "portal:", "github:")
            ) or (
                "/" in spec
                and not spec.startswith("npm:")
                and not key.value.startswith("@")
                and re.match(r"^[\w.-]+/[\w.-]+", spec)
            ):
                # Not fetched from the registry under this name: drop the entry added for the key.
                manifest.dependencies = [d for d in manifest.dependencies if d.span != key.value_span()]
                continue
            manifest.dependencies = [
                Dependency(key.value, key.value_span(), NPM, pinned, version_span, section)
                if d.span == key.value_span()
                else d
                for d in manifest.dependencies
            ]
        elif section in _NPM_ARRAY_SECTIONS and key is None and value is not None and value.is_string:
            manifest.dependencies.append(Dependency(value.value, value.value_span(), NPM, section=section))
    return manifest


_LOCK_KEY = re.compile(r'^\s*"((?:[^"\\]|\\.)+)"\s*:\s*\{')
_LOCK_VERSION = re.compile(r'"version"\s*:\s*"([^"\\]*)"')


def parse_package_lock(text: str) -> Manifest:
    """package-lock.json v1-v3: one entry per installed package with its exact version.

    Lock files run to megabytes: valid ones are read with ``json`` (C speed) and the entries'
    positions found line by line; only a broken one goes through the tolerant tokenizer.
    """
    try:
        data = json.loads(text)
    except ValueError:
        return _parse_package_lock_tolerantly(text)
    entries = data.get("packages") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        entries = data.get("dependencies") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        return Manifest(PACKAGE_LOCK, NPM)
    versions = {
        key: str(value["version"])
        for key, value in entries.items()
        if key and isinstance(value, dict) and isinstance(value.get("version"), str)
    }
    manifest = Manifest(PACKAGE_LOCK, NPM)
    pending: tuple[str, int, int] | None = None
    for number, line in enumerate(text.splitlines()):
        key = _LOCK_KEY.match(line)
        if key is not None and key.group(1) in versions:
            pending = (key.group(1), number, key.start(1))
            continue
        if pending is None:
            continue
        version = _LOCK_VERSION.search(line)
        if version is None or version.group(1) != versions[pending[0]]:
            continue
        full, key_line, key_col = pending
        name = full.rsplit("node_modules/", 1)[1] if "node_modules/" in full else full
        start = key_col + full.rfind(name)
        manifest.dependencies.append(
            Dependency(
                name,
                Span.on_line(key_line, start, start + len(name)),
                NPM,
                version.group(1),
                Span.on_line(number, version.start(1), version.end(1)),
                "lock",
            )
        )
        pending = None
    return manifest


def _parse_package_lock_tolerantly(text: str) -> Manifest:
    manifest = Manifest(PACKAGE_LOCK, NPM)
    current: _Token | None = None
    for path, key, value in _json_entries(text):
        if key is not None and value is None and len(path) == 2 and path[1] in ("packages", "dependencies"):
            current = key
        elif key is not None and key.value == "version" and value is not None and current is not None:
            if len(path) >= 3 and path[2] == current.value:
                name = current.value
                if "node_modules/" in name:
                    name = name.rsplit("node_modules/", 1)[1]
                if not name:
                    continue
                start = current.col + 1 + current.value.rfind(name)
                manifest.dependencies.append(
                    Dependency(
                        name,
                        Span.on_line(current.line, start, start + len(name)),
                        NPM,
                        value.value,
                        value.value_span(),
                        "lock",
                    )
                )
                current = None
    return manifest


def parse_poetry_lock(text: str) -> Manifest:
    manifest = Manifest(POETRY_LOCK, PYPI)
    in_package = False
    name: tuple[str, Span] | None = None
    for number, line in enumerate(text.splitlines()):
        header = _TABLE_HEADER.match(line)
        if header:
            in_package = line.strip() == "[[package]]"
            name = None
            continue
        if not in_package:
            continue
        key = _KEY.match(line)
        if key is None:
            continue
        strings = list(_strings(line, key.end()))
        if not strings:
            continue
        value, col = strings[0]
        if key.group(1) == "name":
            name = (value, Span.on_line(number, col, col + len(value)))
        elif key.group(1) == "version" and name is not None:
            manifest.dependencies.append(
                Dependency(name[0], name[1], PYPI, value, Span.on_line(number, col, col + len(value)), "lock")
            )
            name = None
    return manifest


def parse_uv_lock(text: str) -> Manifest:
    """uv.lock: ``[[package]]`` tables with ``name``, ``version`` and ``source``; registry sources only."""
    manifest = Manifest(UV_LOCK, PYPI)
    block: dict[str, tuple[str, Span]] = {}
    from_registry = False

    def flush() -> None:
        if "name" in block and "version" in block and from_registry:
            (name, name_span), (version, _) = block["name"], block["version"]
            manifest.dependencies.append(Dependency(name, name_span, PYPI, version, None, "lock"))

    in_package = False
    for number, line in enumerate(text.splitlines()):
        header = _TABLE_HEADER.match(line)
        if header:
            if in_package:
                flush()
            in_package = line.strip() == "[[package]]"
            block, from_registry = {}, False
            continue
        key = _KEY.match(line) if in_package else None
        if key is None:
            continue
        field_name = key.group(1)
        if field_name == "source":
            from_registry = bool(re.search(r"\bregistry\s*=", line[key.end() :]))
        elif field_name in ("name", "version") and field_name not in block:
            strings = list(_strings(line, key.end()))
            if strings:
                value, col = strings[0]
                block[field_name] = (value, Span.on_line(number, col, col + len(value)))
    if in_package:
        flush()
    return manifest


def parse_pipfile_lock(text: str) -> Manifest:
    """Pipfile.lock: ``default``/``develop`` maps of name -> {``version``: ``==X``}; VCS and path entries have none."""
    manifest = Manifest(PIPFILE_LOCK, PYPI)
    names: dict[tuple[str, str], _Token] = {}
    for path, key, value in _json_entries(text):
        if key is None:
            continue
        if len(path) == 2 and path[1] in ("default", "develop") and value is None:
            names[(path[1], key.value)] = key
        elif len(path) == 3 and path[1] in ("default", "develop") and key.value == "version":
            name = names.get((path[1], path[2]))
            if name is None or value is None or not value.is_string:
                continue
            pin = re.match(r"^===?\s*(\S+)$", value.value.strip())
            if pin:
                manifest.dependencies.append(
                    Dependency(name.value, name.value_span(), PYPI, pin.group(1), None, path[1])
                )
    return manifest


_PNPM_ENTRY = re.compile(r"""^  (['"]?)(/?[^\s'"][^'"]*?)\1:\s*(?:\{.*)?$""")
# lockfile v5: /name/1.0.0 or /@scope/name/1.0.0, peers after "_".
_PNPM_V5_KEY = re.compile(r"^(@?[^@/\s]+(?:/[^@/\s]+)?)/(\d+\.\d+\.\d+[^_/\s]*)(?:_.*)?$")
_NPM_VERSION = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


def _split_pnpm_key(key: str) -> tuple[str, int, str] | None:
    """(name, offset of the name in ``key``, version) of a pnpm ``packages`` key, any lockfile version.

    v9 ``name@1.0.0``, v6 ``/name@1.0.0(peer@2.0.0)``, v5 ``/name/1.0.0_peer@2.0.0``; scoped names
    keep their ``@scope/``. Keys that are not registry packages (tarball URLs, git hosts, ``file:``)
    have no version of the registry's form and give None.
    """
    offset = 1 if key.startswith("/") else 0
    v5 = _PNPM_V5_KEY.match(key[offset:])
    if v5:
        name, version = v5.group(1), v5.group(2)
    else:
        body = key[offset:].split("(", 1)[0]
        at = body.rfind("@")
        if at <= 0:
            return None
        name, version = body[:at], body[at + 1 :]
    if not _NPM_VERSION.match(version) or not name or ":" in name:
        return None
    return name, offset, version


def parse_pnpm_lock(text: str) -> Manifest:
    """pnpm-lock.yaml: the keys of the top-level ``packages:`` map (``snapshots:`` repeats them)."""
    manifest = Manifest(PNPM_LOCK, NPM)
    in_packages = False
    for number, line in enumerate(text.splitlines()):
        if line and not line[0].isspace():
            in_packages = line.rstrip() == "packages:"
            continue
        if not in_packages:
            continue
        entry = _PNPM_ENTRY.match(line)
        if entry is None:
            continue
        split = _split_pnpm_key(entry.group(2))
        if split is None:
            continue
        name, offset, version = split
        start = entry.start(2) + offset
        manifest.dependencies.append(
            Dependency(name, Span.on_line(number, start, start + len(name)), NPM, version, None, "lock")
        )
    return manifest


_YARN_HEADER = re.compile(r"^(?![#\s])(.+):\s*$")
_YARN_VERSION = re.compile(r"""^\s+version:?\s+["']?([^"'\s]+)["']?\s*$""")
_YARN_NOT_REGISTRY = ("workspace:", "patch:", "portal:", "link:", "file:", "git", "http:", "https:", "exec:")


def _yarn_descriptor(header: str) -> tuple[str, int] | None:
    """(package name, its column) of a yarn.lock entry header; None for non-registry entries."""
    first = header.split(",", 1)[0].strip()
    column = header.find(first)
    if first.startswith('"'):
        first, column = first.strip('"'), column + 1
    at = first.find("@", 1)
    if at <= 0:
        return None
    name, range_ = first[:at], first[at + 1 :]
    if range_.startswith("npm:"):
        range_ = range_[4:]
        if "@" in range_.lstrip("@"):  # an alias, "npm:other@^1": the package is the other one
            return None
    if range_.startswith(_YARN_NOT_REGISTRY) or "/" in range_.split("#", 1)[0] and not range_[:1].isdigit():
        return None
    return name, column


def parse_yarn_lock(text: str) -> Manifest:
    """yarn.lock, v1 (``version "1.2.3"``) and Berry (YAML, ``version: 1.2.3``)."""
    manifest = Manifest(YARN_LOCK, NPM)
    pending: tuple[str, int, int] | None = None
    for number, line in enumerate(text.splitlines()):
        header = _YARN_HEADER.match(line)
        if header:
            descriptor = _yarn_descriptor(header.group(1))
            pending = (descriptor[0], number, descriptor[1]) if descriptor else None
            continue
        version = _YARN_VERSION.match(line) if pending else None
        if version is None or pending is None:
            continue
        name, name_line, column = pending
        if _NPM_VERSION.match(version.group(1)):
            manifest.dependencies.append(
                Dependency(
                    name,
                    Span.on_line(name_line, column, column + len(name)),
                    NPM,
                    version.group(1),
                    None,
                    "lock",
                )
            )
        pending = None
    return manifest


_MORE_LOCK_PARSERS = {
    UV_LOCK: parse_uv_lock,
    PIPFILE_LOCK: parse_pipfile_lock,
    PNPM_LOCK: parse_pnpm_lock,
    YARN_LOCK: parse_yarn_lock,
}


# ---------------------------------------------------------------------------- from disk (LG504)


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > 2_000_000:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def requirements_closure(path: Path, seen: set[Path] | None = None) -> list[Dependency]:
    """A requirements file's dependencies, following ``-r``/``-c`` includes (cycles are cut)."""
    seen = seen if seen is not None else set()
    resolved = path.resolve()
    if resolved in seen or len(seen) > 50:
        return []
    seen.add(resolved)
    text = _read(path)
    if text is None:
        return []
    manifest = parse_requirements(text)
    dependencies = list(manifest.dependencies)
    for include in manifest.includes:
        dependencies += requirements_closure(path.parent / include, seen)
    return dependencies
