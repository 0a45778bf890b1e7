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

import re
from collections.abc import Iterable

from landguard.checks.javascript import _support as js
from landguard.checks.secrets._credential_use import literal_credential_finding
from landguard.checks.secrets.heuristics import names_a_password
from landguard.checks.secrets.secret_names import is_secret_name
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule
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
