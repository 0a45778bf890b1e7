"""MCP server configurations: which files they are, and the servers they declare, with spans.

Not a rule: LG606 judges the servers, and the dependency checks (``checks/deps``) read the
packages they launch (``npx -y name``, ``uvx name``, ``pipx run name``) as a manifest, so a
launched package that does not exist or imitates a popular one is reported as in any other
manifest, offline and online.

Shapes understood: ``{"mcpServers": {name: {...}}}`` (Claude Desktop, Claude Code's
``.mcp.json``, Cursor, Windsurf's ``mcp_config.json``) and ``{"servers": {name: {...}}}`` (VS
Code's ``.vscode/mcp.json``), each server with ``command``/``args``/``env`` (local) or
``url``/``serverUrl``/``headers`` (remote). VS Code's files are JSON with comments and trailing
commas, so the parser here accepts both; it also records where every value is, which Python's
``json`` does not.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from typing import Any

from landguard.engine.findings import Span

MCP_FILE_NAMES = frozenset({"mcp.json", ".mcp.json", "mcp_config.json", "claude_desktop_config.json"})

_NPM_RUNNERS = frozenset({"npx", "npx.cmd", "bunx", "bunx.cmd"})
_NPM_DLX_RUNNERS = frozenset({"pnpm", "pnpm.cmd", "yarn", "yarn.cmd", "bun"})  # `pnpm dlx name`
_PYPI_RUNNERS = frozenset({"uvx", "uvx.exe"})
# Options of the runners that take a value (the value is not the package).
_OPTIONS_WITH_VALUE = frozenset(
    {"-p", "--package", "--from", "--with", "--python", "--spec", "--index-url", "--registry", "-c", "--call"}
)
_NPM_SPEC = re.compile(r"^(?P<name>(?:@[a-z0-9][\w.~-]*/)?[a-z0-9][\w.~-]*)(?:@(?P<version>[^\s]+))?$", re.I)
_PYPI_SPEC = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?(?:(?:==|@)(?P<version>[A-Za-z0-9.*+!_-]+))?"
    r"(?P<rest>[<>=!~].*)?$"
)


@dataclass(frozen=True)
class JsonValue:
    """A parsed JSON value with the span of its text (for strings: the quotes included)."""

    value: Any  # str, int, float, bool, None, dict[str, JsonValue] or list[JsonValue]
    span: Span
    key_span: Span | None = None  # for members of an object: where the key is

    def get(self, key: str) -> JsonValue | None:
        return self.value.get(key) if isinstance(self.value, dict) else None

    @property
    def text(self) -> str | None:
        return self.value if isinstance(self.value, str) else None

    def inner_span(self, start: int, end: int) -> Span | None:
        """The span of ``text[start:end]`` of a one-line string written without escapes."""
        if not isinstance(self.value, str) or self.span.start_line != self.span.end_line:
            return None
        if self.span.end_col - self.span.start_col != len(self.value) + 2:
            return None  # escapes: columns of the value and of its text differ
        col = self.span.start_col + 1
        return Span.on_line(self.span.start_line, col + start, col + end)


@dataclass(frozen=True)
class LaunchedPackage:
    name: str
    ecosystem: str  # "npm" or "pypi"
    version: str | None  # the exact version, when the launch pins one
    span: Span | None  # the name inside the argument
    version_span: Span | None
    runner: str  # npx, uvx, pipx run ...
    auto_install: bool  # `npx -y`: installs without asking


@dataclass
class McpServer:
    name: str
    node: JsonValue
    command: JsonValue | None = None
    args: list[JsonValue] = field(default_factory=list)
    env: dict[str, JsonValue] = field(default_factory=dict)
    headers: dict[str, JsonValue] = field(default_factory=dict)
    url: JsonValue | None = None
    package: LaunchedPackage | None = None


def is_mcp_config(path: str | None) -> bool:
    if not path:
        return False
    name = os.path.basename(path.replace("\\", "/"))
    return name in MCP_FILE_NAMES


# ---------------------------------------------------------------------------- JSON with positions


class _ParseError(ValueError):
    pass


class _Parser:
    """JSON with comments and trailing commas (VS Code's JSONC), keeping each value's span."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\n|\r", text)]

    def point(self, offset: int) -> tuple[int, int]:
        import bisect

        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line, offset - self.line_starts[line]

    def span(self, start: int, end: int) -> Span:
        (sl, sc), (el, ec) = self.point(start), self.point(end)
        return Span(sl, sc, el, ec)

    def skip(self) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r\n\ufeff":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end == -1 else end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end == -1:
                    raise _ParseError("unterminated comment")
                self.pos = end + 2
            else:
                return

    def value(self) -> JsonValue:
        self.skip()
        if self.pos >= len(self.text):
            raise _ParseError("unexpected end")
        char = self.text[self.pos]
        start = self.pos
        if char == "{":
            return self.object()
        if char == "[":
            return self.array()
        if char == '"':
            return JsonValue(self.string(), self.span(start, self.pos))
        match = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null").match(self.text, self.pos)
        if not match:
            raise _ParseError(f"unexpected {char!r}")
        self.pos = match.end()
        literal = match.group()
        value: Any = {"true": True, "false": False, "null": None}.get(literal, literal)
        if value is literal:
            value = float(literal) if any(c in literal for c in ".eE") else int(literal)
        return JsonValue(value, self.span(start, self.pos))

    def string(self) -> str:
        match = re.compile(r'"((?:[^"\\\n]|\\.)*)"').match(self.text, self.pos)
        if not match:
            raise _ParseError("bad string")
        self.pos = match.end()
        raw = match.group(1)
        if "\\" not in raw:
            return raw
        import json

        try:
            return json.loads(f'"{raw}"')
        except ValueError as exc:
            raise _ParseError("bad escape") from exc

    def object(self) -> JsonValue:
        start = self.pos
        self.pos += 1
        members: dict[str, JsonValue] = {}
        while True:
            self.skip()
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return JsonValue(members, self.span(start, self.pos))
            if not self.text.startswith('"', self.pos):
                raise _ParseError("expected a key")
            key_start = self.pos
            key = self.string()
            key_span = self.span(key_start, self.pos)
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise _ParseError("expected ':'")
            self.pos += 1
            item = self.value()
            members[key] = JsonValue(item.value, item.span, key_span)
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("}", self.pos):
                raise _ParseError("expected ',' or '}'")

    def array(self) -> JsonValue:
        start = self.pos
        self.pos += 1
        items: list[JsonValue] = []
        while True:
            self.skip()
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return JsonValue(items, self.span(start, self.pos))
            items.append(self.value())
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("]", self.pos):
                raise _ParseError("expected ',' or ']'")


