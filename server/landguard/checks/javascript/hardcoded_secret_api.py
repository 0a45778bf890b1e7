"""## What it does
Finds a constant string handed to an API as its secret key: `jwt.sign(payload, "…")` and
`jwt.verify(token, "…")` (jsonwebtoken), `crypto.createHmac(alg, "…")`, the key of
`createCipheriv` / `createDecipheriv`, `express-session({ secret: "…" })`, `cookie-session`,
`cookieParser("…")`, `express-jwt` / `koa-jwt` `{ secret: "…" }` and passport-jwt's
`secretOrKey`; and the password given to a database driver (`mysql` / `mysql2`
`createConnection` / `createPool`, `pg`'s `new Client` / `new Pool` `{ password: "…" }`,
`new Sequelize(db, user, "…")`), also in nested connection and transport options (knex
`knex({ connection: { password } })`, nodemailer `createTransport({ auth: { user, pass } })`,
`new MongoClient(url, { auth: { password } })`, mongoose `{ pass }`, ioredis / node-redis,
mssql, tedious `authentication.options.password`, TypeORM `new DataSource({ password })`)
where the secrets rules (LG104), which skip common words and a bare `pass`, do not already
report it (`password: 'root'`, `'admin123'`). The constant is followed through variables and module constants
(`const SECRET = "…"; jwt.sign(p, SECRET)`) and options objects (also built up property by
property in a function, or a top-level `const config = { connection: { … } }` handed over by name); a
value read from the environment or a secret store — or a fallback to one
(`process.env.JWT_SECRET || …`, whose value the code cannot know) — is not reported. Messages
show the value masked. The APIs are rows of `data/models/javascript.toml` (`kind = "secret-key"` and `"password"`).

## Why is this bad?
Whoever has the code has the key: they can sign their own session cookies and JWTs (log in as
anyone, as an administrator), forge HMACs and decrypt the data. The key is the same in every
installation and changing it needs a release; it also sits in the repository's history for good.

## Example
```js
app.use(session({ secret: 'keyboard cat', resave: false }));
const token = jwt.sign({ sub: user.id }, 'my-jwt-secret');
const db = knex({ client: 'pg', connection: { user: 'app', password: 'admin123' } });
```

## Use instead
```js
app.use(session({ secret: process.env.SESSION_SECRET, resave: false }));
const token = jwt.sign({ sub: user.id }, process.env.JWT_SECRET);
```
The same goes for `createConnection({ password: process.env.DB_PASSWORD })` and
`knex({ client: 'pg', connection: { password: process.env.DB_PASSWORD } })`.
The quick fix (applied only with `--unsafe-fixes`: the variable must then be set wherever the
program runs) replaces a literal written at the call with `process.env.NAME`.

## References
- CWE-798: Use of Hard-coded Credentials, https://cwe.mitre.org/data/definitions/798.html
- CWE-321: Use of Hard-coded Cryptographic Key, https://cwe.mitre.org/data/definitions/321.html
- CWE-259: Use of Hard-coded Password, https://cwe.mitre.org/data/definitions/259.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.checks.secrets.heuristics import classify_name, is_not_a_secret_value
from landguard.dataflow import ir, shapes
from landguard.dataflow.interpret import option_entry, sink_applies
from landguard.dataflow.values import Value
from landguard.engine.findings import Confidence, Finding, Severity, mask_secret
from landguard.engine.registry import Rule, RunKey
from landguard.fixes.secrets import env_lookup_fix
from landguard.languages import javascript_syntax as syntax

RULE = Rule(
    id="LG320",
    name="hardcoded-api-secret",
    title="Constant string used as a signing, session or encryption key, or a database password",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(798, 321, 259),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
KINDS = frozenset({"secret-key", "password"})
# Not a key: empty, masks and templates left for the reader to fill in.
_NOT_A_VALUE = re.compile(r"^[*x.#?\-_ ]*$|^<.*>$|\$\{|\{\{|%\(", re.I)
# Passwords people write as instructions rather than values (as LG237 reads them).
_NOT_A_PASSWORD = re.compile(
    r"[<>]|your[_\- ]|example|dummy|placeholder|changeme|redacted|\bfake\b|sample", re.I
)
# The environment variable the fix reads, by API.
_ENV_NAMES = {
    "jsonwebtoken.sign": "JWT_SECRET",
    "jsonwebtoken.verify": "JWT_SECRET",
    "crypto.createHmac": "HMAC_KEY",
    "crypto.createCipheriv": "ENCRYPTION_KEY",
    "crypto.createDecipheriv": "ENCRYPTION_KEY",
    "express-session": "SESSION_SECRET",
    "cookie-session": "SESSION_SECRET",
    "cookie-parser": "COOKIE_SECRET",
    "express-jwt": "JWT_SECRET",
    "express-jwt.expressjwt": "JWT_SECRET",
    "koa-jwt": "JWT_SECRET",
    "passport-jwt.Strategy": "JWT_SECRET",
}
_DEFAULT_ENV = {"secret-key": "APP_SECRET", "password": "DB_PASSWORD"}


class HardcodedSecretKey(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.FACTS})

    def module_context_key(self, document, context) -> object:
        # An options object may be a top-level constant of another unit (`knex(config)`).
        objects = _module_objects(document, context)
        return tuple((name, js.text(document, node)) for name, node in objects.items()) or None

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        for facts in flow.unit_facts(node, document, context):
            for fact in facts.calls:
                if fact.local or fact.call.node is None:
                    continue
                for row in facts.models.sinks.match(fact.callee, fact.call.method):
                    if row.kind not in KINDS:
                        continue
                    if row.get("when_option") is None and not sink_applies(row, fact):
                        continue  # (an option row: _finding reads the option, also from a module constant)
                    finding = _finding(document, context, facts, fact, row)
                    if finding is not None:
                        yield finding
                        break  # one finding per call (a driver has rows for each way to pass it)


def _finding(document, context, facts, fact, row) -> Finding | None:
    position = (row.get("args") or [0])[0]
    option = row.get("when_option")
    value = fact.argument(position)
    literal = None
    if option is not None:
        holder = value
        value = option_entry(holder, option[1])
        if value is None and (holder is None or holder.entries is None):
            literal = _module_object_literal(document, context, facts, fact.call, position, option[1])
            value = Value(const=js.string_value(document, literal)) if literal is not None else None
    if value is None or not value.is_const or not isinstance(value.const, str):
        return None
    secret = value.const
    if not secret.strip() or _NOT_A_VALUE.search(secret):
        return None
    password = row.kind == "password"
    if password and (len(secret.strip()) < 3 or _NOT_A_PASSWORD.search(secret)):
        return None
    if (
        password
        and option is not None
        and classify_name(option[1].rsplit(".", 1)[-1]) == "secret"
        and not is_not_a_secret_value(secret)
    ):
        return None  # a `password:` option the secrets rules (LG104) report already (not a bare `pass:`)
    call = fact.call.node
    if literal is None:
        literal = _literal_at_call(document, call, position, option[1] if option else None)
    fixes = []
    content = syntax.string_content(literal)
    if content is not None:
        env_name = _ENV_NAMES.get(fact.callee, _DEFAULT_ENV[row.kind])
        fix = env_lookup_fix(document, document.node_span(content), env_name)
        if fix is not None:
            fixes.append(fix)
    if password:
        where, can = f"the password of {fact.callee}()", "log in with it"
    else:
        where = f"the `{option[1]}` of {fact.callee}()" if option else f"the key of {fact.callee}()"
        can = "sign or decrypt with it"
    return RULE.finding(
        document.node_span(literal if literal is not None else call),
        f"the constant {mask_secret(secret)} is {where}: everyone with the code can {can}; "
        "read it from the environment or a secret store",
        fixes=fixes,
        severity=Severity.WARNING if password else None,
    )


def _literal_at_call(document, call, position: int, option: str | None):
    """The string literal written at the call for the secret, if it is written there (also
    inside nested option objects: ``{ auth: { pass: "…" } }``)."""
    args = js.arguments_of(call)
    if position >= len(args):
        return None
    argument = args[position]
    for key in option.split(".") if option is not None else ():
        argument = syntax.object_property(document, argument, key)
    return syntax.string_literal(argument)


_MODULE_OBJECTS: RunKey[dict] = RunKey("js.lg320.module_objects")


def _module_objects(document, context) -> dict:
    """Top-level constant objects that may hold a password option (their text names one)."""
    return context.cache.get(
        _MODULE_OBJECTS, id(document.tree), lambda: syntax.top_level_const_objects(document, b"pass")
    )


def _module_object_literal(document, context, facts, call, position: int, option: str):
    """The string literal for ``option`` in a top-level ``const config = { ... }`` the call is
    given by name (``knex(config)``) where the function does not bind that name itself."""
    argument = call.args[position] if position < len(call.args) else None
    if not isinstance(argument, ir.Name):
        return None
    if any(param.name == argument.name for param in facts.function.params) or any(
        isinstance(assign.target, ir.Name) and assign.target.name == argument.name
        for assign in shapes.assignments(facts.function.body)
    ):
        return None
    node = _module_objects(document, context).get(argument.name)
    for key in option.split("."):
        node = syntax.object_property(document, node, key)
    return syntax.string_literal(node)


CHECK = HardcodedSecretKey()
