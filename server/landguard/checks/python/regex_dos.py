"""Regular-expression denial of service (ReDoS): nested quantifiers that backtrack exponentially.

## What it does
Analyses literal patterns passed to `re` (and the `regex` module): `compile`, `match`,
`search`, `fullmatch`, `sub`, `subn`, `split`, `findall`, `finditer` — including a pattern held
in a variable assigned a literal. It flags a repeated group (`+`, `*`, `{n,}`, `{3,}` or more)
whose body contains an unbounded repeat that can match the same characters as the rest of the
body, so one input splits into exponentially many ways: `(a+)+`, `(\\w*)*`, `(\\w+\\s?)+`,
`(.*a){10}`, `(a+|b)+`. A body with a required separator the inner repeat cannot match —
`(\\d+\\.)+`, `(\\w+\\s)+` — is linear and not flagged; possessive repeats and atomic groups
(Python 3.11+) are not flagged. A pattern taken from a web request (`re.compile(request.args
["q"])`) is flagged too: the client chooses the backtracking.

## Why is this bad?
Python's `re` backtracks. On a near-miss input such as `"a" * 30 + "!"`, `(a+)+$` tries about
2³⁰ ways before failing: one request pins a CPU core for minutes, a handful takes the service
down.

## Example
```python
EMAIL = re.compile(r"^([a-zA-Z0-9]+\\.?)+@example\\.com$")
```

## Use instead
```python
EMAIL = re.compile(r"^[a-zA-Z0-9]+(?:\\.[a-zA-Z0-9]+)*@example\\.com$")
```
Make each repetition start with something the previous one cannot match, use possessive
quantifiers or atomic groups (`(?>...)`, Python 3.11+), or bound the input length first. For
user-supplied patterns, `re.escape` them or use a linear-time engine (`google-re2`).

## References
- [CWE-1333: Inefficient Regular Expression Complexity](https://cwe.mitre.org/data/definitions/1333.html)
- [OWASP: Regular expression Denial of Service](https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.languages import python_syntax as syntax

try:  # Python 3.11+ keeps the pattern parser here; sre_parse is its deprecated alias.
    import re._constants as sre_constants
    import re._parser as sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

RULE = Rule(
    id="LG228",
    name="regex-denial-of-service",
    title="Regular expression with nested quantifiers (catastrophic backtracking)",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(1333,),
    docs=__doc__,
    languages=py.PYTHON,
)

_FUNCTIONS = frozenset(
    {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
)
_MODULES = frozenset({"re", "regex"})
_MAX_PATTERN = 4000
# Where `flags` sits positionally: re.compile(p, flags), re.sub(p, repl, string, count, flags) ...
_FLAGS_POSITION = {"compile": 1, "sub": 4, "subn": 4, "split": 3}
_FLAGS_POSITION.update({name: 2 for name in ("match", "search", "fullmatch", "findall", "finditer")})
_VERBOSE_FLAG = re.compile(r"\b(?:VERBOSE|X)\b")

MAXREPEAT = sre_constants.MAXREPEAT
_REPEATS = frozenset(op for op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) if op is not None)
_POSSESSIVE = getattr(sre_constants, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(sre_constants, "ATOMIC_GROUP", None)

# Characters the analysis reasons with: ASCII plus a few non-ASCII letters, digits and spaces.
_ALPHABET = frozenset([chr(i) for i in range(128)] + ["é", "ß", "\u00a0", "中", "\u2028", "٣"])
_CATEGORY_PATTERNS = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
    "CATEGORY_LINEBREAK": r"\n",
    "CATEGORY_NOT_LINEBREAK": r"[^\n]",
}
_CATEGORY_CHARS = {
    name: frozenset(c for c in _ALPHABET if re.fullmatch(pattern, c))
    for name, pattern in _CATEGORY_PATTERNS.items()
}


def _category(av) -> frozenset[str]:
    return _CATEGORY_CHARS.get(str(av), _ALPHABET)


def _in_chars(items) -> frozenset[str]:
    negate = False
    chars: set[str] = set()
    for op, av in items:
        if op == sre_constants.NEGATE:
            negate = True
        elif op == sre_constants.LITERAL:
            chars.add(chr(av))
        elif op == sre_constants.RANGE:
            low, high = av
            chars.update(c for c in _ALPHABET if low <= ord(c) <= high)
            chars.add(chr(low))
        elif op == sre_constants.CATEGORY:
            chars.update(_category(av))
        else:
            chars.update(_ALPHABET)
    return frozenset(_ALPHABET - chars) if negate else frozenset(chars)


def _chars(items) -> frozenset[str]:
    """Every character any part of ``items`` may consume."""
    result: set[str] = set()
    for op, av in items:
        if op == sre_constants.LITERAL:
            result.add(chr(av))
        elif op == sre_constants.NOT_LITERAL:
            result.update(_ALPHABET - {chr(av)})
        elif op == sre_constants.ANY:
            result.update(_ALPHABET - {"\n"})
        elif op == sre_constants.IN:
            result.update(_in_chars(av))
        elif op == sre_constants.CATEGORY:
            result.update(_category(av))
        elif op in _REPEATS or op == _POSSESSIVE:
            result.update(_chars(av[2]))
        elif op == sre_constants.SUBPATTERN:
            result.update(_chars(av[-1]))
        elif op == _ATOMIC:
            result.update(_chars(av))
        elif op == sre_constants.BRANCH:
            for branch in av[1]:
                result.update(_chars(branch))
        elif op == sre_constants.GROUPREF:
            result.update(_ALPHABET)
        elif op == sre_constants.GROUPREF_EXISTS:
            for branch in av[1:]:
                if branch is not None:
                    result.update(_chars(branch))
    return frozenset(result)


def _min_width(items) -> int:
    total = 0
    for op, av in items:
        if op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN):
            total += 1
        elif op == sre_constants.CATEGORY:
            total += 1
        elif op in _REPEATS or op == _POSSESSIVE:
            total += av[0] * _min_width(av[2])
        elif op == sre_constants.SUBPATTERN:
            total += _min_width(av[-1])
        elif op == _ATOMIC:
            total += _min_width(av)
        elif op == sre_constants.BRANCH:
            total += min((_min_width(b) for b in av[1]), default=0)
    return total


def _flatten(items) -> list:
    """A sequence with groups opened up (not alternations): ``((a+)b?)`` -> ``a+ b?``."""
    flat = []
    for op, av in items:
        if op == sre_constants.SUBPATTERN:
            flat.extend(_flatten(av[-1]))
        else:
            flat.append((op, av))
    return flat


def _ambiguous_body(body) -> bool:
    """An unbounded repeat in ``body`` whose characters every other required part can also match."""
    flat = _flatten(body)
    if len(flat) == 1 and flat[0][0] == sre_constants.BRANCH:
        branches = flat[0][1][1]
        if any(_ambiguous_body(branch) for branch in branches):
            return True
        # (a+|b)+: an alternative that is itself an unbounded repeat overlapping another alternative.
        return _overlapping_alternatives(branches)
    for index, (op, av) in enumerate(flat):
        if op not in _REPEATS or av[1] != MAXREPEAT:
            continue
        inner = _chars(av[2])
        if not inner:
            continue
        others = [item for other, item in enumerate(flat) if other != index and _min_width([item]) > 0]
        if all(_chars([item]) & inner for item in others):
            return True
    return False


def _overlapping_alternatives(branches) -> bool:
    repeats = [b for b in branches if len(_flatten(b)) == 1 and _flatten(b)[0][0] in _REPEATS]
    for repeat in repeats:
        op, av = _flatten(repeat)[0]
        if av[1] != MAXREPEAT:
            continue
        inner = _chars(av[2])
        if any(b is not repeat and _chars(b) & inner for b in branches):
            return True
    return False


def _find_nested(items, depth: int = 0) -> bool:
    if depth > 50:
        return False
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            if (high == MAXREPEAT or high >= 3) and _ambiguous_body(body):
                return True
            if _find_nested(body, depth + 1):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _find_nested(av[-1], depth + 1):
                return True
        elif op == sre_constants.BRANCH:
            if any(_find_nested(branch, depth + 1) for branch in av[1]):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            if _find_nested(av[1], depth + 1):
                return True
        # Possessive repeats and atomic groups do not backtrack: not looked into.
    return False


@functools.lru_cache(maxsize=512)
def has_catastrophic_backtracking(pattern: str, verbose: bool = False) -> bool:
    """Whether ``pattern`` has a nested quantifier over overlapping characters."""
    if len(pattern) > _MAX_PATTERN:
        return False
    try:
        parsed = sre_parse.parse(pattern, re.VERBOSE if verbose else 0)
    except (re.error, RecursionError, OverflowError, ValueError, TypeError, IndexError):
        return False
    try:
        return _find_nested(list(parsed))
    except RecursionError:
        return False


class RegexDosCheck(CallRule):
    rule = RULE
    callee_names = _FUNCTIONS

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        module, _, function = name.rpartition(".")
        if module not in _MODULES or function not in _FUNCTIONS:
            return
        pattern = syntax.argument(call, 0, "pattern")
        if pattern is None:
            return
        flow = self.flow_for(call, unit, context)
        values = syntax.resolve(pattern, flow)
        literal = syntax.literal_string_value(values[0]) if len(values) == 1 else None
        if literal is not None:
            flags = syntax.argument(call, _FLAGS_POSITION[function], "flags")
            # Inline `(?x)` is handled by the parser itself; only the flags argument needs passing on.
            verbose = flags is not None and _VERBOSE_FLAG.search(syntax.text(flags)) is not None
            if has_catastrophic_backtracking(literal, verbose):
                yield RULE.finding(
                    document.node_span(call),
                    "nested quantifiers over overlapping characters backtrack exponentially on a "
                    "near-miss input; make each repetition unambiguous or use an atomic group",
                )
            return
        if syntax.is_literal(pattern):
            return
        imports = py.scope_imports(call, document, context)
        if py.request_reaches(pattern, flow, imports, "regex"):
            yield RULE.finding(
                document.node_span(call),
                "the regular expression comes from the web request: a client can send a pattern that "
                "backtracks for minutes (re.escape it, or use a linear-time engine)",
                severity=Severity.ERROR,
                confidence=Confidence.HIGH,
            )


CHECK = RegexDosCheck()
