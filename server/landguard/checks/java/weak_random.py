"""Weak randomness: java.util.Random or Math.random() for tokens, passwords and keys.

## What it does
Flags ``new Random()``, ``Math.random()``, ``ThreadLocalRandom.current()`` and calls on a
``Random`` field when the value feeds something secret: the method, the variable or the field
it goes to is named like a token, password, key, OTP, salt, nonce, session id, CSRF token,
PIN or reset/verification code.

## Why is this bad?
``java.util.Random`` is a 48-bit linear congruential generator: after seeing a couple of
outputs an attacker can compute every past and future value, and so predict the next reset
token or session id. ``Math.random()`` and ``ThreadLocalRandom`` are no better for secrets.

## Example
```java
String token = Long.toHexString(new Random().nextLong());
```

## Use instead
```java
String token = Long.toHexString(new SecureRandom().nextLong());
```
The quick fix switches to ``java.security.SecureRandom`` (adding its import when missing);
``SecureRandom`` extends ``Random``, so declared types stay valid.

## References
- CWE-330: Use of Insufficiently Random Values (https://cwe.mitre.org/data/definitions/330.html)
- CWE-338: Use of Cryptographically Weak PRNG
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import JavaCheck, method_scope, module_facts
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule, RunKey
from landguard.fixes.java_fixes import replace_node
from landguard.languages.java_syntax import (
    call_args,
    call_name,
    call_object,
    enclosing_method_name,
    import_edit,
    matches,
    node_text,
    simple_type,
    split_words,
)

RULE = Rule(
    id="LG403",
    name="weak-random",
    title="Predictable random values for secrets",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(330,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.PREDICTABLE_RANDOM",),
)

_RANDOM_USES = """
(object_creation_expression type: (_) @type (#match? @type "^(java[.]util[.])?Random$")) @new
(method_invocation object: (identifier) @owner name: (identifier) @m
  (#any-of? @owner "Math" "ThreadLocalRandom") (#any-of? @m "random" "current")) @static
(method_invocation object: (_) @owner name: (identifier) @m
  (#match? @m "^next(Int|Long|Bytes|Double|Float|Boolean|Gaussian)$|^(ints|longs|doubles)$")) @next
"""
_SECRET_WORDS = frozenset(
    {
        "token",
        "tokens",
        "password",
        "passwd",
        "pwd",
        "secret",
        "key",
        "apikey",
        "otp",
        "salt",
        "nonce",
        "session",
        "sessionid",
        "sid",
        "csrf",
        "xsrf",
        "pin",
        "iv",
        "verification",
        "reset",
        "captcha",
        "credential",
        "credentials",
        "auth",
        "activation",
        "invite",
    }
)
_ASSIGNMENT_PARENTS = frozenset({"variable_declarator", "assignment_expression"})


def is_secret_name(name: str) -> bool:
    return any(word in _SECRET_WORDS for word in split_words(name))


_FIELD_NEEDLES: RunKey[tuple[bytes, ...]] = RunKey("LG4xx.random_field_needles")


class WeakRandomCheck(JavaCheck):
    rule = RULE
    fixes_add_imports = True
    needles = (b"Random", b"random(")

    def unit_needles(self, document, context: CheckContext) -> tuple[bytes, ...]:
        # Uses of Random fields (``rnd.nextInt``) name the field, not the class.

        def build() -> tuple[bytes, ...]:
            fields = [
                name
                for name, type_name in module_facts(document, context).field_types
                if type_name == "Random"
            ]
            return self.needles + tuple(f"{name}.".encode() for name in fields)

        return context.cache.get(_FIELD_NEEDLES, None, build)

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        facts = module_facts(document, context)
        field_types = facts.field_type_map
        reported: set[int] = set()
        for pattern, captures in matches(_RANDOM_USES, unit):
            if pattern == 0:
                use = captures["new"][0]
            elif pattern == 1:
                use = captures["static"][0]
                called = (node_text(document, captures["owner"][0]), call_name(document, use))
                if called not in (("Math", "random"), ("ThreadLocalRandom", "current")):
                    continue
            else:
                call = captures["next"][0]
                owner = captures["owner"][0]
                # rnd.nextInt() on a Random *field* (its creation is another unit, so report the use).
                if owner.type != "identifier" or simple_type(
                    field_types.get(node_text(document, owner), "")
                ) != ("Random"):
                    continue
                # Judge the (cheap) name context first: the shadowing test builds the unit's scope.
                if not self._secret_context(document, call) or self._local_shadow(
                    document, unit, context, node_text(document, owner)
                ):
                    continue
                use = call
            if use.start_byte in reported or (pattern != 2 and not self._secret_context(document, use)):
                continue
            reported.add(use.start_byte)
            yield RULE.finding(
                document.node_span(use),
                f"{self._describe(document, use)} is predictable; use SecureRandom for secret values",
                fixes=self._fixes(document, facts, use, pattern),
            )

    @staticmethod
    def _local_shadow(document, unit: Node, context: CheckContext, name: str) -> bool:
        """Whether ``name`` is a parameter or local of the unit (then it is not the Random field)."""
        return name in method_scope(unit, document, context).types

    @staticmethod
    def _describe(document, use: Node) -> str:
        if use.type == "object_creation_expression":
            return "java.util.Random"
        if call_name(document, use) == "random":
            return "Math.random()"
        if call_name(document, use) == "current":
            return "ThreadLocalRandom"
        return f"java.util.Random ({node_text(document, call_object(use))})"

    @staticmethod
    def _secret_context(document, use: Node) -> bool:
        """Whether the enclosing method, or the variable/field the value flows into, names a secret."""
        if is_secret_name(enclosing_method_name(document, use)):
            return True
        current = use.parent
        while current is not None and current.type not in (
            "block",
            "class_body",
            "method_declaration",
            "constructor_declaration",
        ):
            if current.type in _ASSIGNMENT_PARENTS:
                target = current.child_by_field_name(
                    "name" if current.type == "variable_declarator" else "left"
                )
                if target is not None and is_secret_name(node_text(document, target).rsplit(".", 1)[-1]):
                    return True
            if current.type == "method_invocation" and call_name(document, current) in (
                "put",
                "setAttribute",
            ):
                if any(is_secret_name(node_text(document, arg).strip('"')) for arg in call_args(current)[:1]):
                    return True
            current = current.parent
        return False

    @staticmethod
    def _fixes(document, facts, use: Node, pattern: int) -> list:
        if pattern == 2:
            return []  # the Random field is declared in another unit
        extra = import_edit(document, facts, "java.security.SecureRandom")
        # Math.random() becomes a call; new Random() and ThreadLocalRandom.current() an instance.
        replacement = (
            "new SecureRandom().nextDouble()"
            if call_name(document, use) == "random"
            else "new SecureRandom()"
        )
        return [replace_node(document, use, replacement, "Use SecureRandom", extra)]


CHECK = WeakRandomCheck()
