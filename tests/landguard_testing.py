"""Shared test helpers: fixtures with inline expectations, and applying fixes.

A fixture marks each line where a finding must *start* with ``expect: LGnnn`` (several ids
separated by commas) inside a comment of the file's language. Every other line of the
fixture must produce no finding of the rules under test: the good code next to the bad.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import strategies as st

from landguard.engine import analyze, positions
from landguard.engine.analyze import Analysis, analyze_text
from landguard.engine.config import Config
from landguard.engine.document import Document, LineChange
from landguard.engine.findings import Finding, Fix
from landguard.lsp.settings import Settings

EXPECT = re.compile(r"expect:\s*(LG\d{3}(?:\s*,\s*LG\d{3})*)")
FIXTURES = Path(__file__).parent / "unit" / "fixtures"


_JS_CODE = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx")
# A real tree (read-only cache, when this machine has it): tests that read it also run on the
# fixtures and corpus, always.
WEBPACK_LIB = Path("/work/realworld-cache/src/webpack-5.95.0/lib")


def javascript_files() -> list[Path]:
    """Every JavaScript/TypeScript file of the JS fixtures and the JS corpus, sorted."""
    tests = Path(__file__).parent
    return sorted(
        path
        for folder in (FIXTURES / "javascript", tests / "corpus" / "javascript")
        for path in folder.rglob("*")
        if path.suffix in _JS_CODE and path.is_file()
    )


@contextlib.contextmanager
def only_checks(checks: tuple) -> Iterator[None]:
    """Analyses in the block run ``checks`` alone (whatever the document's language). The engine
    keeps its findings checks (LG604's) from the first ``checks_for`` it asks, so that memo is
    dropped on entry and exit: made from a patched ``checks_for``, it would stay empty (no LG604)
    for every later test in the process."""
    original = analyze.checks_for
    analyze.checks_for = lambda language: checks
    analyze._findings_checks.cache_clear()
    try:
        yield
    finally:
        analyze.checks_for = original
        analyze._findings_checks.cache_clear()


def expected_findings(text: str) -> set[tuple[int, str]]:
    """(0-based line, rule id) pairs declared by ``expect:`` markers."""
    expected = set()
    for number, line in enumerate(text.splitlines()):
        match = EXPECT.search(line)
        if match:
            for rule_id in re.split(r"\s*,\s*", match.group(1)):
                expected.add((number, rule_id))
    return expected


def findings_for(text: str, path: str, config: Config | None = None) -> list[Finding]:
    # Fixtures live under tests/ but stand for application code: no test-code policy for them.
    return analyze_text(text, config or Config(dependencies=_offline(), test_paths=()), path=path)


def _offline():
    from landguard.engine.config import DependencySettings

    return DependencySettings(online=False)


def check_fixture(path: Path, prefix: str) -> list[Finding]:
    """Assert the findings whose rule id starts with ``prefix`` match the fixture's markers exactly."""
    text = path.read_text(encoding="utf-8")
    found = [f for f in findings_for(text, str(path)) if f.rule_id.startswith(prefix)]
    actual = {(f.span.start_line, f.rule_id) for f in found}
    expected = {(line, rule) for line, rule in expected_findings(text) if rule.startswith(prefix)}
    lines = text.splitlines()
    missing = sorted(expected - actual)
    unexpected = sorted(actual - expected)
    report = [f"missing   {rule} at {path.name}:{line + 1}: {lines[line].strip()}" for line, rule in missing]
    report += [
        f"unexpected {rule} at {path.name}:{line + 1}: {lines[line].strip()}" for line, rule in unexpected
    ]
    assert not report, "\n".join(report)
    return found


def apply_fix(text: str, fix: Fix) -> str:
    """The text after applying a fix's edits, as an LSP client does.

    Edits are applied bottom-up so earlier ones keep their positions; of two edits starting at
    the same place, the one that replaces text goes first and an insertion there lands before it.
    """
    document = Document(text)
    index = document.index
    result = text
    for edit in sorted(
        fix.edits,
        key=lambda e: (e.span.start_line, e.span.start_col, e.span.end_line, e.span.end_col),
        reverse=True,
    ):
        start = index.offset(edit.span.start_line, edit.span.start_col)
        end = index.offset(edit.span.end_line, edit.span.end_col)
        result = result[:start] + edit.new_text + result[end:]
    return result


def fix_cases(
    fixtures: Iterable[Path],
    rule_ids_of: Callable[[Path], Collection[str]] | None = None,
    find: Callable[[str, str], list[Finding]] = findings_for,
) -> Iterator[object]:
    """One ``pytest.param(path, finding, fix)`` per fix offered on a fixture, for the rules
    ``rule_ids_of(path)`` names (every rule's when None); ``find(text, path)`` gives the findings."""
    for path in fixtures:
        text = path.read_text(encoding="utf-8")
        wanted = None if rule_ids_of is None else rule_ids_of(path)
        for finding in find(text, str(path)):
            if wanted is not None and finding.rule_id not in wanted:
                continue
            for number, fix in enumerate(finding.fixes):
                yield pytest.param(
                    path, finding, fix, id=f"{path.name}:{finding.span.start_line + 1}:{number}"
                )


def replay_with_idle_copies(text: str, path: str, steps, config: Config) -> None:
    """Open ``text``, then apply each step ``(where, length, new, go_idle)`` (replace ``length``
    characters at fraction ``where`` of the text by ``new``, first swapping in an idle copy of the
    document if ``go_idle``), asserting after each that the incremental run equals a fresh one."""
    document = Document(text, path=path)
    analysis = Analysis(document, config)
    analysis.run()
    for where, length, new, go_idle in steps:
        if go_idle:
            document = document.idle_copy()
            analysis.replace_document(document)
        start = int(where * len(text))
        end = min(len(text), start + length)
        change = document.apply_change(utf16_range(text, start, end), new)
        text = text[:start] + new + text[end:]
        assert document.text == text
        assert analysis.run([change]) == Analysis(fresh_document(document), config).run(), (path, steps)


def record_checked_units(
    monkeypatch: pytest.MonkeyPatch, check_class: type | None = None, method: str = "check_node"
) -> list[int]:
    """The first lines of the units ``check_class.<method>`` is asked about from now on, in order:
    what an edit had checked again (``check_node``) or keyed again (``unit_context_key``). The
    code rules' dispatcher, ``CodeRulesCheck``, by default."""
    if check_class is None:
        from landguard.checks.code_rule import CodeRulesCheck

        check_class = CodeRulesCheck
    asked: list[int] = []
    original = getattr(check_class, method)

    def recording(self, unit, document, context):
        asked.append(unit.start_point[0])
        return original(self, unit, document, context)

    monkeypatch.setattr(check_class, method, recording)
    return asked


def fresh_document(document: Document) -> Document:
    """A new document with ``document``'s text and tree, for a from-scratch analysis to compare an
    incremental one with.

    tree-sitter's error recovery depends on the parse's history: after some broken edits the tree
    of an incremental parse differs from a fresh parse of the same text (``const to y = x``, then a
    ``function helper`` whose ``}`` a ``//`` hid, is a declaration incrementally and an expression
    from scratch). The engine's promise is findings that are a function of the text and the tree,
    so the property tests hold incremental runs to a fresh analysis of the same tree; where the
    parses agree (nearly always) the fresh document parses its own."""
    fresh = Document(document.text, path=document.path)
    tree = document.tree
    if tree is not None and fresh.tree is not None and str(fresh.tree.root_node) != str(tree.root_node):
        fresh.tree = tree.copy()
    return fresh


def tree_has_error(text: str, path: str) -> bool:
    """Whether tree-sitter finds a syntax error in ``text`` (for fixes in code languages)."""
    document = Document(text, path=path)
    return document.tree is not None and document.tree.root_node.has_error


def utf16_range(text: str, start: int, end: int) -> tuple[int, int, int, int]:
    """The LSP range (UTF-16 columns) of code-point offsets ``start..end`` of ``text``."""
    index = positions.LineIndex(text)
    (sl, sc), (el, ec) = index.position(start), index.position(end)
    return (
        sl,
        positions.col_to_utf16(index.line_text(sl), sc),
        el,
        positions.col_to_utf16(index.line_text(el), ec),
    )


def snap(text: str, offset: int) -> int:
    """``offset`` rounded to a position the text's line index can express (one an editor can send)."""
    index = positions.LineIndex(text)
    return index.offset(*index.position(offset))


def edit_at(document: Document, where: float, length: int, new: str) -> LineChange:
    """Replace ``length`` characters at fraction ``where`` of ``document``'s text by ``new`` (both
    ends snapped to positions an editor can send): one edit step a hypothesis test drew."""
    text = document.text
    start = snap(text, int(where * len(text)))
    end = snap(text, min(len(text), start + length))
    return document.apply_change(utf16_range(text, start, end), new)


def edit_steps(pieces: Iterable[str], *, longest: int, most: int) -> st.SearchStrategy:
    """Lists of 1 to ``most`` ``edit_at`` steps: (where, how many characters replaced (up to
    ``longest``), one of ``pieces``)."""
    step = st.tuples(
        st.floats(min_value=0, max_value=1),
        st.integers(min_value=0, max_value=longest),
        st.sampled_from(list(pieces)),
    )
    return st.lists(step, min_size=1, max_size=most)


def edit_runs(pieces: Iterable[str], *, longest: int, per_run: int, runs: int) -> st.SearchStrategy:
    """1 to ``runs`` groups of ``edit_steps``: the edits made before each analysis run."""
    return st.lists(edit_steps(pieces, longest=longest, most=per_run), min_size=1, max_size=runs)


def incremental_runs(
    document: Document, analysis: Analysis, steps: Iterable[tuple[float, float, str]]
) -> Iterator[tuple[str, list[Finding]]]:
    """Edit ``document`` step by step, re-running ``analysis`` incrementally after each edit.

    A step ``(a, b, new)`` replaces the text between the fractions ``a`` and ``b`` of its length
    (in either order) with ``new``: what a hypothesis property test draws. Yields the text after the
    edit and the incremental findings, to compare with a scan from scratch of that text.
    """
    analysis.run()
    text = document.text
    for a, b, new in steps:
        start, end = sorted((int(a * len(text)), int(b * len(text))))
        change = document.apply_change(utf16_range(text, start, end), new)
        text = text[:start] + new + text[end:]
        yield text, analysis.run([change])


class SchedulerServer:
    """What ``lsp.scheduler.Scheduler`` asks of the server, with no client: its settings (offline
    dependency checks; a workspace ``root`` when given), its open documents and its loop (made in
    the test's running loop: workers call back into it)."""

    def __init__(self, root: str | None = None) -> None:
        self.settings = Settings()
        if root is not None:
            self.settings.set_root(root)
        self.settings.set_editor_settings({"dependencies": {"online": False}})
        self.documents: dict = {}
        self.loop = asyncio.get_running_loop()

    def supports_code_action_resolve(self) -> bool:
        return True

    def uses_pull_diagnostics(self) -> bool:
        return False

    def report_config_errors(self, result: object) -> None:
        pass