def parse_json(text: str) -> JsonValue | None:
    """The document's value with spans, or None when it is not (yet) valid JSON/JSONC."""
    parser = _Parser(text)
    try:
        root = parser.value()
        parser.skip()
    except (_ParseError, RecursionError):
        return None
    return root


# ---------------------------------------------------------------------------- servers


@functools.lru_cache(maxsize=8)
def parse_servers(text: str) -> tuple[McpServer, ...]:
    """Every server an MCP configuration declares (none when the text does not parse)."""
    root = parse_json(text)
    if root is None or not isinstance(root.value, dict):
        return ()
    table = root.get("mcpServers") or root.get("servers")
    mcp = root.get("mcp")
    if table is None and mcp is not None:
        table = mcp.get("servers") or mcp.get("mcpServers")
    if table is None or not isinstance(table.value, dict):
        return ()
    servers = []
    for name, node in table.value.items():
        if not isinstance(node.value, dict):
            continue
        server = McpServer(name, node)
        command = node.get("command")
        server.command = command if command is not None and command.text is not None else None
        args = node.get("args")
        if args is not None and isinstance(args.value, list):
            server.args = [a for a in args.value if a.text is not None]
        for key, target in (("env", server.env), ("headers", server.headers)):
            table_node = node.get(key)
            if table_node is not None and isinstance(table_node.value, dict):
                target.update({k: v for k, v in table_node.value.items() if v.text is not None})
        url = node.get("url") or node.get("serverUrl")
        server.url = url if url is not None and url.text is not None else None
        server.package = launched_package(server)
        servers.append(server)
    return tuple(servers)


