"""Reading Django and Jinja2 templates' ``{{ ... }}`` and ``{% ... %}`` tags.

Which files are templates is decided in ``engine/templates.py`` (the editor's suppression
comments need it too). Both engines (and Nunjucks, which copied them) share the syntax read
here: a variable tag holds an expression followed by filters, ``value|filter:"arg"`` (Django) or
``value | filter(arg)`` (Jinja).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from importlib import resources

from landguard import shipped_toml
from landguard.engine.document import Document
from landguard.engine.findings import Finding
from landguard.engine.registry import CheckContext, LineCheck
from landguard.engine.templates import could_be_template, is_template

# A filter in a tag's body: ``|name`` and its argument (``:"x"`` or ``(x)``). The spaces before the
# ``|`` are skipped by ``_SPACES`` first: a leading ``\s*`` in FILTER would make a search over a long
# run of spaces quadratic.
_SPACES = re.compile(r"\s*")
FILTER = re.compile(
    r"\|\s*(?P<name>\w+)(?::(?:\"[^\"]*\"|'[^']*'|[\w.]+)|\((?:[^()'\"]|'[^']*'|\"[^\"]*\")*\))?"
)


@dataclass(frozen=True, slots=True)
class Filter:
    name: str
    start: int  # column of its ``|`` (after the spaces before it)
    end: int  # column after its argument


@dataclass(frozen=True, slots=True)
class VariableTag:
    """``{{ value|filter|... }}`` on one line: the value's text and its filters in order."""

    value: str
    filters: tuple[Filter, ...]


def variable_tags(line: str) -> list[VariableTag]:
    """The variable tags of one line of a template."""
    if "{{" not in line:
        return []
    tags = []
    for offset, body in _variable_bodies(line):
        filters: list[Filter] = []
        value_end = len(body)
        position = _first_pipe(body)
        if position is not None:
            value_end = position
            while True:
                found = FILTER.match(body, _SPACES.match(body, position).end())
                if found is None:
                    break
                filters.append(Filter(found.group("name"), offset + found.start(), offset + found.end()))
                position = found.end()
        tags.append(VariableTag(body[:value_end].strip(), tuple(filters)))
    return tags


def _variable_bodies(line: str):
    """(column, text) of the body of each ``{{ ... }}`` on a line, Jinja's ``{{- ... -}}`` included.

    Found with ``str.find`` (a regex for "up to the next }}" backtracks quadratically on a line
    of ``{{``); a ``}}`` inside a quoted string in the tag ends it early, which only shortens
    the filters read."""
    position = 0
    while True:
        start = line.find("{{", position)
        if start < 0:
            return
        end = line.find("}}", start + 2)
        if end < 0:
            return
        body_start = start + 2 + (line[start + 2 : start + 3] == "-")
        body_end = end - (end > body_start and line[end - 1] == "-")
        yield body_start, line[body_start:body_end]
        position = end + 2


def _first_pipe(body: str) -> int | None:
    """Where the first filter starts: the first ``|`` outside quotes and brackets."""
    quote, depth = "", 0
    for index, char in enumerate(body):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "|" and depth <= 0:
            return index
    return None


def is_literal(value: str) -> bool:
    """A quoted string: the template's own text, not data."""
    value = value.strip()
    return len(value) >= 2 and value[0] in "'\"" and value[-1] == value[0] and value[0] not in value[1:-1]


# An HTML element, comment or doctype: ``<p``, ``</p``, ``<!--``, ``<!DOCTYPE``.
_MARKUP = re.compile(r"<[A-Za-z!/]")
_TAG_ENDS = {"{{": "}}", "{%": "%}", "{#": "#}"}


def renders_html(document: Document) -> bool:
    """Whether the template writes HTML: some markup outside its tags. A template without any
    (an e-mail's text part, a plain-text report) is shown by no browser, so escaping does not
    decide what its values can do."""
    lines = document.lines
    return any(_MARKUP.search(_outside_tags(lines[number])) for number in document.lines_with(("<",)))


def _outside_tags(line: str) -> str:
    """The line's text outside ``{{ }}``, ``{% %}`` and ``{# #}`` tags (an unclosed tag runs to the
    end of the line). Forward-only ``str.find``s: a regex such as ``\\{\\{.*?\\}\\}`` is quadratic on a
    long line of ``{{``."""
    pieces: list[str] = []
    position = 0
    next_open = {opener: line.find(opener) for opener in _TAG_ENDS}
    while True:
        for opener, at in next_open.items():
            if 0 <= at < position:  # inside the tag just skipped: look again from here
                next_open[opener] = line.find(opener, position)
        found = [(at, opener) for opener, at in next_open.items() if at >= 0]
        if not found:
            pieces.append(line[position:])
            return "".join(pieces)
        start, opener = min(found)
        pieces.append(line[position:start])
        end = line.find(_TAG_ENDS[opener], start + 2)
        if end < 0:
            return "".join(pieces)
        position = end + 2


@functools.cache
def _trusted_suffixes() -> tuple[str, ...]:
    text = (resources.files("landguard") / "data" / "models" / "templates.toml").read_text("utf-8")
    return tuple(
        row["ends_with"] for row in shipped_toml.parse("templates.toml", text).get("trusted_html", ())
    )


def is_trusted_html(value: str) -> bool:
    """Whether ``value`` (a tag's dotted path, ``form.email.help_text``) holds HTML that its
    framework documents as written by the developer (``data/models/templates.toml``)."""
    path = value.strip()
    if not re.fullmatch(r"[A-Za-z_][\w.]*", path):
        return False  # a call, a subscript, an expression: not a plain attribute path
    return any(path == suffix or path.endswith("." + suffix) for suffix in _trusted_suffixes())


class TemplateLineCheck(LineCheck):
    """A line check of Django/Jinja2 templates that write HTML: ``scan_template`` sees only those.

    Whether a file is such a template depends on the whole file (a first ``{%`` or HTML tag), so
    that fact is the module context, and a change of it rescans every line."""

    languages = frozenset({"text"})
    context_decides_lines = True

    def applies_to(self, document: Document) -> bool:
        return super().applies_to(document) and could_be_template(document)

    def module_context_key(self, document: Document, context: CheckContext) -> Hashable | None:
        return is_template(document), renders_html(document)

    def scan_lines(
        self, document: Document, first: int, last: int, context: CheckContext
    ) -> Iterable[Finding]:
        if is_template(document) and renders_html(document):
            yield from self.scan_template(document, first, last)

    def scan_template(self, document: Document, first: int, last: int) -> Iterable[Finding]:
        raise NotImplementedError
