"""Log injection: web-request data written to a log as it is.

## What it does
Flags `logging.debug/info/warning/error/exception/critical/log(...)` and the same methods on a
logger (`logger = logging.getLogger(...)`, Flask's `app.logger`, any receiver named like a log:
`log`, `self.logger`, `LOGGER`) when data from a web request reaches the message or its
arguments (the sinks of kind `log` in `data/models/python.toml`), followed by the dataflow core
through variables, formatting, branches and same-file helpers. Only the request's text itself
counts: what an unmodelled call made of it (a verified token's claims, a model object) and
parameters the framework fills (`Depends(current_user)`) do not. Values passed through `int()`,
`secure_filename()`,
`float()`, `uuid.UUID()` or another sanitizer of every kind are not flagged. (A
`.replace("\\n", "")` on the way is not recognised: say why with a suppression comment, or log
`repr(value)` / `%r`, which escapes line breaks.)

## Why is this bad?
The `logging` module writes `%s` arguments and f-string parts as they are. A user name like
`bob\\nINFO admin logged in from 10.0.0.1` adds a forged line to the log: whoever reads it during
an incident — or a tool that parses it — believes events that never happened, and control
characters can attack the terminal or log viewer that shows it.

## Example
```python
logger.info("login failed for %s", request.form["user"])
```

## Use instead
```python
logger.info("login failed for %r", request.form["user"])  # repr escapes \\n and \\r
```
or a structured/JSON log formatter that encodes each field.

## References
- [CWE-117: Improper Output Neutralization for Logs](https://cwe.mitre.org/data/definitions/117.html)
- [OWASP: Log Injection](https://owasp.org/www-community/attacks/Log_Injection)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG238",
    name="log-injection",
    title="Web-request data written to a log unescaped",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(117,),
    docs=__doc__,
    languages=py.PYTHON,
)
_LEVELS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
# A receiver that is a logger by its name: logger, log, _log, self.logger, app.logger, LOGGER.
_LOGGER_NAME = re.compile(r"(?:^|[._])(?:log|logger|_log|_logger)$", re.I)
# `%r` (and `{!r}`) writes repr(): line breaks come out escaped.
_REPR_ONLY = re.compile(r"%r|!r\}")


class LogInjectionCheck(web.RequestSinkRule):
    rule = RULE
    kind = "log"
    callee_names = _LEVELS

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        if not _is_logger_call(call, name):
            return
        flow, imports = web.call_info(call, unit, document, context)
        arguments = syntax.positional_args(call)
        if syntax.callee_attribute(call) == "log":
            arguments = arguments[1:]  # the level
        if not arguments:
            return
        injected = web.injected_parameters(flow.scope) if syntax.is_function(flow.scope) else ()
        message = arguments[0]
        message_text = syntax.literal_string_value(message)
        for position, value in enumerate(arguments):
            if syntax.is_literal(value):
                continue
            if (
                position > 0
                and message_text is not None
                and _REPR_ONLY.search(message_text)
                and "%s" not in message_text
            ):
                return  # every argument is written as repr()
            if syntax.is_identifier(syntax.unparenthesize(value)) and syntax.text(value) in injected:
                continue  # filled by the framework (`Depends(current_user)`), not by the client
            # Only the request's text itself: what an unmodelled call made of it (a decoded JWT's
            # claims, a model object built from a form) is not assumed to carry line breaks.
            if py.taint(value, flow, imports, self.kind, direct=True) == web.Taint.REQUEST:
                yield self.report(call, name, value, document)
                return

    def report(self, call: Node, name: str, value: Node, document: Document) -> Finding:
        return RULE.finding(
            document.node_span(call),
            f"`{name.rsplit('.', 1)[-1]}` writes web-request data to the log as it is: line breaks in it "
            "forge log entries (log it with %r, or use a formatter that encodes fields)",
            confidence=Confidence.HIGH,
        )


def _is_logger_call(call: Node, name: str) -> bool:
    if name.startswith("logging."):
        return True
    receiver = syntax.call_receiver(call)
    return receiver is not None and _LOGGER_NAME.search(syntax.text(receiver)) is not None


CHECK = LogInjectionCheck()
