"""## What it does
Finds a password, secret or API key compared with a string literal:
`if (password === 'admin')`, `req.body.apiKey !== 'k3y…'`, `user.password == "letmein"`. It
complements the secrets rules (LG1xx), which read assignments and options
(`{ password: "…" }` passed to `createConnection`, `new Client`, `new Sequelize`) and skip
common words — the weak default passwords a comparison usually holds. It stays quiet on empty
strings, masks and templates (`'***'`, `'<password>'`, `'${PASS}'`), on names about a secret
rather than the secret (`passwordType === 'text'`, `tokenType`), and on what a value *is*
(`typeof password === 'string'`). Messages show the value masked.

## Why is this bad?
A credential in the source is a backdoor everyone with the code (or its history) can use; it is
the same in every installation and cannot be rotated without a release. Default and backdoor
passwords like these are the first thing an attacker tries.

## Example
```js
function isAdmin(password) {
  return password === 'admin123';
}
```

## Use instead
```js
async function isAdmin(password) {
  return bcrypt.compare(password, process.env.ADMIN_PASSWORD_HASH);
}
```
The quick fix (applied only with `--unsafe-fixes`: the variable must then be set) reads the value
from the environment instead (`process.env.PASSWORD`); comparing a hash is better still.

## References
- CWE-798: Use of Hard-coded Credentials, https://cwe.mitre.org/data/definitions/798.html
- CWE-259: Use of Hard-coded Password, https://cwe.mitre.org/data/definitions/259.html
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from landguard.checks.javascript import _support as js
from landguard.checks.secrets._credential_use import literal_credential_finding
from landguard.checks.secrets.heuristics import names_a_password
from landguard.checks.secrets.secret_names import is_secret_name
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule, RunKey
from landguard.languages import javascript_syntax as syntax
from landguard.languages.questions import Questions

RULE = Rule(
    id="LG321",
    name="hardcoded-credential-compare",
    title="Password or key compared with a literal",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(798, 259),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
# A comparison operator with such a name beside it: `password ===`, `req.body['password'] !=`,
# `!== apiKey`. Units without one hold nothing this rule reports; looked for around each `==`
# (a plain scan for the operator is several times faster than the case-insensitive pattern).
_OPERATOR = re.compile(rb"[!=]=")
_NAMED_OPERATOR = re.compile(
    rb"(?:pass|pwd|secret|key)[\w\]'\"]*\s*[!=]=|[!=]=\s*[\w.\[\]'\"]*(?:pass|pwd|secret|key)", re.I
)
_NEAR = 48
# The words one of those names holds, lower-cased (the pattern ignores ASCII case only, as bytes do).
_WORDS = (b"pass", b"pwd", b"secret", b"key")
_AROUND_NAMES: RunKey[tuple[list[int], list[int]] | None] = RunKey("js.credential_compare_places")
_COMPARISONS = Questions(compare=syntax.equality_tests_with_string())
# Not a credential: masks, templates and made-up values.
_NOT_A_VALUE = re.compile(
    r"^[*x.#?\-_ ]*$|[<>]|\$\{|\{\{|%\(|\{[a-z_]*\}|your[_\- ]|example|dummy|placeholder|changeme|"
    r"redacted|\bfake\b|sample|^(?:undefined|null|string|object|number|boolean|function)$",
    re.I,
)
# Names that hold a key (a lexer's `token` or a `csrfToken` is compared with words).
_KEY_NAME = re.compile(r"(?:^|_)(?:secret|(?:api|access|secret|private|auth|master)_?key)$", re.I)
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")


class HardcodedCredentialCompare(js.JavaScriptRule):
    rule = RULE
    uses_imports = False

    def applies(self, unit, document, context) -> bool:
        """In a one-shot run, False where the file's pass (``_places``) says no unit there can
        hold a named comparison: most units, and every unit of most files, are told at once (the
        others take the exact test in ``check_unit``). An editor's run checks the few units an
        edit changed and keeps to the exact test: the file's pass would cost it more."""
        if not context.one_shot:
            return True
        places = context.cache.get(_AROUND_NAMES, None, lambda: _places(document.source))
        return places is not None and _meets(places, unit.start_byte, unit.end_byte)

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        if not any(
            _has_named_comparison(document.source, start, end)
            for start, end in js.unit_ranges(document, node)
        ):
            return
        seen: set[int] = set()
        for _compare, comparison, _name in _COMPARISONS.ask(node, document):
            if comparison.id in seen:
                continue
            seen.add(comparison.id)
            left, right = syntax.sides(comparison)
            for named, literal in ((left, right), (right, left)):
                name = _secret_name(document, named)
                secret = _credential_value(document, literal)
                if name is not None and secret is not None:
                    yield _finding(document, literal, secret, name)
                    break


