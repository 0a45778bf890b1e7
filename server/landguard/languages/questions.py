"""What a rule asks of a unit's code ("calls of a method named X", "objects created of type Y",
"the modules it imports"), answered in one pass over the unit.

A language's ``*_syntax`` module builds each ``Question`` from what the rule wants (the names,
types and patterns, which stay in the rule or its model data): the tree-sitter patterns that
answer it in that language's grammar, so that only ``languages/`` names grammar nodes. A rule
groups its questions in one ``Questions`` at module level and reads the answers by question:

    _NODES = Questions(
        cookie=java_syntax.creations(type_matching=r"^(jakarta[.]servlet[.]http[.])?Cookie$"),
        flag=java_syntax.method_calls(("setSecure", "setHttpOnly"), with_receiver=True),
    )
    for question, node, name in _NODES.ask(unit, document):
        ...

All the questions of one ``Questions`` are one tree-sitter query, compiled on the first unit of
a language that asks and kept: compiling costs far more than running (a cold process pays it once
per query, and only for the languages it meets).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node, Query, QueryCursor

from landguard.engine.languages import query

if TYPE_CHECKING:
    from landguard.engine.document import Document

# The captures every pattern of a question uses: what it answers, and the name it matched (a
# called method's name, a created type, an object key), when it has one.
ANSWER = "answer"
NAME = "name"


@dataclass(frozen=True)
class Question:
    """The tree-sitter patterns answering one question, each one pattern capturing ``@answer``
    (and ``@name`` when the answer has one), with the grammars it is written for (None: every
    grammar of the language family; JavaScript's patterns mostly hold for TypeScript too)."""

    patterns: tuple[tuple[str, frozenset[str] | None], ...]

    @classmethod
    def of(cls, *patterns: str, languages: frozenset[str] | None = None) -> Question:
        return cls(tuple((pattern, languages) for pattern in patterns))

    def __add__(self, other: Question) -> Question:
        """Either question's answers: one question with both's patterns."""
        return Question(self.patterns + other.patterns)


class Questions:
    """Named questions asked of a unit together (see the module docstring)."""

    def __init__(self, **questions: Question) -> None:
        self._questions = questions
        # language -> (the compiled query, the question each of its patterns answers)
        self._compiled: dict[str, tuple[Query, tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def ask(self, node: Node, document: Document) -> Iterator[tuple[str, Node, Node | None]]:
        """(question, the node answering it, the name it matched or None) for each match under
        ``node``, in the order tree-sitter finds them (by position; at one position, in the
        order the questions were given). In a large JavaScript unit split into parts, only the
        unit's own code: the parts are units of their own (``engine.analyze.unit_matches``)."""
        from landguard.engine.analyze import unit_matches  # the engine sits above languages/

        compiled, asked = self._compiled.get(document.language) or self._compile(document.language)
        for pattern, captured in unit_matches(compiled, node, document):
            names = captured.get(NAME)
            yield asked[pattern], captured[ANSWER][0], names[0] if names else None

    def ask_in(self, node: Node, document: Document) -> Iterator[tuple[str, Node, Node | None]]:
        """``ask``'s answers under ``node``, whatever unit it is in (its parts included)."""
        compiled, asked = self._compiled.get(document.language) or self._compile(document.language)
        for pattern, captured in QueryCursor(compiled).matches(node):
            names = captured.get(NAME)
            yield asked[pattern], captured[ANSWER][0], names[0] if names else None

    def ask_overlapping(
        self, node: Node, document: Document, start: int, end: int
    ) -> Iterator[tuple[str, Node, Node | None]]:
        """``ask``'s answers for the matches under ``node`` that overlap bytes ``start .. end``
        (tree-sitter's byte range: a match's nodes may reach outside it), its parts included: for
        facts kept across edits, read again only where an edit reached."""
        compiled, asked = self._compiled.get(document.language) or self._compile(document.language)
        cursor = QueryCursor(compiled)
        cursor.set_byte_range(start, end)
        for pattern, captured in cursor.matches(node):
            names = captured.get(NAME)
            yield asked[pattern], captured[ANSWER][0], names[0] if names else None

    def _compile(self, language: str) -> tuple[Query, tuple[str, ...]]:
        with self._lock:
            found = self._compiled.get(language)
            if found is None:
                patterns: list[str] = []
                asked: list[str] = []
                for name, question in self._questions.items():
                    for pattern, languages in question.patterns:
                        if languages is None or language in languages:
                            patterns.append(pattern)
                            asked.append(name)
                compiled = query(language, "\n".join(patterns))
                if compiled.pattern_count != len(asked):
                    # The answers are read by pattern index: each string must be one pattern.
                    raise ValueError(f"a {language} Question string holds more or less than one pattern")
                found = self._compiled[language] = (compiled, tuple(asked))
            return found


def quoted(text: str) -> str:
    """``text`` as a string of the query language (a predicate's argument)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def any_of(capture: str, names: Iterable[str]) -> str:
    """A predicate: the capture's text is one of ``names``."""
    return f"(#any-of? @{capture} " + " ".join(quoted(name) for name in names) + ")"


def matching(capture: str, pattern: str) -> str:
    """A predicate: the capture's text matches the regular expression ``pattern`` (searched)."""
    return f"(#match? @{capture} {quoted(pattern)})"
