"""## What it does
Checks the configuration files that give AI assistants tools over the Model Context
Protocol — `.vscode/mcp.json`, `.cursor/mcp.json`, `mcp.json`, `.mcp.json` (Claude Code),
`claude_desktop_config.json` and Windsurf's `mcp_config.json` — for servers that are risky to
run:

- secrets written into a server's `env` or `headers` (found by the secrets scanner, shown
  masked); the fix reads them from the environment where the client supports it
  (`${env:NAME}` in VS Code and Cursor, `${NAME}` in Claude Code);
- servers launched from a package without a pinned version (`npx -y name`, `uvx name`,
  `pipx run name`, `pnpm dlx name`): each start runs whatever was published last. Launched
  packages are also read as dependencies, so one that does not exist or imitates a popular
  package is reported by LG501/LG502/LG505, offline and online;
- launch commands that download a script and run it (`sh -c "curl … | sh"`, `iex (iwr …)`);
- remote servers reached over plain `http://` (anything but the local machine); the fix
  switches to `https://`;
- filesystem roots as broad as `/`, `~` or the home folder.

## Why is this bad?
An MCP server runs with the user's rights and its tools are called by the model, often
without asking. A configuration committed to a repository starts those servers for everyone
who opens it: an unpinned or misspelled package is a supply-chain hole (a new malicious
version, or a name an attacker registered), a fetched script can change at any time, plain
HTTP lets anyone on the network read the tokens and inject tool results, a token in the file
is readable by everyone with the repository, and a server rooted at `/` lets a prompt-injected
model read `~/.ssh` as easily as the project.

## Example
```json
{
  "mcpServers": {
    "files": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/"] },
    "search": { "url": "http://mcp.example.com/sse", "headers": { "Authorization": "Bearer sk-live-..." } }
  }
}
```

## Use instead
```json
{
  "mcpServers": {
    "files": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "${workspaceFolder}"]
    },
    "search": { "url": "https://mcp.example.com/sse", "headers": { "Authorization": "Bearer ${env:SEARCH_TOKEN}" } }
  }
}
```

## References
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
- https://cwe.mitre.org/data/definitions/829.html
- CWE-798 (hard-coded credentials), CWE-319 (cleartext transmission), CWE-732 (broad permissions)
- Model Context Protocol, Security Best Practices: https://modelcontextprotocol.io/specification/draft/basic/security_best_practices
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Iterable

from landguard.checks.ai.injection_text import DIRECTIVES
from landguard.checks.ai.mcp_servers import JsonValue, McpServer, is_mcp_config, launch_words, parse_servers
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit, mask_secret
from landguard.engine.registry import CheckContext, DocumentCheck, Rule

RULE = Rule(
    id="LG606",
    name="risky-mcp-server",
    title="Risky MCP server configuration for an AI assistant",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(829, 798, 319, 732),
    docs=__doc__ or "",
)

_FETCH_AND_RUN = tuple(d.pattern for d in DIRECTIVES if d.kind in ("download-run", "encoded-shell")) + (
    re.compile(
        r"\b(iex|invoke-expression)\b.{0,80}\b(iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring)\b",
        re.I,
    ),
    re.compile(r"\b(ba|z|k)?sh\b.{0,20}(<\(|\$\()\s*(curl|wget)\b", re.I),
)
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "host.docker.internal"})
_BROAD_ROOTS = frozenset(
    {
        "/",
        "~",
        "~/",
        "$HOME",
        "${HOME}",
        "${userHome}",
        "%USERPROFILE%",
        "C:\\",
        "C:/",
        "C:\\\\",
        "/Users",
        "/home",
    }
)
_REFERENCE = re.compile(r"\$\{[^}]+\}|\$[A-Z_][A-Z0-9_]*|%[A-Z_]+%")


def _env_reference(path: str | None, name: str) -> str | None:
    """How this client reads an environment variable inside its MCP configuration (None: it cannot)."""
    normalised = (path or "").replace("\\", "/")
    base = os.path.basename(normalised)
    if base == ".mcp.json":
        return f"${{{name}}}"  # Claude Code
    if normalised.endswith((".vscode/mcp.json", ".cursor/mcp.json")):
        return f"${{env:{name}}}"
    return None  # Claude Desktop and Windsurf do not expand variables


class McpConfigCheck(DocumentCheck):
    rules = (RULE,)
    languages = frozenset()  # by file name only

    def applies_to(self, document: Document) -> bool:
        return is_mcp_config(document.path)

    def check_document(self, document: Document, context: CheckContext) -> Iterable[Finding]:
        if document.is_binary or document.too_large:
            return
        for server in parse_servers(document.text):
            yield from _secrets(document, server, context)
            yield from _unpinned(server)
            yield from _fetch_and_run(server)
            yield from _plain_http(server)
            yield from _broad_roots(server)


def _secrets(document: Document, server: McpServer, context: CheckContext) -> Iterable[Finding]:
    from landguard.checks.secrets.scanner import CHECK as SECRETS

    for table, entries in (("env", server.env), ("headers", server.headers)):
        for key, node in entries.items():
            value = node.text or ""
            if not value or _REFERENCE.fullmatch(value.removeprefix("Bearer ").strip()):
                continue
            # The secrets scanner judges the value as the assignment it is (KEY="value").
            probe = Document(f'{_env_name(key)}="{value}"\n', path="mcp-server.env")
            hits = list(SECRETS.scan_lines(probe, 0, 0, context))
            if not hits:
                continue
            secret = value.removeprefix("Bearer ").strip()
            message = (
                f"MCP server '{server.name}' has a secret written in its {table} ({key}: {mask_secret(secret)}); "
                "everyone with this file has it"
            )
            yield RULE.finding(
                node.span, message, fixes=_env_fix(document, node, key, value), confidence=Confidence.HIGH
            )


def _env_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_").upper() or "MCP_SECRET"


def _env_fix(document: Document, node: JsonValue, key: str, value: str) -> list[Fix]:
    name = _env_name(key)
    reference = _env_reference(document.path, name)
    if reference is None:
        return []
    replacement = f"Bearer {reference}" if value.startswith("Bearer ") else reference
    return [
        Fix(f"Read {name} from the environment", (TextEdit(node.span, f'"{replacement}"'),), preferred=True)
    ]


def _unpinned(server: McpServer) -> Iterable[Finding]:
    package = server.package
    if package is None or package.version is not None:
        return
    registry = "npm" if package.ecosystem == "npm" else "PyPI"
    how = f"{package.runner} -y" if package.auto_install else package.runner
    span = package.span or (server.command.span if server.command is not None else server.node.span)
    yield RULE.finding(
        span,
        f"MCP server '{server.name}' runs `{package.name}` from {registry} without a pinned version ({how}): "
        "every start runs whatever was published last; pin an exact version",
    )


def _fetch_and_run(server: McpServer) -> Iterable[Finding]:
    words = launch_words(server)
    line = " ".join(w.text or "" for w in words)
    if not any(pattern.search(line) for pattern in _FETCH_AND_RUN):
        return
    where = next(
        (w for w in words if re.search(r"\b(curl|wget|iwr|irm|invoke-\w+|powershell)\b", w.text or "", re.I)),
        None,
    )
    span = (where or words[0]).span
    yield RULE.finding(
        span,
        f"MCP server '{server.name}' downloads a script and runs it at every start; install a pinned, reviewed version",
        severity=Severity.ERROR,
        confidence=Confidence.HIGH,
    )


def _plain_http(server: McpServer) -> Iterable[Finding]:
    url = server.url
    if url is None or not (url.text or "").lower().startswith("http://"):
        return
    host = (urllib.parse.urlsplit(url.text or "").hostname or "").lower()
    if host in _LOCAL_HOSTS or host.startswith("127.") or host.endswith(".localhost"):
        return
    scheme = url.inner_span(0, len("http://"))
    fixes = [Fix("Use https://", (TextEdit(scheme, "https://"),), preferred=True)] if scheme else []
    yield RULE.finding(
        url.span,
        f"MCP server '{server.name}' is reached over plain HTTP ({host}): its tokens and tool results "
        "can be read and changed on the network",
        fixes=fixes,
    )


def _broad_roots(server: McpServer) -> Iterable[Finding]:
    for argument in server.args:
        text = (argument.text or "").strip()
        if text in _BROAD_ROOTS or text.rstrip("/\\") in {"~", "$HOME", "${HOME}", "${userHome}"}:
            yield RULE.finding(
                argument.span,
                f"MCP server '{server.name}' is given `{text}`: the whole filesystem or home folder (SSH keys, "
                "tokens, other projects) is open to the model; give it the project folder",
            )


CHECK = McpConfigCheck()