def _meets(places: tuple[list[int], list[int]], start: int, end: int) -> bool:
    """Whether one of the ``places`` meets the bytes ``start``..``end``."""
    starts, ends = places
    i = bisect.bisect_right(ends, start)  # the first place ending after ``start``
    return i < len(ends) and starts[i] < end


def _places(source: bytes) -> tuple[list[int], list[int]] | None:
    """The byte ranges (sorted, disjoint: starts, ends) outside which no operator has a named
    comparison around it (``_has_named_comparison``); None: there is none in the file.

    A match of ``_NAMED_OPERATOR`` around an operator at ``o`` lies within ``o - _NEAR`` ..
    ``o + 2 + _NEAR`` (less where the unit's bounds clip it) and holds one of ``_WORDS`` at some
    ``k``, so ``o`` is between ``k + len(word) - _NEAR - 2`` and ``k + _NEAR``: each word of the
    lower-cased text gives that range when an operator starts in it. Overlapping operators
    (``===``) are all found (``bytes.find`` tries every offset)."""
    if source.find(b"==") < 0 and source.find(b"!=") < 0:
        return None
    lower = source.lower()
    found: list[tuple[int, int]] = []
    for word in _WORDS:
        at = lower.find(word)
        while at >= 0:
            low = max(0, at + len(word) - _NEAR - 2)
            high = at + _NEAR + 2  # an operator starting at ``at + _NEAR`` at the latest
            if source.find(b"==", low, high) >= 0 or source.find(b"!=", low, high) >= 0:
                found.append((low, high))
            at = lower.find(word, at + 1)
    if not found:
        return None
    found.sort()
    starts = [found[0][0]]
    ends = [found[0][1]]
    for low, high in found[1:]:
        if low <= ends[-1]:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    return starts, ends


def _has_named_comparison(source: bytes, start: int, end: int) -> bool:
    if source.find(b"==", start, end) < 0 and source.find(b"!=", start, end) < 0:
        return False  # most units compare nothing: two byte searches say so faster than the pattern
    for operator in _OPERATOR.finditer(source, start, end):
        if _NAMED_OPERATOR.search(
            source, max(start, operator.start() - _NEAR), min(end, operator.end() + _NEAR)
        ):
            return True
    return False


def _secret_name(document, node) -> str | None:
    """The name saying ``node`` holds a secret: `password`, `user.password`, `body['apiKey']`."""
    if node is None:
        return None
    node = js.unwrap(node)
    if syntax.is_identifier(node):
        name = js.text(document, node)
    elif syntax.is_member(node):
        name = js.text(document, syntax.member_parts(node)[1])
    elif syntax.is_subscript(node):
        name = js.string_value(document, syntax.subscript_index(node))
    else:
        return None  # `typeof password`, calls, literals
    if not name:
        return None
    snake = _CAMEL.sub(r"\1_\2", name)
    if not is_secret_name(snake):
        return None
    return name if names_a_password(snake) or _KEY_NAME.search(snake) else None


def _credential_value(document, node) -> str | None:
    if node is None or not syntax.is_string(js.unwrap(node)):
        return None
    value = js.string_value(document, js.unwrap(node))
    if value is None or len(value.strip()) < 3 or _NOT_A_VALUE.search(value):
        return None
    return value


def _finding(document, literal, secret: str, name: str) -> Finding:
    literal = js.unwrap(literal)
    content = syntax.string_content(literal)
    return literal_credential_finding(
        RULE,
        document,
        document.node_span(literal),
        document.node_span(content) if content is not None else None,
        secret,
        f"is compared with `{name}`",
        _CAMEL.sub(r"\1_\2", name),
    )


CHECK = HardcodedCredentialCompare()
