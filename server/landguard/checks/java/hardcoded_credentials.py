"""Hardcoded credentials handed to an API or compared with a literal.

## What it does
Flags a string literal (or ``"...".toCharArray()``/``.getBytes()``) passed where an API takes a
password, key or secret - ``DriverManager.getConnection(url, user, "…")``,
``dataSource.getConnection(user, "…")``, ``new PasswordAuthentication(user, "…".toCharArray())``,
``new PBEKeySpec("…".toCharArray(), …)``, ``keyStore.load(in, "…".toCharArray())``,
``KeyManagerFactory.init(ks, "…")``, ``new KeyStore.PasswordProtection(…)``,
``new SecretKeySpec("…".getBytes(), …)``, HttpClient's ``UsernamePasswordCredentials``,
JWT ``Algorithm.HMAC256("…")``, setters named for a secret (``setPassword("…")``,
``setClientSecret``), options set by a name that says secret (``props.setProperty("mail.smtp.password", "…")``,
``config.put("hibernate.connection.password", "…")``) - and a password compared with a literal (``password.equals("admin")``,
``"admin".equals(pwd)``, ``Objects.equals(user.getPassword(), "…")``, ``==``). Literals assigned
to secret-named variables are LG104's. Empty strings and placeholders (``${DB_PASSWORD}``,
``<password>``, ``changeme``) are not reported.

## Why is this bad?
Everyone who can read the code or its history, or unpack the jar, has the credential; it is
the same in every environment and cannot be rotated without a release. A comparison with a
literal is a backdoor password that works on every installation.

## Example
```java
Connection conn = DriverManager.getConnection(URL, "app", "s3cr…");
if (password.equals("adm…")) { grantAdmin(); }
```

## Use instead
```java
Connection conn = DriverManager.getConnection(URL, "app", System.getenv("DB_PASSWORD"));
```
Compare against a stored salted hash (``passwordEncoder.matches(password, user.getHash())``).
The quick fix (applied only with ``--unsafe-fixes``: the variable must then be set) reads the
value from an environment variable.

## References
- CWE-798: Use of Hard-coded Credentials (https://cwe.mitre.org/data/definitions/798.html)
- CWE-259: Use of Hard-coded Password (https://cwe.mitre.org/data/definitions/259.html)
- CWE-321: Use of Hard-coded Cryptographic Key
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import JavaCheck, method_scope
from landguard.checks.secrets.heuristics import classify_name, names_a_password
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit, mask_secret
from landguard.engine.registry import CheckContext, Rule
from landguard.languages.java_syntax import (
    accessed_field,
    argument_list,
    call_args,
    call_name,
    call_object,
    creations,
    equality_tests,
    is_field_access,
    is_identifier,
    is_method_call,
    is_qualified_name,
    method_calls,
    node_text,
    sides,
    simple_type,
    string_literal_value,
    unwrap,
)
from landguard.languages.questions import Questions

RULE = Rule(
    id="LG418",
    name="hardcoded-credentials",
    title="Hardcoded password or key passed to an API or compared",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(798, 259),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.HARD_CODE_PASSWORD", "find_sec_bugs.HARD_CODE_KEY"),
)

_CALLS = Questions(call=method_calls(), new=creations(), compare=equality_tests())


# (receiver's simple type or None for any, method, argument count or None, password position, what, env var)
_METHODS: tuple[tuple[str | None, str, int | None, int, str, str], ...] = (
    ("DriverManager", "getConnection", 3, 2, "database password", "DB_PASSWORD"),
    (None, "getConnection", 2, 1, "database password", "DB_PASSWORD"),
    ("KeyStore", "load", 2, 1, "keystore password", "KEYSTORE_PASSWORD"),
    ("KeyStore", "getKey", 2, 1, "key password", "KEY_PASSWORD"),
    ("KeyStore", "store", 2, 1, "keystore password", "KEYSTORE_PASSWORD"),
    ("KeyManagerFactory", "init", 2, 1, "key password", "KEY_PASSWORD"),
    ("Algorithm", "HMAC256", 1, 0, "JWT signing secret", "JWT_SECRET"),
    ("Algorithm", "HMAC384", 1, 0, "JWT signing secret", "JWT_SECRET"),
    ("Algorithm", "HMAC512", 1, 0, "JWT signing secret", "JWT_SECRET"),
)
# (simple type created, password position, what, env var)
_CONSTRUCTORS: dict[str, tuple[int, str, str]] = {
    "PasswordAuthentication": (1, "password", "PASSWORD"),
    "PBEKeySpec": (0, "password", "PASSWORD"),
    "PasswordProtection": (0, "keystore password", "KEYSTORE_PASSWORD"),
    "SecretKeySpec": (0, "cryptographic key", "SECRET_KEY"),
    "UsernamePasswordCredentials": (1, "password", "PASSWORD"),
}
_SETTER = re.compile(r"^set([A-Z]\w*)$")
# Options set by name on a Properties/Map/config object: the key names what the value is.
_PROPERTY_SETTERS = frozenset({"setProperty", "put"})
_COMPARISONS = frozenset({"equals", "equalsIgnoreCase", "contentEquals"})
_PLACEHOLDER = re.compile(
    r"^\s*$|\$\{|\{\{|^<.*>$|changeme|change_me|your[-_ ]?(?:password|secret|key)|example|placeholder|x{4,}|\*{3,}",
    re.I,
)
_ENV_NAME = re.compile(r"[^A-Z0-9]+")


class HardcodedCredentialsCheck(JavaCheck):
    rule = RULE
    needles = (b'"',)
    also_needles = (
        b"getConnection",
        b"Password",
        b"password",
        b"KeyStore",
        b"KeyManagerFactory",
        b"KeySpec",
        b"HMAC",
        b"Secret",
        b"secret",
        b"ApiKey",
        b"Pwd",
        b"pwd",
        b"passwd",
    )

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        for question, node, name in _CALLS.ask(unit, document):
            if question == "call":
                yield from self._call(unit, document, context, node)
            elif question == "new":
                yield from self._creation(document, node, name)
            else:
                yield from self._operator(document, node)

    def _call(self, unit: Node, document, context: CheckContext, call: Node) -> Iterable[Finding]:
        method = call_name(document, call)
        args = call_args(call)
        if method in _COMPARISONS and len(args) == 1:
            yield from self._compared(document, call, call_object(call), args[0])
            return
        if method == "equals" and len(args) == 2 and node_text(document, call_object(call)) == "Objects":
            yield from self._compared(document, call, args[0], args[1])
            return
        if method in _PROPERTY_SETTERS and len(args) == 2:
            # props.setProperty("mail.smtp.password", "…"), config.put("hibernate.connection.password", "…")
            key = string_literal_value(document, args[0])
            name = key.rsplit(".", 1)[-1] if key else ""
            if name and classify_name(name) == "secret":
                yield from self._passed(document, args[1], _words(name), _env(name))
            return
        setter = _SETTER.match(method)
        if setter is not None and len(args) == 1 and classify_name(setter.group(1)) == "secret":
            name = setter.group(1)
            yield from self._passed(document, args[0], _words(name), _env(name))
            return
        owner = unwrap(call_object(call))
        for wanted_owner, wanted, count, position, what, env in _METHODS:
            if method != wanted or (count is not None and len(args) != count):
                continue
            if wanted_owner is not None and not self._owned_by(unit, document, context, owner, wanted_owner):
                continue
            yield from self._passed(document, args[position], what, env)
            return

    @staticmethod
    def _owned_by(unit: Node, document, context: CheckContext, owner: Node | None, wanted: str) -> bool:
        """Whether the receiver is the class itself or a variable/field declared of that type."""
        if owner is None:
            return False
        text = node_text(document, owner)
        if (is_identifier(owner) or is_qualified_name(owner) or is_field_access(owner)) and simple_type(
            text
        ) == wanted:
            return True
        if is_identifier(owner):
            return method_scope(unit, document, context).type_of(text) == wanted
        return False

    def _creation(self, document, creation: Node, type_node: Node) -> Iterable[Finding]:
        known = _CONSTRUCTORS.get(simple_type(node_text(document, type_node)))
        if known is None:
            return
        position, what, env = known
        args = call_args(creation)
        if position < len(args):
            yield from self._passed(document, args[position], what, env)

    def _passed(self, document, argument: Node, what: str, env: str) -> Iterable[Finding]:
        literal, conversion = _literal(document, argument)
        if literal is None or _PLACEHOLDER.search(literal[1]):
            return
        node, value = literal
        replacement = f'System.getenv("{env}"){conversion}'
        fix = Fix(
            f"Read the {what} from ${env}",
            (TextEdit(document.node_span(argument), replacement),),
            preferred=True,
            unsafe=True,
        )
        yield RULE.finding(
            document.node_span(node),
            f"Hardcoded {what} ({mask_secret(value)}) is passed to the API; read it from the environment or a secret store",
            fixes=[fix],
        )

    def _compared(self, document, at: Node, left: Node | None, right: Node | None) -> Iterable[Finding]:
        for named, other in ((left, right), (right, left)):
            value = string_literal_value(document, other)
            if value is None or _PLACEHOLDER.search(value) or not _names_password(document, named):
                continue
            yield RULE.finding(
                document.node_span(at),
                f"A password is compared with a hardcoded value ({mask_secret(value)}); compare a salted "
                "hash of it with the stored one",
            )
            return

    def _operator(self, document, compare: Node) -> Iterable[Finding]:
        yield from self._compared(document, compare, *sides(compare))


def _literal(document, argument: Node) -> tuple[tuple[Node, str] | None, str]:
    """The string literal an argument is (with ``.toCharArray()``/``.getBytes(...)`` kept as the
    conversion to re-apply), or None."""
    argument = unwrap(argument)
    if argument is None:
        return None, ""
    value = string_literal_value(document, argument)
    if value is not None:
        return (argument, value), ""
    if is_method_call(argument) and call_name(document, argument) in ("toCharArray", "getBytes"):
        inner = unwrap(call_object(argument))
        value = string_literal_value(document, inner)
        if value is not None and inner is not None:
            arguments = node_text(document, argument_list(argument))
            return (inner, value), f".{call_name(document, argument)}{arguments}"
    return None, ""


def _names_password(document, node: Node | None) -> bool:
    """An identifier, field or getter named for a password (``password``, ``user.getPassword()``)."""
    node = unwrap(node)
    if node is None:
        return False
    if is_identifier(node):
        name = node_text(document, node)
    elif is_field_access(node):
        name = node_text(document, accessed_field(node))
    elif is_method_call(node) and not call_args(node):
        name = call_name(document, node)
    else:
        return False
    return names_a_password(name) and classify_name(name) == "secret"


def _words(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name).lower()


def _env(name: str) -> str:
    return _ENV_NAME.sub("_", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).upper()).strip("_")


CHECK = HardcodedCredentialsCheck()
