"""A server bound to every network interface from application code: `host="0.0.0.0"`.

## What it does
Flags a listening address that is a literal "every interface" (`"0.0.0.0"`, `"::"`, or `""` for
sockets) in:
- web app runners: `app.run(host=...)` (Flask, Quart, Sanic, Flask-SocketIO), `uvicorn.run`,
  `aiohttp.web.run_app`, `waitress.serve`, `hypercorn`/`bottle.run`/`cherrypy` style `run`/`serve`
  calls with a `host=` keyword;
- sockets and servers: `sock.bind(("0.0.0.0", port))`, `socketserver.TCPServer(("", port), ...)`,
  `http.server.HTTPServer(...)`, `asyncio.start_server(cb, "0.0.0.0", port)`,
  `loop.create_server(..., host="0.0.0.0")`.
The address is folded through variables and module constants. Decided on purpose:
- an address read from the environment or configuration (`os.environ.get("HOST", "0.0.0.0")`)
  is not reported: the operator chooses it at deployment;
- a run under `if __name__ == "__main__":` is reported with low confidence (usually a development
  entry point);
- a container entry point that says so is not reported: a comment on the line or the line above
  that mentions a container (`# inside the Docker container`, `container`, `k8s`, `pod`) documents
  that the network boundary is the container's;
- test code is not reported (test servers bind where the test needs them).

The quick fix binds to `127.0.0.1` instead (marked unsafe: the service is then reachable only
from the same host, which is the point, but breaks a deployment that relied on it).

## Why is this bad?
`0.0.0.0` accepts connections on every interface, including public ones: a development server,
an admin endpoint or a debugging port meant for the local machine is then reachable by anyone
who can route to the host, often without authentication.

## Example
```python
app.run(host="0.0.0.0", port=8080)
```

## Use instead
```python
app.run(host="127.0.0.1", port=8080)
# or let the deployment decide:
app.run(host=os.environ.get("HOST", "127.0.0.1"), port=8080)
```

## References
- [CWE-605: Multiple Binds to the Same Port](https://cwe.mitre.org/data/definitions/605.html)
- [CWE-1327: Binding to an Unrestricted IP Address](https://cwe.mitre.org/data/definitions/1327.html)
- Bandit B104; Ruff S104
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import rewrite_fix
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG244",
    name="bind-all-interfaces",
    title="Server bound to every network interface in application code",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(1327, 605),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B104", "S104"),
)

_ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]"})  # noqa: S104 - the addresses this rule looks for
# Runners that take `host=`: any `run`/`serve`/`run_app` call except these modules' own.
_RUNNERS = frozenset({"run", "serve", "run_app", "run_simple", "create_server", "start_server"})
_NOT_SERVERS = frozenset(
    {"asyncio.run", "subprocess.run", "trio.run", "anyio.run", "uvloop.run", "unittest.main"}
)
# Server classes taking `(host, port)` as their first argument.
_ADDRESS_SERVERS = re.compile(
    r"(?:^|\.)(?:TCPServer|UDPServer|ThreadingTCPServer|ThreadingUDPServer|ForkingTCPServer|HTTPServer|"
    r"ThreadingHTTPServer|WSGIServer|SimpleXMLRPCServer|make_server)$"
)
# Searched only in a line's comment (from its first `#`): a word pattern, linear on any input.
_CONTAINER_WORDS = re.compile(r"\b(?:docker|container|containers|k8s|kubernetes|pod)\b", re.I)


def _host_literal(node: Node | None, flow: py.Flow, unit: Node) -> str | None:
    """The literal address ``node`` holds (folded through variables and module constants)."""
    if node is None:
        return None
    node = py.unparenthesize(node)
    value = syntax.literal_string_value(node)
    if value is not None:
        return value
    if not syntax.is_identifier(node):
        return None
    values = syntax.resolve(node, flow)
    if len(values) == 1 and values[0].id != node.id:
        return syntax.literal_string_value(values[0])
    dataflow = flow.dataflow
    folded = dataflow.value_of(node, unit) if dataflow is not None else None
    if folded is not None and folded.is_const and isinstance(folded.const, str):
        return folded.const
    return None


def _address_host(node: Node | None) -> Node | None:
    """The host of an address tuple `(host, port)`."""
    items = syntax.tuple_items(py.unparenthesize(node) if node is not None else None)
    return items[0] if items is not None and len(items) == 2 else None


class BindAllInterfacesCheck(CallRule):
    rule = RULE
    callee_names = _RUNNERS | frozenset(
        {
            "bind",
            "TCPServer",
            "UDPServer",
            "ThreadingTCPServer",
            "ThreadingUDPServer",
            "ForkingTCPServer",
            "HTTPServer",
            "ThreadingHTTPServer",
            "WSGIServer",
            "SimpleXMLRPCServer",
            "make_server",
        }
    )

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        last = syntax.callee_attribute(call)
        host: Node | None = None
        sockets = False
        if last == "bind":
            host, sockets = _address_host(syntax.argument(call, 0, "address")), True
        elif _ADDRESS_SERVERS.search(name):
            if last == "make_server":
                host = syntax.argument(call, 0, "host")
            else:
                host, sockets = _address_host(syntax.argument(call, 0, "server_address")), True
        elif last in _RUNNERS and name not in _NOT_SERVERS:
            host = syntax.keyword_arg(call, "host")
            if host is None and name.endswith("start_server") and name.startswith("asyncio"):
                host = syntax.argument(call, 1, None)
        if host is None:
            return
        flow = self.flow_for(call, unit, context)
        address = _host_literal(host, flow, unit)
        if address is None or not (address in _ALL_INTERFACES or (sockets and address == "")):
            return
        if _documented_container_entry_point(document, call):
            return
        fix = _loopback_fix(host, document)
        shown = address or '""'
        yield RULE.finding(
            document.node_span(call),
            f"listens on `{shown}`: every network interface, public ones included; bind to 127.0.0.1 "
            "or read the address from the deployment's configuration",
            confidence=Confidence.LOW if syntax.under_main_guard(call) else None,
            fixes=[fix] if fix else [],
        )


def _documented_container_entry_point(document: Document, call: Node) -> bool:
    first = call.start_point[0]
    lines = document.lines
    for number in range(max(0, first - 1), min(len(lines), call.end_point[0] + 1)):
        comment = lines[number].find("#")
        if comment >= 0 and _CONTAINER_WORDS.search(lines[number], comment):
            return True
    return False


def _loopback_fix(host: Node, document: Document) -> Fix | None:
    import libcst as cst

    host = py.unparenthesize(host)
    if not syntax.is_plain_string(host):
        return None  # a variable: the fix belongs where it is set

    def rewrite(_editor, target):
        return cst.SimpleString(f"{target.prefix}{target.quote}127.0.0.1{target.quote}")

    return rewrite_fix(document, host, cst.SimpleString, rewrite, "Listen on 127.0.0.1 only", unsafe=True)


CHECK = BindAllInterfacesCheck()
