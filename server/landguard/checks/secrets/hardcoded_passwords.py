"""## What it does
Finds passwords, secrets, tokens and API keys assigned as literal values to something named
for them: variables, attributes, keyword arguments and parameter defaults in code
(`password = "…"`, `connect(password="…")`, `def login(password="…")`), object and dict
keys (`{"apiKey": "…"}`), and keys in `.env`, YAML, JSON, TOML, INI/properties files, shell
scripts and Dockerfile `ENV`/`ARG` lines. Not in published material: documentation (Markdown,
reStructuredText, `.txt` under `docs/`, `PKG-INFO`) and files under documentation, example, demo,
tutorial or dummy folders (`docs/`, `docs_src/`, `examples/`, `demos/`, `dummyserver/`), whose
values are the sample's own, shown to every reader (tokens in a provider's format are still
reported there, by LG101).

It stays quiet on what is not a secret: placeholders (`<your-api-key>`, `changeme`, `xxxx`,
`your_token_here`, dummy/example/test values), templates (`${VAR}`, `{{ var }}`, `%(name)s`),
environment lookups (`os.environ[...]`, `process.env.X`, `System.getenv(...)`, which are not
literals), empty and very short strings, low-entropy and sequential values, numbers, paths,
UUIDs, comparisons (`if password == ""`), type annotations, tokens that are words, sentences
or file names (`token = "is not"`, `token = "make.bat"`), the name repeated as its value
(`passphrase = "passphrase"`), and names that say the value is
about a secret rather than the secret (`password_hash`, `token_url`, `secret_name`,
`api_key_header`, `commit_sha`).

## Why is this bad?
A credential written into the source is shared with everyone who can read the code and its
history, cannot differ between environments, and cannot be rotated without a code change
and a deploy, so in practice it never is.

## Example
```python
DB_PASSWORD = "s3cr…"
conn = psycopg.connect(host="db", user="app", password="s3cr…")
```

## Use instead
```python
DB_PASSWORD = os.environ["DB_PASSWORD"]
```
Quick fixes replace the literal with an environment lookup in the file's language
(`os.environ["NAME"]`, `process.env.NAME`, `System.getenv("NAME")`, `${NAME}`), or add
`pragma: allowlist secret` when the value is a deliberate test fixture.

## References
- [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
- [CWE-259: Use of Hard-coded Password](https://cwe.mitre.org/data/definitions/259.html)
- Bandit B105/B106/B107, Ruff S105/S106/S107 (hardcoded password string, argument, default)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from landguard.checks.secrets.heuristics import (
    SecretHit,
    classify_name,
    env_var_name,
    is_not_a_secret_value,
    is_wordy,
    names_a_password,
    secret_kind,
)
from landguard.engine.findings import Confidence, Severity, Span
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG104",
    name="hardcoded-password",
    title="Hardcoded password or secret assigned to a variable",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(798, 259),
    docs=__doc__ or "",
    aliases=("B105", "B106", "B107", "S105", "S106", "S107"),
)

# For the scanner's prefilter: every name classify_name accepts (for LG104 and LG105) contains
# one of these (lowercase).
PREFILTER_WORDS = ("pass", "pwd", "secret", "token", "key", "auth", "cred", "salt", "hmac", "bearer", "jwt")

# Languages whose values must be quoted literals (an unquoted value is an expression or a number).
# ("code": a documentation code block that names no language.)
QUOTED_ONLY = frozenset({"python", "javascript", "typescript", "tsx", "java", "json", "toml", "code"})
CODE_LANGUAGES = frozenset({"python", "javascript", "typescript", "tsx", "java"})
# Documents of sentences: an unquoted value counts only when it ends the line.
PROSE_LANGUAGES = frozenset({"markdown", "text"})

_QUOTED = r"""(?P<prefix>[rRbBuUfF]{0,2})(?P<q>["'`])(?P<body>(?:\\.|(?!(?P=q))[^\\])*)(?P=q)"""
_KEY_AND_OPERATOR = (
    # A key starts where a name can: not inside a word or a dotted/dashed name (keeps it linear).
    r"""(?<![\w$@.])(?<!\w-)(?P<kq>["'`]?)(?P<key>[A-Za-z_$@][\w$@.\-]*)(?P=kq)\]?"""
    # A type annotation (Python, TypeScript), only when an "=" follows it.
    r"""(?:\s*:\s*[A-Za-z_][\w.]*(?:\[[^\]=]*\])?(?:\s*\|\s*[A-Za-z_][\w.]*(?:\[[^\]=]*\])?)*(?=\s*=[^=]))?"""
    r"""\s*(?P<op>===|!==|==|!=|:=|=>|\?\?=|\|\|=|=|:)[ \t]*"""
)
# Code, JSON, TOML: only quoted literals are values (the rest are expressions, numbers, booleans).
_QUOTED_ASSIGNMENT = re.compile(_KEY_AND_OPERATOR + _QUOTED)
_ANY_ASSIGNMENT = re.compile(
    _KEY_AND_OPERATOR + rf"""(?:{_QUOTED}|(?P<bare>[^\s"'`=,;#{{}}\[\]()][^\s"'`,;]*))"""
)
# Dockerfile `ENV NAME value` (the older form without "=").
_DOCKER_ENV = re.compile(
    r"^\s*(?:ENV|ARG)\s+(?P<key>[A-Za-z_][\w.\-]*)\s+(?:" + _QUOTED + r"|(?P<bare>\S.*?))\s*$"
)
# Assignments are looked for in the first this many characters of a line (minified code is
# mostly one line; its tokens are still found by the token detectors, on the whole line).
MAX_ASSIGNMENT_LINE = 4096
_COMPARISON = frozenset({"==", "===", "!=", "!=="})
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|/\*|\*|<!--|;)")
# After a literal: it is formatted or combined, so the literal is a template or a fragment.
_COMPUTED_AFTER = re.compile(r"^\s*(?:%|\.format\(|\.replace\(|\+|\.join\(|\[)")
_TRAILING_COMMENT = re.compile(r"\s(?:#|//|<!--).*$")
_TOKEN_PREFIX = re.compile(r"^(?:Bearer|Basic|Token|token|FlyV1)\s+")


@dataclass(frozen=True, slots=True)
class Assignment:
    """``key <op> value`` on one line, with the value's columns (inside its quotes, if any)."""

    key: str
    value: str
    start: int
    end: int
    quoted: bool
    prefix: str  # string prefix letters (r, b, f ...)


class _QuoteTracker:
    """Whether a column lies inside a quoted string that started earlier on the line (approximate).

    Columns must be asked in increasing order; the line is walked once, so a line with many
    assignments costs linear time.
    """

    __slots__ = ("index", "line", "quote")

    def __init__(self, line: str) -> None:
        self.line = line
        self.index = 0
        self.quote: str | None = None

    def inside(self, col: int) -> bool:
        line, index, quote = self.line, self.index, self.quote
        while index < col:
            char = line[index]
            if char == "\\":
                index += 2
                continue
            if quote is None:
                if char in "\"'`":
                    quote = char
            elif char == quote:
                quote = None
            index += 1
        self.index, self.quote = index, quote
        return quote is not None


def find_assignments(line: str, language: str) -> Iterator[Assignment]:
    """Literal values assigned to names on one line, in the syntax of ``language``."""
    if language in CODE_LANGUAGES and _COMMENT_LINE.match(line):
        return
    if language == "dockerfile":
        match = _DOCKER_ENV.match(line)
        if match and "=" not in match.group("key"):
            group = "body" if match.group("q") else "bare"
            if not (group == "bare" and "=" in match.group(group)):
                yield Assignment(
                    match.group("key"),
                    match.group(group),
                    match.start(group),
                    match.end(group),
                    group == "body",
                    "",
                )
                return
    line = line[:MAX_ASSIGNMENT_LINE]
    pattern = _QUOTED_ASSIGNMENT if language in QUOTED_ONLY else _ANY_ASSIGNMENT
    quotes = _QuoteTracker(line)
    for match in pattern.finditer(line):
        if match.group("op") in _COMPARISON:
            continue
        if match.group("op") == "=>" and language not in CODE_LANGUAGES:
            continue
        quoted = match.group("q") is not None
        start = match.start("kq") if match.group("kq") else match.start("key")
        if start < quotes.index or quotes.inside(start):
            continue
        if quoted:
            if match.group("prefix") and "f" in match.group("prefix").lower() and "{" in match.group("body"):
                continue
            if _COMPUTED_AFTER.match(line[match.end() :]):
                continue
            yield Assignment(
                match.group("key"),
                match.group("body"),
                match.start("body"),
                match.end("body"),
                True,
                match.group("prefix") or "",
            )
        else:
            value, value_start = match.group("bare"), match.start("bare")
            if language in {"yaml", "ini", "dotenv"}:
                # YAML, INI and .env values run to the end of the line, up to a comment.
                rest = line[value_start:]
                cut = re.search(r"\s+[#;]", rest)
                value = rest[: cut.start()] if cut else rest
                if "{" in line[:start] or "[" in line[:start]:
                    value = re.split(r"[,}\]]", value, maxsplit=1)[0]  # inside a flow mapping or sequence
                value = value.rstrip()
            elif language in PROSE_LANGUAGES and _TRAILING_COMMENT.sub("", line[match.end("bare") :]).strip(
                " `*_.,;"
            ):
                continue  # "Password: enter your own" is a sentence, not a setting
            yield Assignment(match.group("key"), value, value_start, value_start + len(value), False, "")


# Every name ``classify_name`` accepts has one of these in its (ASCII) name parts: ``password``,
# ``api_key``, ``authToken``, ``credentials``... A line without any assigns no secret-named value, so
# its assignments need not be parsed (tested against ``SECRET_WORDS`` and ``WEAK_WORDS``).
NAME_WORDS = ("pass", "pwd", "secret", "token", "key", "auth", "cred", "salt", "hmac", "bearer", "jwt")
_NAMES_A_SECRET = re.compile("|".join(NAME_WORDS), re.IGNORECASE | re.ASCII)
LINE_GATE = _NAMES_A_SECRET  # for the scanner's search of many lines at once (the words, any case)


def _named_assignments(line: str, language: str) -> tuple[tuple[Assignment, str], ...]:
    """The line's assignments to names ``classify_name`` accepts, with their category. LG104 and
    LG105 ask in turn for the same line (the same object): parsed once for both."""
    global _LAST_LINE
    last = _LAST_LINE
    if last[0] is line and last[1] == language:
        return last[2]
    found: tuple[tuple[Assignment, str], ...] = ()
    if _NAMES_A_SECRET.search(line):  # else no name on the line can classify (exact: see NAME_WORDS)
        found = tuple(
            (assignment, category)
            for assignment in find_assignments(line, language)
            if (category := classify_name(assignment.key)) is not None
        )
    _LAST_LINE = (line, language, found)  # one tuple: a thread reading it sees all or none
    return found


_LAST_LINE: tuple[str | None, str | None, tuple[tuple[Assignment, str], ...]] = (None, None, ())


def find_hardcoded_secrets(
    line: str, number: int, language: str, *, weak: bool, value_test: Callable[[str], bool] | None = None
) -> Iterator[SecretHit]:
    """LG104 hits (``weak=False``) or the candidates LG105 judges by entropy (``weak=True``).

    ``value_test``: a further condition on the value, asked before the placeholder tests (LG105's
    entropy test, which most values fail and which costs less than ``is_not_a_secret_value``)."""
    for assignment, category in _named_assignments(line, language):
        if (category == "weak") != weak:
            continue
        value, start = assignment.value, assignment.start
        prefix = _TOKEN_PREFIX.match(value)
        if prefix:
            value, start = value[prefix.end() :], start + prefix.end()
        if value_test is not None and not value_test(value):
            continue
        if is_not_a_secret_value(value):
            continue
        if not weak and not names_a_password(assignment.key) and _not_generated(value):
            continue  # a token or key made of words is a label ("serverlessrepo:applicationId")
        if _squashed(value) == _squashed(assignment.key.rsplit(".", 1)[-1]):
            continue  # passphrase = "passphrase": the name repeated
        yield SecretHit(
            RULE,
            secret_kind(assignment.key),
            value,
            Span.on_line(number, start, start + len(value)),
            env_var_name(assignment.key, "SECRET"),
            assigned_name=assignment.key,
        )


_LOWERCASE_LABEL = re.compile(r"^[a-z]+(?:[._\-][a-z]+)*$")


def _not_generated(value: str) -> bool:
    """Tokens and keys are generated: no spaces (``token = "is not"`` is a parser's operator), not
    mostly words, not a short lowercase word or file name (``token = "make.bat"``)."""
    stripped = value.strip()
    if any(char.isspace() for char in stripped) or is_wordy(stripped, 0.6):
        return True
    return len(stripped) < 16 and bool(_LOWERCASE_LABEL.match(stripped))


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())
