"""Weak randomness for secrets: the `random` module making tokens, passwords, keys or codes.

## What it does
Flags `random.random`, `randint`, `randrange`, `choice`, `choices`, `sample`, `getrandbits`,
`randbytes` and `uniform` when the value is for a secret: the variable, attribute, keyword or
dictionary key it goes into, or the function it is in, is named like a token, password, key,
salt, nonce, OTP/PIN, session id, CSRF or reset/verification code. A dice roll or a shuffled
playlist is not flagged.

It also follows the value, whatever its variables are called, through assignments, `str()`,
formatting, joins and same-file helpers (the dataflow core; the `random.*` sources have strength
`weak-random` in `data/models/python_random.toml`) to where a secret is needed (sinks of kind
`secret`): the value of a session or token cookie (`set_cookie`), a MAC, JWT or itsdangerous key
(`hmac.new`, `jwt.encode`, `URLSafeTimedSerializer`), a cipher key, IV or nonce (PyCryptodome,
`cryptography`), a password that is set or hashed (`user.set_password`, `make_password`,
`generate_password_hash`, `bcrypt.hashpw`), and a store into an attribute or key named like a
secret (`user.reset_code = ...`, `session["csrf_token"] = ...`, `app.config["SECRET_KEY"] = ...`).
A value passed through `int()` or `float()` is a number the core no longer follows: wrap the
result instead (`str(random.randint(...))`).

## Why is this bad?
`random` is a Mersenne Twister: fast and statistically fine, but predictable. After observing
624 outputs (or fewer, with a guessable seed) an attacker reconstructs its state and predicts
every "random" token, password-reset link or one-time code it will produce.

## Example
```python
reset_token = "".join(random.choice(string.ascii_letters) for _ in range(32))
otp = random.randint(100000, 999999)
```

## Use instead
```python
reset_token = secrets.token_urlsafe(32)
otp = secrets.randbelow(900000) + 100000
```
The quick fix swaps in the `secrets` equivalent — `secrets.choice`, `secrets.randbelow`,
`secrets.randbits`, `secrets.token_bytes`, a `secrets.choice` comprehension for `choices(..., k=n)`,
else the same method of `secrets.SystemRandom()` — adding `import secrets` when needed.

## References
- [CWE-338: Use of Cryptographically Weak PRNG](https://cwe.mitre.org/data/definitions/338.html)
- [CWE-330: Use of Insufficiently Random Values](https://cwe.mitre.org/data/definitions/330.html)
- Bandit B311; Ruff S311
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.checks.python._dispatch import CallRule
from landguard.dataflow.interpret import SinkHit
from landguard.dataflow.values import Label
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule, RunKey
from landguard.fixes.python_fixes import StatementEditor, line_statement, module_reference, parse_expression
from landguard.languages import python_syntax as syntax

if TYPE_CHECKING:
    import libcst as cst

RULE = Rule(
    id="LG207",
    name="weak-randomness",
    title="Predictable random numbers used for a secret",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(338, 330),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B311", "S311"),
)

_FUNCTIONS = frozenset(
    {"random", "randint", "randrange", "choice", "choices", "sample", "getrandbits", "randbytes", "uniform"}
)
_SECRET_NAME = re.compile(
    r"token|passw|pwd|secret|(?:^|[_.])otp(?:$|[_.s])|nonce|salt|session_?id|sessionid|csrf|xsrf|"
    r"reset_?(?:code|link|key|id)|verif\w*_?code|auth(?!or)|invite|one_?time|magic_?link|activation|"
    r"confirm\w*_?code|(?:api|secret|private|signing|encryption|access|aes|hmac|master)_?key|"
    r"sms_?code|(?:^|\.)(?:pin|key|code|iv)$",
    re.I,
)


# The strength of the `random.*` sources and the sink kind of the places that need a secret.
WEAK_RANDOM = "weak-random"
SECRET_KIND = "secret"  # noqa: S105 - a sink kind, not a password
_IMPORTS_RANDOM: RunKey[bool] = RunKey("python.weak_randomness.imports_random")


def _secret_purpose(call: Node, unit: Node) -> str | None:
    """The secret-like name the call's value goes into (variable, keyword, key, function)."""
    return next((n for n in syntax.context_names(call, unit) if _SECRET_NAME.search(n)), None)


def _imports_random(document: Document, context: CheckContext) -> bool:
    """Whether the module imports ``random`` or a name from it (once per run, not per unit)."""
    imports = py.module_imports(document, context)
    return any(q == "random" or q.startswith("random.") for q in imports.values())


