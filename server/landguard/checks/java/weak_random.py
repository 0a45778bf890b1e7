"""Weak randomness: java.util.Random or Math.random() for tokens, passwords and keys.

## What it does
Flags ``java.util.Random``, ``Math.random()``, ``ThreadLocalRandom`` and commons-lang's
``RandomStringUtils``/``RandomUtils`` when the value is for a secret, found two ways:

- by where the value goes, whatever the variables are called: the dataflow core follows the
  random value (sources of strength ``weak-random`` in ``data/models/java_random.toml``) through
  variables, arithmetic, ``toString``/``String.valueOf``/``String.format``/``Long.toHexString``,
  builders and same-file helpers to a place that needs a secret - a session or token cookie's
  value (``new Cookie("SESSION", v)``; a ``theme`` cookie is not), a key, IV, nonce or salt
  (``SecretKeySpec``, ``IvParameterSpec``, ``GCMParameterSpec``, ``PBEKeySpec``), a password being
  set or hashed (``PasswordAuthentication``, ``PasswordEncoder.encode``), a JWT HMAC key, a setter
  named for a secret (``setPassword``, ``setResetCode``, ``setApiKey``), a ``put``/``setAttribute``/
  ``setHeader`` under a secret-named key (``"otp"``, ``"X-Csrf-Token"``), a secret-named variable
  or field, or the return value of a method named for one (``generateToken()``); an array filled
  by ``rnd.nextBytes(iv)`` and then handed to such a sink counts too. It is reported where the
  random value is drawn, with high confidence;
- by name: a ``new Random()`` / ``Math.random()`` / ``ThreadLocalRandom.current()`` / use of a
  ``Random`` field in a method, variable or field named like a token, password, key, OTP, salt,
  nonce, session id, CSRF token, PIN or reset/verification code (medium confidence).

A ``Random`` variable or field that holds a ``SecureRandom`` is not weak; ``reset()`` of a
guessing game is no secret (``reset``, ``invite``, ``verification`` name one only with ``code``,
``link``, ``id`` ... after them).

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
The quick fix switches to ``java.security.SecureRandom`` where the generator is created in the
same method (adding its import when missing); ``SecureRandom`` extends ``Random``, so declared
types stay valid.

## References
- CWE-330: Use of Insufficiently Random Values (https://cwe.mitre.org/data/definitions/330.html)
- CWE-338: Use of Cryptographically Weak PRNG
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from tree_sitter import Node

from landguard.checks.java._support import (
    WEAK_RANDOM,
    JavaCheck,
    fields_initialised_with,
    file_analysis,
    method_scope,
    module_facts,
    one_shot,
)
from landguard.dataflow import ir
from landguard.dataflow.interpret import FunctionFacts, call_fact
from landguard.dataflow.shapes import walk
from landguard.dataflow.values import Label, Value
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule, RunKey
from landguard.fixes.java_fixes import replace_node
from landguard.languages import java as java_adapter
from landguard.languages.java_syntax import (
    accessed_field,
    assignment_target,
    call_args,
    call_name,
    call_object,
    created_type,
    creations,
    enclosing_method_name,
    import_edit,
    is_identifier,
    is_method_call,
    is_object_creation,
    is_statement_boundary,
    method_calls,
    node_text,
    simple_type,
    split_words,
    unwrap,
)
from landguard.languages.questions import Questions

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

_RANDOM_USES = Questions(
    new=creations(type_matching="^(java[.]util[.])?Random$"),
    static=method_calls(("random", "current"), receiver_named=("Math", "ThreadLocalRandom")),
    next=method_calls(
        name_matching="^next(Int|Long|Bytes|Double|Float|Boolean|Gaussian)$|^(ints|longs|doubles)$",
        with_receiver=True,
    ),
)
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
        "captcha",
        "credential",
        "credentials",
        "auth",
        "authorization",
    }
)
# Words that name a secret only with what follows: ``resetCode``, ``verificationLink`` - a game's
# ``reset()`` or an ``invite()`` method is no secret.
_QUALIFIERS = frozenset(
    {"reset", "verification", "verify", "activation", "invite", "confirmation", "sms", "magic"}
)
_QUALIFIED = frozenset({"code", "link", "id", "number", "url", "hash"})
SECRET = "secret"  # noqa: S105 - a sink kind (data/models/java_random.toml), not a password


def is_secret_name(name: str) -> bool:
    words = [word.rstrip("0123456789") for word in split_words(name)]  # token2 is a token
    if any(word in _SECRET_WORDS for word in words):
        return True
    return any(a in _QUALIFIERS and b in _QUALIFIED for a, b in zip(words, words[1:], strict=False))


_FIELD_NEEDLES: RunKey[tuple[bytes, ...]] = RunKey("LG4xx.random_field_needles")
_RANDOM_HELPERS: RunKey[frozenset[str]] = RunKey("java.random_helpers")


class WeakRandomCheck(JavaCheck):
    rule = RULE
    fixes_add_imports = True
    uses_dataflow = True  # the module context includes the same-file summaries
    kind = SECRET
    needles = (b"Random", b"random(")

    def unit_needles(self, document, context: CheckContext) -> tuple[bytes, ...]:
        # Uses of Random fields (``rnd.nextInt``) name the field, not the class; a helper returning
        # a random value (``newCode()``) names neither.

        def build() -> tuple[bytes, ...]:
            fields = [
                name
                for name, type_name in module_facts(document, context).field_types
                if type_name == "Random"
            ]
            helpers = sorted({name.rsplit(".", 1)[-1] for name in _random_helpers(document, context)})
            return (
                self.needles
                + tuple(f"{name}.".encode() for name in fields)
                + tuple(f"{name}(".encode() for name in helpers)
            )

        return context.cache.get(_FIELD_NEEDLES, None, build)

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        found = list(self._named(unit, document, context))
        yield from found
        reported = {(f.span.start_line, f.span.start_col) for f in found}
        yield from self._followed(unit, document, context, reported)

    def _followed(self, unit: Node, document, context: CheckContext, reported: set) -> Iterable[Finding]:
        """Random values followed by the dataflow core to a place that needs a secret."""
        analysis = file_analysis(document, context)
        scope = None
        for function in java_adapter.lower_unit(unit, document):
            facts = analysis.facts(function)
            for labels, destination, at in _destinations(facts, document):
                for label in labels:
                    origin = label.origin
                    inside = isinstance(origin, Node) and unit.start_byte <= origin.start_byte < unit.end_byte
                    where = origin if inside else at
                    if where is None:
                        continue
                    span = document.node_span(where)
                    if (span.start_line, span.start_col) in reported:
                        continue
                    if inside and scope is None:
                        scope = method_scope(unit, document, context)
                    if inside and (
                        _creation_reported(document, scope, origin, reported)
                        or _secure_generator(document, context, scope, origin)
                    ):
                        continue
                    reported.add((span.start_line, span.start_col))
                    fixes = self._origin_fixes(document, context, scope, origin) if inside else []
                    via = f" (through {', '.join(label.path)})" if label.path else ""
                    yield RULE.finding(
                        span,
                        f"{_source_words(label.source)} is predictable, but its value{via} {destination}; "
                        "use SecureRandom",
                        confidence=Confidence.HIGH,
                        fixes=fixes,
                    )

    def module_context_key(self, document, context: CheckContext) -> object:
        # Which Random fields are really SecureRandom is decided by their initializers, elsewhere.
        return (super().module_context_key(document, context), _secure_fields(document, context))

    def _origin_fixes(self, document, context: CheckContext, scope, origin: Node) -> list:
        """SecureRandom in place of the generator the random value came from, when it is here."""
        facts = module_facts(document, context)
        extra = import_edit(document, facts, "java.security.SecureRandom")
        if not is_method_call(origin):
            return []
        if call_name(document, origin) == "random" and node_text(document, call_object(origin)) == "Math":
            return [
                replace_node(document, origin, "new SecureRandom().nextDouble()", "Use SecureRandom", extra)
            ]
        generator = unwrap(call_object(origin))
        if generator is None:
            return []
        creation = _creation_of(document, scope, generator)
        if creation is None:
            return []
        return [replace_node(document, creation, "new SecureRandom()", "Use SecureRandom", extra)]

    def _named(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        """Random generators whose value goes to something named like a secret, in this unit."""
        facts = module_facts(document, context)
        field_types = facts.field_type_map
        reported: set[int] = set()
        for question, use, name in _RANDOM_USES.ask(unit, document):
            if question == "static":
                called = (node_text(document, call_object(use)), node_text(document, name))
                if called not in (("Math", "random"), ("ThreadLocalRandom", "current")):
                    continue
            elif question == "next":
                owner = call_object(use)
                # rnd.nextInt() on a Random *field* (its creation is another unit, so report the use).
                if (
                    not is_identifier(owner)
                    or simple_type(field_types.get(node_text(document, owner), "")) != "Random"
                    or node_text(document, owner) in _secure_fields(document, context)
                ):
                    continue
                # Judge the (cheap) name context first: the shadowing test builds the unit's scope.
                if not self._secret_context(document, use) or self._local_shadow(
                    document, unit, context, node_text(document, owner)
                ):
                    continue
            if use.start_byte in reported or (question != "next" and not self._secret_context(document, use)):
                continue
            reported.add(use.start_byte)
            yield RULE.finding(
                document.node_span(use),
                f"{self._describe(document, use)} is predictable; use SecureRandom for secret values",
                fixes=self._fixes(document, facts, use, question),
            )

    @staticmethod
    def _local_shadow(document, unit: Node, context: CheckContext, name: str) -> bool:
        """Whether ``name`` is a parameter or local of the unit (then it is not the Random field)."""
        return name in method_scope(unit, document, context).types

    @staticmethod
    def _describe(document, use: Node) -> str:
        if is_object_creation(use):
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
        while current is not None and not is_statement_boundary(current):
            target = assignment_target(current)
            if target is not None and is_secret_name(node_text(document, target).rsplit(".", 1)[-1]):
                return True
            if is_method_call(current) and call_name(document, current) in (
                "put",
                "setAttribute",
            ):
                if any(is_secret_name(node_text(document, arg).strip('"')) for arg in call_args(current)[:1]):
                    return True
            current = current.parent
        return False

    @staticmethod
    def _fixes(document, facts, use: Node, question: str) -> list:
        if question == "next":
            return []  # the Random field is declared in another unit
        extra = import_edit(document, facts, "java.security.SecureRandom")
        # Math.random() becomes a call; new Random() and ThreadLocalRandom.current() an instance.
        replacement = (
            "new SecureRandom().nextDouble()"
            if call_name(document, use) == "random"
            else "new SecureRandom()"
        )
        return [replace_node(document, use, replacement, "Use SecureRandom", extra)]


_SETTER = re.compile(r"^(?:set|with|put|add)([A-Z]\w*)$")
_KEYED = frozenset({"put", "setAttribute", "setHeader", "addHeader", "header", "addCookie", "setProperty"})
_TOKEN_COOKIE = re.compile(r"sess|sid|token|auth|remember|login|csrf|xsrf|key|secret|pass", re.I)


def _destinations(facts: FunctionFacts, document) -> Iterator[tuple[list[Label], str, Node | None]]:
    """(weak-random labels, words for where they went, node) for each place needing a secret."""
    for hit in facts.sink_hits(SECRET, (WEAK_RANDOM,)):
        if hit.call.node is None:
            continue
        fact = call_fact(facts, hit.call)
        if hit.call.method == "Cookie" and fact is not None:
            name = fact.argument(0)
            if name is not None and isinstance(name.const, str) and not _TOKEN_COOKIE.search(name.const):
                continue  # a theme or an A/B bucket: nothing to guess
        yield list(hit.labels), f"is passed to {hit.call.method}()", hit.call.node
    yield from _filled_arrays(facts)
    for fact in facts.calls:
        node = fact.call.node
        if node is None or fact.local:
            continue
        method = fact.call.method
        setter = _SETTER.match(method)
        if method in _KEYED and len(fact.args) >= 2:
            key = fact.args[0]
            if isinstance(key.const, str) and is_secret_name(key.const):
                labels = _weak(fact.args[1])
                if labels:
                    yield labels, f"is stored under {key.const!r}", node
        elif setter is not None and is_secret_name(setter.group(1)) and fact.args:
            labels = [label for value in fact.args for label in _weak(value)]
            if labels:
                yield labels, f"is passed to {method}()", node
    for statement in walk(facts.function.body):
        if isinstance(statement, ir.Assign) and isinstance(statement.target, ir.Name | ir.Attr):
            target = statement.target
            name = target.name
            if not is_secret_name(name):
                continue
            value = facts.values.get(getattr(statement.value, "node", None))
            labels = _weak(value) if value is not None else []
            if labels:
                yield labels, f"becomes {name}", getattr(target, "node", None) or statement.value.node
        elif isinstance(statement, ir.Return) and statement.value is not None:
            if not is_secret_name(facts.function.name):
                continue
            value = facts.values.get(getattr(statement.value, "node", None))
            labels = _weak(value) if value is not None else []
            if labels:
                yield labels, f"is returned by {facts.function.name}()", statement.value.node


_FILLERS = frozenset({"java.util.Random.nextBytes", "java.util.concurrent.ThreadLocalRandom.nextBytes"})


def _filled_arrays(facts: FunctionFacts) -> Iterator[tuple[list[Label], str, Node | None]]:
    """``rnd.nextBytes(iv); new IvParameterSpec(iv)``: the array is filled through the argument,
    which the core does not follow, so a secret sink reading the same variable is matched here."""
    filled: dict[str, ir.Call] = {}
    for fact in facts.calls:
        if fact.callee in _FILLERS and fact.call.args and isinstance(fact.call.args[0], ir.Name):
            filled.setdefault(fact.call.args[0].name, fact.call)
    if not filled:
        return
    for fact in facts.calls:
        for row in facts.models.sinks.match(fact.callee, None):
            if row.kind != SECRET:
                continue
            positions = row.get("args") or range(len(fact.call.args))
            for position in positions:
                arg = fact.call.args[position] if position < len(fact.call.args) else None
                filler = filled.get(arg.name) if isinstance(arg, ir.Name) else None
                if filler is not None and fact.call.node is not None:
                    label = Label(filler.callee or "java.util.Random.nextBytes", WEAK_RANDOM, filler.node)
                    yield [label], f"fills {arg.name}, passed to {fact.call.method}()", fact.call.node


def _weak(value: Value) -> list[Label]:
    return [label for label in value.labels_for(SECRET) if label.strength == WEAK_RANDOM]


def _source_words(source: str) -> str:
    parts = source.rsplit(".", 2)
    return ".".join(parts[-2:]) + "()" if len(parts) >= 2 else source


def _creation_of(document, scope, generator: Node) -> Node | None:
    """The ``new Random(...)`` a generator expression is, or a local of the unit was set to."""
    if is_object_creation(generator):
        return generator if created_type(document, generator) == "Random" else None
    if not is_identifier(generator) or scope is None:
        return None
    values = scope.values.get(node_text(document, generator), [])
    creations = [unwrap(value) for op, value in values if op == "="]
    if len(creations) != 1 or creations[0] is None:
        return None
    return creations[0] if created_type(document, creations[0]) == "Random" else None


_SECURE = re.compile(r"SecureRandom|getInstanceStrong|DRBG")


def _secure_fields(document, context: CheckContext) -> frozenset[str]:
    """Fields declared ``Random`` but set to a ``SecureRandom`` (``Random rnd = new SecureRandom()``)."""
    return fields_initialised_with(document, context, b"SecureRandom", _SECURE)


def _secure_generator(document, context: CheckContext, scope, origin: Node) -> bool:
    """The use's generator is a local or field holding a ``SecureRandom`` (its declared type says
    ``Random``, which is what the adapter names the call by)."""
    if not is_method_call(origin):
        return False
    generator = unwrap(call_object(origin))
    generator = accessed_field(generator) if generator is not None else None
    if not is_identifier(generator):
        return False
    name = node_text(document, generator)
    values = scope.values.get(name, []) if scope is not None else []
    if values:
        return all(_SECURE.search(node_text(document, value)) for _op, value in values)
    return name in _secure_fields(document, context)


def _creation_reported(document, scope, origin: Node, reported: set) -> bool:
    """The generator of this use was already reported where it is created (by its name)."""
    if not is_method_call(origin):
        return False
    generator = unwrap(call_object(origin))
    creation = _creation_of(document, scope, generator) if generator is not None else None
    if creation is None:
        return False
    span = document.node_span(creation)
    return (span.start_line, span.start_col) in reported


def _random_helpers(document, context: CheckContext) -> frozenset[str]:
    """Keys of same-file functions whose return value carries a weak random value. One whose IR
    names no weak random source, nor reaches one that does (``FileAnalysis.may_carry``), returns
    none: a one-shot run does not summarise it for this."""
    cached = context.cache.peek(_RANDOM_HELPERS)
    if cached is None:
        analysis = file_analysis(document, context)
        found = set()
        gate = one_shot(context)  # an editor's run keeps every summary in the store
        for name in analysis.called_keys():
            function = analysis.by_key[name]
            if gate and not analysis.may_carry(function, WEAK_RANDOM):
                continue
            summary = analysis.summary(function)
            if summary is not None and any(
                label.strength == WEAK_RANDOM for label in summary.returns.all_labels()
            ):
                found.add(name)
        cached = context.cache.put(_RANDOM_HELPERS, None, frozenset(found))
    return cached


CHECK = WeakRandomCheck()
