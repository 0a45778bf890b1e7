"""Log injection: request data written into a log message unchanged.

## What it does
Flags request data that reaches a logging call - SLF4J, Log4j 2 and 1.x, commons-logging,
``java.util.logging`` and ``System.Logger`` (``info``/``warn``/``error``/``debug``/``log`` ...;
sinks of kind ``log`` in ``data/models/java.toml``), in the message or as a ``{}`` argument -
followed through the method and same-file helpers by the dataflow core. A value with its line
breaks replaced (``replace('\\n', '_')``, ``replaceAll("[\\r\\n]", "")``), URL-encoded, parsed
to a number or checked against an allow-list is not reported.

## Why is this bad?
A value containing a line break starts a new log entry: the attacker writes fake lines
(``INFO admin logged in``) that mislead an investigation or the tools that parse the log, and
hides their own activity among them. Log viewers that render HTML turn it into stored XSS.

## Example
```java
log.info("Failed login for " + request.getParameter("user"));
```

## Use instead
```java
log.info("Failed login for {}", request.getParameter("user").replaceAll("[\\r\\n]", "_"));
```
Or configure the log layout to encode messages (Logback/Log4j 2 ``%enc{...}{CRLF}``,
a JSON layout).

## References
- CWE-117: Improper Output Neutralization for Logs (https://cwe.mitre.org/data/definitions/117.html)
"""

from __future__ import annotations

from landguard.checks.java._support import JavaTaintCheck, sink_arguments, strips_line_breaks
from landguard.dataflow.interpret import FunctionFacts, SinkHit
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG417",
    name="log-injection",
    title="Request data written into the log",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(117,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.CRLF_INJECTION_LOGS",),
)


class LogInjectionCheck(JavaTaintCheck):
    rule = RULE
    kind = "log"
    request_only = True
    message = "Request data{where} is logged by {method}() with its line breaks; replace CR/LF so it cannot forge entries"
    needles = (b"log", b"LOG", b"Log")  # loggers are named so: log, LOG, logger, Logger

    def reports(self, facts: FunctionFacts, hit: SinkHit) -> bool:
        return not all(strips_line_breaks(facts, expr, self.kind) for expr in sink_arguments(hit))


CHECK = LogInjectionCheck()