class WeakRandomnessCheck(CallRule):
    rule = RULE
    callee_names = _FUNCTIONS

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        module, _, function = name.rpartition(".")
        if module != "random" or function not in _FUNCTIONS:
            return
        purpose = _secret_purpose(call, unit)
        if purpose is None:
            return
        fixes = []
        fix = _secrets_fix(call, function, document, py.scope_imports(call, document, context))
        if fix is not None:
            fixes.append(fix)
        yield RULE.finding(
            document.node_span(call),
            f"`random.{function}` is predictable but makes `{purpose}`, which looks like a secret; "
            "use the `secrets` module",
            confidence=Confidence.MEDIUM,
            fixes=fixes,
        )

    def applies_to_document(self, document: Document, context: CheckContext) -> bool:
        return context.cache.get(_IMPORTS_RANDOM, None, lambda: _imports_random(document, context))

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        """Random values that reach a place needing a secret, whatever the variables are called."""
        if not self.applies_to_document(document, context):
            return  # no `random` in this file: no weak-random source (helpers are same-file)
        dataflow = py.python_dataflow(unit, context)
        reported: set[int] = set()
        for facts in dataflow.facts_carrying(unit, WEAK_RANDOM):
            for hit in facts.sink_hits(SECRET_KIND, strengths=(WEAK_RANDOM,)):
                destination = _sink_destination(hit)
                if destination is not None and hit.call.node is not None:
                    yield from self._report(
                        hit.labels, destination, hit.call.node, unit, document, context, reported
                    )
            for store in facts.stores:
                if store.target.node is None:
                    continue
                key = store.key.const if store.key is not None and store.key.is_const else None
                where = store.name if store.name is not None else key if isinstance(key, str) else None
                if where is None or not _SECRET_NAME.search(where):
                    continue
                labels = [
                    label for label in store.value.labels_for(SECRET_KIND) if label.strength == WEAK_RANDOM
                ]
                if labels:
                    destination = f"is stored in `{syntax.text(store.target.node)}`"
                    yield from self._report(
                        labels, destination, store.target.node, unit, document, context, reported
                    )

    def _report(
        self,
        labels: Iterable[Label],
        destination: str,
        at: Node,
        unit: Node,
        document: Document,
        context: CheckContext,
        reported: set[int],
    ) -> Iterable[Finding]:
        for label in labels:
            origin = label.origin
            function = label.source.rsplit(".", 1)[-1]
            inside = isinstance(origin, Node) and unit.start_byte <= origin.start_byte < unit.end_byte
            if inside and syntax.is_call(origin) and _secret_purpose(origin, unit) is not None:
                continue  # already reported by its name (check_call)
            where = origin if inside and syntax.is_call(origin) else at
            if where.id in reported:
                continue
            reported.add(where.id)
            fixes = []
            if where is origin:
                fix = _secrets_fix(origin, function, document, py.scope_imports(origin, document, context))
                if fix is not None:
                    fixes.append(fix)
            via = f" (through {', '.join(f'`{name}`' for name in label.path)})" if label.path else ""
            yield RULE.finding(
                document.node_span(where),
                f"`random.{function}` is predictable, but its value{via} {destination}, which needs a "
                "secret; use the `secrets` module",
                confidence=Confidence.HIGH,
                fixes=fixes,
            )


def _sink_destination(hit: SinkHit) -> str | None:
    """Words for where the value went; None for a cookie whose name says it is no credential."""
    call = hit.call.node
    sink = hit.sink.name or hit.sink.method
    if hit.sink.method in web.COOKIE_SETTERS:
        name_node = syntax.argument(call, 0, "key") if call is not None else None
        name = syntax.literal_string_value(name_node) if name_node is not None else None
        if name is not None and web.sensitive_cookie_call(call) is None:
            return None  # a theme or an A/B bucket: nothing to guess
        return f"becomes the value of cookie `{name}`" if name else "becomes a cookie's value"
    return f"is passed to `{sink}`"


def _replacement(call: Node, function: str, secrets_name: str, editor: StatementEditor, target: cst.Call):
    """Code of the `secrets` equivalent of ``target``, or None when there is none."""
    if any(a.star for a in target.args):
        return None
    positional = [a for a in target.args if a.keyword is None]
    keywords = {a.keyword.value: a for a in target.args if a.keyword is not None}
    code = editor.code

    def arg_code(arg: cst.Arg) -> str:
        return code(arg.value)

    if function == "choice" and len(positional) == 1 and not keywords:
        return target.with_changes(func=parse_expression(f"{secrets_name}.choice"))
    if function == "randrange" and len(positional) == 1 and not keywords:
        return parse_expression(f"{secrets_name}.randbelow({arg_code(positional[0])})")
    if function == "getrandbits" and len(positional) == 1 and not keywords:
        return parse_expression(f"{secrets_name}.randbits({arg_code(positional[0])})")
    if function == "randbytes" and len(positional) == 1 and not keywords:
        return parse_expression(f"{secrets_name}.token_bytes({arg_code(positional[0])})")
    if function == "randint" and len(positional) == 2 and not keywords:
        low, high = syntax.int_value(_child_arg(call, 0)), syntax.int_value(_child_arg(call, 1))
        if low is None or high is None or high < low:
            return target.with_changes(func=parse_expression(f"{secrets_name}.SystemRandom().randint"))
        expression = f"{secrets_name}.randbelow({high - low + 1})"
        if low:
            expression = f"{expression} + {low}"
            if not syntax.holds_whole_expression(call.parent):
                expression = f"({expression})"  # `2 * randint(...)` must stay one operand
        return parse_expression(expression)
    if function == "choices" and len(positional) == 1 and set(keywords) == {"k"}:
        return parse_expression(
            f"[{secrets_name}.choice({arg_code(positional[0])}) for _ in range({arg_code(keywords['k'])})]"
        )
    # Everything else: the same method of the OS-backed generator (same signature, same meaning).
    return target.with_changes(func=parse_expression(f"{secrets_name}.SystemRandom().{function}"))


def _child_arg(call: Node, index: int) -> Node | None:
    positional = syntax.positional_args(call)
    return positional[index] if index < len(positional) else None


def _secrets_fix(call: Node, function: str, document: Document, imports: dict[str, str]) -> Fix | None:
    import libcst as cst

    editor = StatementEditor.for_node(document, call)
    target = editor.locate(call, cst.Call) if editor else None
    if editor is None or target is None:
        return None
    statement = line_statement(call)
    reference = module_reference(document, imports, "secrets", statement) if statement else None
    if reference is None:
        return None
    local, import_edit = reference
    replacement = _replacement(call, function, local, editor, target)
    if replacement is None:
        return None
    editor.replace(target, replacement)
    edit = editor.text_edit()
    if edit is None:
        return None
    edits = (import_edit, edit) if import_edit else (edit,)
    return Fix("Use the secrets module", edits=edits, preferred=True)


CHECK = WeakRandomnessCheck()