def launch_words(server: McpServer) -> list[JsonValue]:
    """The command and its arguments; a command written as one string ("npx -y pkg") is one word."""
    return ([server.command] if server.command is not None else []) + server.args


def launched_package(server: McpServer) -> LaunchedPackage | None:
    """The registry package a server is started from, if it is started by a package runner."""
    if server.command is None or server.command.text is None:
        return None
    command = server.command
    words = [(m.group(), command, m.start()) for m in re.finditer(r"\S+", server.command.text)]
    if not words:
        return None
    runner = os.path.basename(words[0][0]).lower()
    # Arguments, with the node and offset where each is written ("npx -y pkg" may be one command string).
    arguments: list[tuple[str, JsonValue | None, int]] = words[1:]
    arguments += [(a.text or "", a, 0) for a in server.args]
    if runner in _NPM_DLX_RUNNERS:
        if not arguments or arguments[0][0] not in ("dlx", "x"):
            return None
        arguments = arguments[1:]
        runner = f"{runner} dlx"
        ecosystem = "npm"
    elif runner in _NPM_RUNNERS:
        ecosystem = "npm"
    elif runner in _PYPI_RUNNERS:
        ecosystem = "pypi"
    elif runner in ("pipx", "pipx.exe") and arguments and arguments[0][0] == "run":
        arguments = arguments[1:]
        runner = "pipx run"
        ecosystem = "pypi"
    elif runner in ("uv", "uv.exe") and arguments[:2] and [a for a, _, _ in arguments[:2]] == ["tool", "run"]:
        arguments = arguments[2:]
        runner = "uv tool run"
        ecosystem = "pypi"
    else:
        return None
    auto_install = False
    skip_next = False
    for word, node, offset in arguments:
        if skip_next:
            skip_next = False
            continue
        if word in ("-y", "--yes"):
            auto_install = True
            continue
        if word.startswith("-"):
            skip_next = word in _OPTIONS_WITH_VALUE
            continue
        return _package(word, node, offset, ecosystem, runner, auto_install)
    return None


def _package(
    word: str, node: JsonValue | None, offset: int, ecosystem: str, runner: str, auto: bool
) -> LaunchedPackage | None:
    match = (_NPM_SPEC if ecosystem == "npm" else _PYPI_SPEC).match(word)
    if not match:
        return None  # a path, a URL or a git reference: not a registry package
    name, version = match.group("name"), match.group("version")
    if version in ("latest", "next"):
        version = None
    if ecosystem == "pypi" and match.group("rest"):
        version = None  # a range (>=1.2) is not a pin
    name_span = version_span = None
    if node is not None:
        name_span = node.inner_span(offset, offset + len(name))
        if version:
            at = offset + word.index(version, len(name))
            version_span = node.inner_span(at, at + len(version))
    return LaunchedPackage(name, ecosystem, version, name_span, version_span, runner, auto)


def launched_dependencies(text: str) -> list:
    """The launched packages as ``checks.deps`` dependencies (for LG501/LG502/LG503/LG505, offline and online)."""
    from landguard.checks.deps.manifests import Dependency

    dependencies = []
    for server in parse_servers(text):
        package = server.package
        if package is None or package.span is None:
            continue
        dependencies.append(
            Dependency(
                package.name,
                package.span,
                package.ecosystem,
                pinned=package.version,
                version_span=package.version_span,
                section=f"mcp server {server.name}",
            )
        )
    return dependencies
