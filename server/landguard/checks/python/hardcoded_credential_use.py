"""Hardcoded credential in code: a literal password compared against, or handed to a login.

## What it does
Flags a string literal that the code uses as a credential, where the secrets rules (LG1xx), which
read assignments and skip common words, do not:
- a comparison of something named like a password, secret or token with a literal
  (`if password == "admin":`, `request.form["token"] != "letmein"`,
  `hmac.compare_digest(api_key, "k3y…")`) — a backdoor every reader of the code can use;
- HTTP basic/digest credentials given as literals: `auth=("user", "…")` on any call
  (`requests.get`, `httpx.Client`, `aiohttp.ClientSession`), `HTTPBasicAuth("user", "…")`,
  `HTTPDigestAuth`, `aiohttp.BasicAuth`, `httpx.BasicAuth`;
- a password keyword argument with a weak literal the secrets rules leave alone as a common
  word (`pymysql.connect(user="root", password="root")`, `login(pwd="admin123")`).

Messages show the value masked. It stays quiet on empty strings, masks and templates (`"***"`,
`"<password>"`, `"${DB_PASSWORD}"`, `"your-password-here"`, `"changeme"`), on `assert`s and in
test files and test functions (fixtures compare against literals on purpose), in examples and
demos (`examples/`, `demos/`, `docs/`: the sample's own login, as for LG104), and on names
about a secret rather than the secret (`password_hash`, `token_type`). The quick fix reads the
value from an environment variable instead (`os.environ["ADMIN_PASSWORD"]`).

## Why is this bad?
A credential in the source is known to everyone who can read the code or its history, is the
same in every installation, and cannot be changed without a release: default and backdoor
passwords like these are the first thing an attacker tries.

## Example
```python
def check_admin(password):
    return password == "admin123"

requests.get(url, auth=("deploy", "Tr0ub4dor&3"))
```

## Use instead
```python
def check_admin(password):
    return hmac.compare_digest(password, os.environ["ADMIN_PASSWORD"])

requests.get(url, auth=("deploy", os.environ["DEPLOY_PASSWORD"]))
```
Better still, compare a salted hash (`check_password_hash`) or use the framework's login.

## References
- [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
- [CWE-259: Use of Hard-coded Password](https://cwe.mitre.org/data/definitions/259.html)
- [CWE-1392: Use of Default Credentials](https://cwe.mitre.org/data/definitions/1392.html)
- Bandit B105/B106 (comparison and argument forms); Ruff S105/S106
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.checks.python._dispatch import CallRule
from landguard.checks.secrets._credential_use import literal_credential_finding
from landguard.checks.secrets.heuristics import (
    is_not_a_secret_value,
    is_sample_path,
    names_a_password,
)
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity, Span
from landguard.engine.registry import CheckContext, Rule, RunKey
from landguard.engine.testcode import relative_path
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG237",
    name="hardcoded-credential-use",
    title="Literal password compared against or passed as a login",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(798, 259),
    docs=__doc__,
    languages=py.PYTHON,
)

_AUTH_CLASSES = frozenset(
    {
        "requests.auth.HTTPBasicAuth",
        "requests.auth.HTTPDigestAuth",
        "requests.auth.HTTPProxyAuth",
        "requests.HTTPBasicAuth",
        "aiohttp.BasicAuth",
        "aiohttp.helpers.BasicAuth",
        "httpx.BasicAuth",
        "httpx.DigestAuth",
    }
)
_COMPARE = frozenset({"compare_digest"})
# Not a credential: masks, templates and made-up values.
_NOT_A_VALUE = re.compile(
    r"^[*x.#?\-_ ]*$|[<>]|\$\{|\{\{|%\(|\{[a-z_]*\}|your[_\- ]|example|dummy|placeholder|changeme|"
    r"redacted|\bfake\b|sample|<.*>",
    re.I,
)
# Test code: test files and folders (sample code under `fixtures/` is what a test checks, not a test).
_TEST_FILE = re.compile(r"(?:^|[/\\])(?:test_[^/\\]*|tests|[^/\\]*_tests?|conftest)\.py$")
_TEST_FOLDER = re.compile(r"(?:^|[/\\])(?:tests?|testing)[/\\]")
_FIXTURE_FOLDER = re.compile(r"(?:^|[/\\])fixtures[/\\]")
_TEST_FILE_RUN: RunKey[bool] = RunKey("python.credential_use.test_file")
# Names that hold a password or key (a lexer's `token` or a `csrf_token` is compared with words).
_CREDENTIAL_NAME = re.compile(r"(?:^|_)(?:secret|(?:api|access|secret|private|auth|master)_?key)$", re.I)
# ``_may_name_a_credential``: a name ending in a key word, and two literals joined with a word
# split between them (a letter or ``_`` on both sides of the quotes, single or triple, with only
# spaces, brackets, ``+``, line continuations, comments and a string prefix between them).
_KEY_NAME = re.compile(rb"(?:api|access|private|master)_?key")
# A comment runs to its line's end (one way to match a line of them: no backtracking blow-up).
_SPLIT_WORD = re.compile(rb"(?<=\w)[\"']{1,3}(?:[\s()+\\]|#[^\n]*\n)*(?i:[rbuf]{0,2})[\"']{1,3}\w")
_CREDENTIAL_WORDS = (b"pass", b"pwd", b"secret", b"auth")


def _may_name_a_credential(source: bytes, start: int, end: int) -> bool:
    """Whether the text between ``start`` and ``end`` can hold a unit ``check_unit`` reports in.

    Each finding needs a name that ``names_a_password`` (a part "pass", "pwd" ...) or
    ``_CREDENTIAL_NAME`` accepts, or the keyword ``auth``: an identifier's or attribute's text, or
    the value of a string literal (a subscript's key, ``.get("...")``, a dict key). Such a name
    shows one of those words, ignoring ASCII case, unless its text is not its value: an escape (a
    backslash), a non-ASCII character (``str.lower`` and ``re.I`` fold some to ASCII letters), or
    a word split between literals (``"pa" "ssword"``, ``"pa" + "ssword"``)."""
    text = source[start:end]
    lowered = text.lower()
    if any(word in lowered for word in _CREDENTIAL_WORDS):
        return True
    if b"key" in lowered and _KEY_NAME.search(lowered):
        return True
    if b"\\" in text or not text.isascii():
        return True
    return _SPLIT_WORD.search(text) is not None


def _credential_value(node: Node | None) -> str | None:
    """The value of a plain string literal that can be a credential; None for anything else."""
    if node is None:
        return None
    node = syntax.unparenthesize(node)
    if not syntax.is_plain_string(node) or syntax.is_interpolated_string(node):
        return None
    value = syntax.literal_string_value(node)
    if value is None or len(value.strip()) < 3 or _NOT_A_VALUE.search(value):
        return None
    return value


def _content_span(document: Document, node: Node) -> Span | None:
    parts = syntax.string_parts(syntax.unparenthesize(node))
    content = next((piece for kind, piece in parts if kind == syntax.TEXT), None)
    return document.node_span(content) if content is not None else None


def _secret_name(node: Node) -> str | None:
    """The name that says ``node`` holds a secret: `password`, `user.password`, `form["token"]`."""
    node = syntax.unparenthesize(node)
    attribute = syntax.attribute_parts(node)
    subscript = syntax.subscript_parts(node)
    if syntax.is_identifier(node):
        name = syntax.text(node)
    elif attribute is not None:
        name = attribute[1]
    elif subscript is not None:
        key = subscript[1]
        name = syntax.literal_string_value(key) if key is not None else None
    elif syntax.is_call(node) and syntax.callee_attribute(node) == "get":
        name = syntax.literal_string_value(syntax.argument(node, 0, None))  # form.get("password")
    else:
        return None
    if not name or not web.is_secret_name(name):
        return None
    return name if names_a_password(name) or _CREDENTIAL_NAME.search(name) else None


def _test_file(document: Document, context: CheckContext) -> bool:
    """Whether the file is test code or sample material by its path (once per run: the project
    root is looked up for it)."""

    def judge() -> bool:
        path = document.path or ""
        if _TEST_FILE.search(path) or (_TEST_FOLDER.search(path) and not _FIXTURE_FOLDER.search(path)):
            return True
        # An example's or demo's login (`examples/`, `demos/`): the sample's own, as in LG104.
        return is_sample_path(relative_path(path, None))

    return context.cache.get(_TEST_FILE_RUN, None, judge)


def _in_test_code(node: Node) -> bool:
    """Whether ``node`` is inside an assert, a test function or a test class."""
    parent = node.parent
    while parent is not None:
        if syntax.is_assert(parent):
            return True
        if syntax.is_function(parent):
            name = syntax.text(syntax.defined_name(parent))
            if name.startswith(("test", "setUp")):
                return True
        if syntax.is_class(parent) and syntax.text(syntax.defined_name(parent)).startswith("Test"):
            return True
        parent = parent.parent
    return False


def _compared_credential(left: Node, right: Node) -> tuple[Node, str, str, str] | None:
    """(literal, its value, how, name) when one side names a secret and the other is a literal
    credential (``password == "hunter2"``); None otherwise."""
    for named, literal in ((left, right), (right, left)):
        name = _secret_name(named)
        secret = _credential_value(literal)
        if name is not None and secret is not None:
            return literal, secret, f"is compared with `{name}`", name
    return None


class HardcodedCredentialUseCheck(CallRule):
    rule = RULE
    callee_names = frozenset(n.rsplit(".", 1)[-1] for n in _AUTH_CLASSES) | _COMPARE
    unit_markers = (b"==", b"!=", b"auth", b"pass", b"pwd", b"compare_digest")

    def applies(self, unit: Node, document: Document, context: CheckContext) -> bool:
        # Most units with a marker (``==``) name no credential: the node query over the unit, most
        # of the rule's cost, is skipped for them.
        return super().applies(unit, document, context) and (
            _may_name_a_credential(document.source, unit.start_byte, unit.end_byte)
        )

    def applies_to_document(self, document: Document, context: CheckContext) -> bool:
        source = document.source
        return (
            super().applies_to_document(document, context)
            and not _test_file(document, context)
            and _may_name_a_credential(source, 0, len(source))
        )

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        if _test_file(document, context) or _in_test_code(call):
            return
        if name in _AUTH_CLASSES:
            value = syntax.argument(call, 1, "password")
            secret = _credential_value(value)
            if secret is not None and value is not None:
                yield self._finding(
                    document, value, secret, f"is the password of `{name.rsplit('.', 1)[-1]}`"
                )
        elif name.rsplit(".", 1)[-1] in _COMPARE:
            positional = syntax.positional_args(call)
            if len(positional) == 2:
                compared = _compared_credential(positional[0], positional[1])
                if compared is not None:
                    yield self._finding(document, *compared)

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        # Whether a node is test code is asked only of the few nodes that would be reported: the
        # walk up its parents cost more than the rest of the rule.
        if _test_file(document, context) or _in_test_code(unit):
            return
        comparisons, arguments, entries = py.unit_nodes_of_kinds(
            unit, (syntax.COMPARISON, syntax.KEYWORD_ARGUMENT, syntax.DICT_ENTRY), context
        )
        for comparison in comparisons:
            operators = [c for c in comparison.children if not c.is_named]
            operands = comparison.named_children
            if len(operands) != 2 or len(operators) != 1 or syntax.text(operators[0]) not in ("==", "!="):
                continue
            compared = _compared_credential(operands[0], operands[1])
            if compared is not None and not _in_test_code(comparison):
                yield self._finding(document, *compared)
        for argument in arguments:
            keyword, value = syntax.keyword_argument_parts(argument) or ("", None)
            if value is None:
                continue
            if keyword == "auth":
                value = syntax.unparenthesize(value)
                items = syntax.sequence_items(value)
                if items is not None and len(items) == 2:
                    password = items[1]
                    secret = _credential_value(password)
                    if secret is not None and not _in_test_code(argument):
                        yield self._finding(document, password, secret, "is the password of `auth=`")
            elif syntax.is_in_call_arguments(argument):
                yield from self._password_option(
                    document, argument, keyword, value, f"is passed as `{keyword}=`"
                )
        for entry in entries:
            key, value = syntax.dict_entry_parts(entry)
            if key is not None and value is not None and syntax.is_call_option(entry):
                yield from self._password_option(
                    document, entry, key, value, f'is passed as the option "{key}"'
                )

    def _password_option(
        self, document: Document, node: Node, name: str, value: Node, how: str
    ) -> Iterable[Finding]:
        """A password keyword or option (``password="root"``, ``{"password": "root"}``) with a weak
        literal; ``node`` is the keyword argument or the dict entry."""
        if not (names_a_password(name) and web.is_secret_name(name)):
            return
        secret = _credential_value(value)
        # The secrets rules (LG104) report every value that is not a common word; the
        # common words ("root", "admin123") are the weak defaults this rule adds.
        if secret is not None and is_not_a_secret_value(secret) and not _in_test_code(node):
            yield self._finding(document, value, secret, how, name)

    def _finding(
        self, document: Document, literal: Node, secret: str, how: str, name: str | None = None
    ) -> Finding:
        return literal_credential_finding(
            RULE, document, document.node_span(literal), _content_span(document, literal), secret, how, name
        )


CHECK = HardcodedCredentialUseCheck()
