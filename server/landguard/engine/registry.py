"""Rules and the checks that report them.

A **rule** is the stable, documented thing users see: ``LG201``, a title, severity,
confidence, CWE ids and its docs (the rule module's docstring, in the sections *What it
does / Why is this bad? / Example / Use instead / References*).

A **check** is the code that runs. It reports one rule, or a few closely related ones (the
secrets scanner reports several LG1xx rules in one pass over a line). Checks come in three
shapes, by how they can be rerun incrementally:

- ``LineCheck``: looks at lines of text; rerun only on the lines an edit touched (and on the
  lines with findings when its module context, e.g. whether ``import os`` is there, changed).
- ``NodeCheck``: looks at one top-level node of a tree-sitter tree at a time; rerun only on
  top-level nodes whose text changed (or when the module context, e.g. imports, changed).
- ``DocumentCheck``: looks at the whole document (manifests, rules files); rerun when the
  document changed.
- ``FindingsCheck``: judges the document by what the other checks found; run after them.

Checks are discovered: every module under ``landguard.checks`` that defines ``CHECK`` (an
instance) is registered; rule ids must be unique. Adding a rule = one module. A code rule's
``CHECK`` is a ``checks.code_rule.CodeRule``: those of one language run in one dispatcher.

A language's package (``checks/python``, ``checks/javascript``, ``checks/java``: its code rules
and any check that applies only to its documents) is imported with the first document of that
language (``checks_for``), the other packages at start: a server opened on one file loads one
language's rules. ``all_checks()`` loads them all (the CLI's batches, listings, SARIF).
"""

from __future__ import annotations

import functools
import importlib
import os
import pkgutil
import re
import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from landguard.engine.findings import Confidence, Finding, Fix, Severity, Span

if TYPE_CHECKING:
    from tree_sitter import Node

    from landguard.engine.config import Config
    from landguard.engine.document import Document

RULE_ID = re.compile(r"^LG\d{3}$")
T = TypeVar("T")


@dataclass(frozen=True)
class Rule:
    """A rule's metadata. ``docs`` is the rule module's docstring."""

    id: str
    name: str  # kebab-case slug, e.g. "sql-injection"
    title: str
    severity: Severity
    confidence: Confidence
    cwe: tuple[int, ...]
    docs: str
    languages: frozenset[str] | None = None  # None: any document
    # Codes of other tools whose suppression comments mean this rule (Bandit B608, Ruff S608, ...).
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not RULE_ID.match(self.id):
            raise ValueError(f"rule id {self.id!r} is not of the form LGnnn")
        if not self.docs or "What it does" not in self.docs:
            raise ValueError(f"rule {self.id} has no docs with a 'What it does' section")

    @property
    def family(self) -> str:
        return {
            "0": "engine",
            "1": "secrets",
            "2": "python",
            "3": "javascript",
            "4": "java",
            "5": "dependencies",
            "6": "ai",
        }.get(self.id[2], "other")

    @property
    def help_uri(self) -> str:
        """The rule's documentation: the installed version's docs, or ``LANDGUARD_DOCS_URL``."""
        from landguard.docs_links import rule_docs_uri

        return rule_docs_uri(self.id)

    def finding(
        self,
        span: Span,
        message: str,
        *,
        fixes: Sequence[Fix] = (),
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        properties: dict[str, Any] | None = None,
    ) -> Finding:
        """A finding of this rule; severity and confidence default to the rule's."""
        return Finding(
            rule_id=self.id,
            span=span,
            message=message,
            severity=severity or self.severity,
            confidence=confidence or self.confidence,
            cwe=self.cwe,
            fixes=tuple(fixes),
            properties=tuple(sorted((k, str(v)) for k, v in (properties or {}).items())),
        )


class RunKey(Generic[T]):
    """A slot of the per-run cache, typed by what it holds: ``IMPORTS: RunKey[ImportMap] = RunKey("python.imports")``.

    Keys are compared by identity, so two modules never share a slot by picking the same name; the
    name is for debugging only.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"RunKey({self.name!r})"


class RunCache:
    """Facts computed once per analysis run and shared by the checks (a module's import map, a unit's
    calls, the file's dataflow): a ``RunKey`` and a hashable part (the unit, the tree) name a value."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[tuple[RunKey[Any], Hashable], Any] = {}

    def get(self, key: RunKey[T], part: Hashable, build: Callable[[], T]) -> T:
        """The value of ``key`` for ``part``, built (once per run) by ``build`` when it is not there."""
        slot = (key, part)
        try:
            return self._values[slot]
        except KeyError:
            value = self._values[slot] = build()
            return value

    def peek(self, key: RunKey[T], part: Hashable = None) -> T | None:
        return self._values.get((key, part))

    def put(self, key: RunKey[T], part: Hashable, value: T) -> T:
        self._values[(key, part)] = value
        return value


@dataclass
class CheckContext:
    """What a check may know besides the document: the effective configuration, the run's cache,
    and whether the run is one with no other."""

    config: Config
    # Per-document facts computed once per analysis (e.g. Python import aliases); checks fill it lazily.
    cache: RunCache = field(default_factory=RunCache)
    # ``Analysis(incremental=False)`` (``landguard check``): every unit is checked once and nothing
    # is kept, so shortcuts that pay over a whole file may be taken; an editor's run checks the units
    # an edit changed, where they cost more than they save.
    one_shot: bool = False


class Check:
    """Base of all checks. Subclasses set ``rules`` and (optionally) ``languages``."""

    rules: ClassVar[tuple[Rule, ...]] = ()
    # Languages this check runs on; None: every document.
    languages: ClassVar[frozenset[str] | None] = None
    # Documents (by file name) this check runs on regardless of language, e.g. {"package.json"}.
    file_names: ClassVar[frozenset[str]] = frozenset()

    def applies_to(self, document: Document) -> bool:
        if self.file_names and document.path and os.path.basename(document.path) in self.file_names:
            return True
        return self.languages is None or document.language in self.languages

    def preload(self) -> None:
        """Import now what the check otherwise imports on its first use (a library behind its
        heuristics or fixes): ``landguard check`` calls this before forking its workers, which
        then share the loaded modules instead of each importing them again."""


class LineCheck(Check):
    """Scans lines; must report only findings that *start* on the lines it was given."""

    # Whether the module context key can put findings on a clean line (whether an .html file is a
    # template at all): then a changed key rescans every line, not only those with findings.
    context_decides_lines = False

    def widen(self, document: Document, first: int, last: int) -> tuple[int, int]:
        """Lines to rescan when ``first..last`` changed (e.g. the whole PEM block around them)."""
        return first, last

    def module_context_key(self, document: Document, context: CheckContext) -> Hashable | None:
        """What, outside a line, the findings on it depend on (where ``import os`` goes in a Python
        module, and whether it is needed), as for ``NodeCheck.module_context_key``.

        While it stays equal, each line's results are reused until the line itself changes, including
        fixes that edit elsewhere (those edits stay where they are); when it changes, every line with
        findings is rescanned (what lies outside a line cannot put a finding on a clean one). ``None``,
        the default, says: nothing outside the line, and results whose fixes edit outside their
        line are then rescanned on every run.
        """
        return None

    def scan_lines(
        self, document: Document, first: int, last: int, context: CheckContext
    ) -> Iterable[Finding]:
        raise NotImplementedError


class NodeCheck(Check):
    """Checks one top-level node of a tree; findings must lie within that node."""

    def module_context_key(self, document: Document, context: CheckContext) -> object:
        """A hashable summary of what, outside a node, its findings depend on (e.g. imports).

        When it changes, every node is rechecked. The default says: nothing outside the node.
        """
        return None

    def unit_context_key(self, unit: Node, document: Document, context: CheckContext) -> object:
        """What, outside ``unit``, this unit's findings depend on beyond the module context (the
        summaries of the same-file functions it calls). When it changes, only this unit is
        rechecked. The default says: nothing."""
        return None

    def has_unit_context_keys(self) -> bool:
        """Whether ``unit_context_key`` can say anything but None. A check without unit context
        keys is run by unit text alone: only units of new text are looked at, and the cached
        findings of the others placed."""
        return type(self).unit_context_key is not NodeCheck.unit_context_key

    def unit_context_epoch(self, document: Document, context: CheckContext) -> object:
        """A value that, while it is the same from one run to the next, means every unit's
        ``unit_context_key`` is what it was for a unit of the same cache key (its text, where it
        stands, and the header of the class it is a member of: see ``analyze.UnitKey``, so a key
        that depends on the unit's class may be reused): the engine then reuses
        those keys instead of asking for each unit (an edit costs the units it touched). Called
        once per run, before any ``unit_context_key``. The default, None, means: ask every time."""
        return None

    def check_node(self, node: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError

    def check_nodes(self, nodes: Sequence[Node], document: Document, context: CheckContext) -> list[Finding]:
        """``check_node`` of every unit of a one-shot run (``CheckContext.one_shot``), in order. A
        check with work to do once per document before its units (a dispatcher's per-file
        prefilters) overrides it; an editor's run asks ``check_node`` of the units it rechecks."""
        return [finding for node in nodes for finding in self.check_node(node, document, context)]


class DocumentCheck(Check):
    """Checks the whole document whenever it changed."""

    def check_document(self, document: Document, context: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError


class FindingsCheck(Check):
    """Judges a document by the other checks' findings, after configuration and suppressions
    (LG604: a file the secrets rules found something in). Runs on every analysis, so what it
    reads besides the document (files on disk) is always current."""

    def check_findings(
        self, document: Document, findings: Sequence[Finding], config: Config
    ) -> Iterable[Finding]:
        raise NotImplementedError


# The packages under ``landguard.checks`` whose checks apply only to documents of these languages
# (``_require_language`` holds them to it as they load): imported when the first document of one
# of them is analysed, not at start, so a server opened on a Python file never loads the Java and
# JavaScript rules (their modules, regexes, dataclasses, adapters). Every other package is common.
LANGUAGE_PACKAGES: dict[str, frozenset[str]] = {
    "java": frozenset({"java"}),
    "javascript": frozenset({"javascript", "typescript", "tsx"}),
    "python": frozenset({"python"}),
}
_PACKAGE_OF_LANGUAGE = {
    language: package for package, languages in LANGUAGE_PACKAGES.items() for language in languages
}
_ALL_PACKAGES = frozenset({None, *LANGUAGE_PACKAGES})


class _LoadedChecks:
    """The checks of the packages imported so far, each module's ``CHECK`` once, assembled in the
    order discovering every check gives (so a document's checks, and their findings' order, do
    not depend on which languages were loaded before it)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.packages: set[str | None] = set()
        self.modules: dict[str, Check | None] = {}  # module name -> its CHECK (None: a helper module)
        self.dispatchers: dict[str, Check] = {}  # language package -> the dispatcher of its code rules
        self.assembled: dict[frozenset[str | None], tuple[Check, ...]] = {}
        self.rules: dict[str, Rule] = {}

    def checks(self, packages: frozenset[str | None]) -> tuple[Check, ...]:
        with self.lock:
            assembled = self.assembled.get(packages)
            if assembled is not None:
                return assembled
            for package in sorted(packages - self.packages, key=lambda p: p or ""):
                self._load(package)
            names = [name for name in _module_names() if _package_of(name) in packages]
            checks = [check for name in names if (check := self.modules[name]) is not None]
            checks.extend(self.dispatchers[p] for p in sorted(LANGUAGE_PACKAGES) if p in packages)
            checks.extend(_engine_checks())
            self.assembled[packages] = assembled = tuple(checks)
            return assembled

    def _load(self, package: str | None) -> None:
        from landguard.checks.code_rule import CodeRule, group_code_rules

        names = [name for name in _module_names() if _package_of(name) == package]
        code_rules: list[CodeRule] = []
        loaded: dict[str, Check | None] = {}
        for name in names:
            check = getattr(importlib.import_module(name), "CHECK", None)
            if isinstance(check, CodeRule):
                if package is None:
                    raise RuntimeError(f"{name}: a code rule belongs in its language's package")
                code_rules.append(check)  # run with the other rules of its language, by one dispatcher
                check = None
            loaded[name] = check
        own = [check for check in loaded.values() if check is not None]
        dispatchers = group_code_rules(code_rules)
        if len(dispatchers) > 1:
            raise RuntimeError(f"landguard.checks.{package}: code rules of more than one frontend")
        if package is not None:
            _require_language(package, [*own, *dispatchers])
        for check in [*own, *dispatchers]:
            for rule in check.rules:
                if rule.id in self.rules and self.rules[rule.id] is not rule:
                    raise RuntimeError(f"rule id {rule.id} is defined twice")
                self.rules[rule.id] = rule
        self.modules.update(loaded)
        if package is not None and dispatchers:
            self.dispatchers[package] = dispatchers[0]
        self.packages.add(package)


def _require_language(package: str, checks: Sequence[Check]) -> None:
    """A language package's checks must apply only to its languages' documents: loading them only
    when such a document arrives then gives every document the checks discovering all would."""
    languages = LANGUAGE_PACKAGES[package]
    for check in checks:
        # (A ``FindingsCheck`` judges every document, whatever its ``languages``.)
        if (
            isinstance(check, FindingsCheck)
            or check.languages is None
            or not check.languages <= languages
            or check.file_names
        ):
            raise RuntimeError(
                f"{type(check).__module__}.{type(check).__name__}: a check in landguard.checks.{package}"
                f" must apply to {sorted(languages)} documents only"
            )


_LOADED = _LoadedChecks()


@functools.cache
def _module_names() -> tuple[str, ...]:
    """The modules under ``landguard.checks``, in discovery order (imports only the packages)."""
    import landguard.checks as package

    return tuple(info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."))


def _package_of(module_name: str) -> str | None:
    """The language package a module under ``landguard.checks`` lies in; None: a common one."""
    parts = module_name.split(".")
    return parts[2] if len(parts) > 3 and parts[2] in LANGUAGE_PACKAGES else None


def checks_for(language: str | None) -> tuple[Check, ...]:
    """The checks a document of ``language`` may run: the common packages' and its language's,
    loaded now if they are not yet. Those ``applies_to`` such a document are exactly those of
    ``all_checks()`` that do, in the same order."""
    package = _PACKAGE_OF_LANGUAGE.get(language or "")
    return _LOADED.checks(frozenset({None, package}))


def checks_for_languages(languages: Iterable[str | None]) -> tuple[Check, ...]:
    """The checks documents of any of ``languages`` may run: the common packages' and those
    languages' packages (loaded now if they are not yet), in ``all_checks()``'s order. A whole-tree
    ``landguard check`` of JavaScript files loads neither the Python nor the Java rules."""
    packages = {_PACKAGE_OF_LANGUAGE.get(language or "") for language in languages}
    return _LOADED.checks(frozenset({None, *packages}))


def all_checks() -> tuple[Check, ...]:
    """Every check under ``landguard.checks`` (every language's, loaded now if they are not yet)."""
    return _LOADED.checks(_ALL_PACKAGES)


def loaded_rule(rule_id: str) -> Rule | None:
    """A rule of the checks loaded so far (a finding's rule is one), without loading the others."""
    return _LOADED.rules.get(rule_id.upper())


def warm_lazy_imports() -> None:
    """Import now what the checks otherwise load on first use (detect-secrets). Not at start (it
    would delay the first diagnostics); the server calls it once after them, so these long-lived
    modules are allocated before the per-edit garbage they would otherwise be interleaved with."""
    from landguard.checks.secrets import detect_secrets_adapter

    detect_secrets_adapter.preload()


def discover_checks(package: Any) -> list[Check]:
    """The checks of the modules under ``package`` (each module's ``CHECK``); the code rules among
    them (``checks.code_rule.CodeRule``) run in one dispatcher per language. (A package outside
    ``landguard.checks``: ``all_checks`` loads Landguard's own by language, ``checks_for``.)"""
    from landguard.checks.code_rule import CodeRule, group_code_rules

    checks: list[Check] = []
    code_rules: list[CodeRule] = []
    for module_info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(module_info.name)
        check = getattr(module, "CHECK", None)
        if isinstance(check, CodeRule):
            code_rules.append(check)  # run with the other rules of its language, by one dispatcher
        elif check is not None:
            checks.append(check)
    checks.extend(group_code_rules(code_rules))
    return checks


def _engine_checks() -> list[Check]:
    from landguard.engine import notices

    return [notices.CHECK]


@functools.cache
def all_rules() -> dict[str, Rule]:
    """Rule id -> rule, sorted by id."""
    rules = {rule.id: rule for check in all_checks() for rule in check.rules}
    return dict(sorted(rules.items()))


def get_rule(rule_id: str) -> Rule | None:
    rule = loaded_rule(rule_id)
    return rule if rule is not None else all_rules().get(rule_id.upper())


def rules_by_alias() -> dict[str, list[str]]:
    """Other tools' codes (B608, S608) -> Landguard rule ids."""
    mapping: dict[str, list[str]] = {}
    for rule in all_rules().values():
        for alias in rule.aliases:
            mapping.setdefault(alias.upper(), []).append(rule.id)
    return mapping


def doc_section(docs: str, title: str) -> str:
    """The text of one ``## Title`` section of a rule's docs (for hovers and SARIF)."""
    pattern = re.compile(rf"^#+\s*{re.escape(title)}\??\s*$(.*?)(?=^#+\s|\Z)", re.M | re.S)
    match = pattern.search(docs)
    return match.group(1).strip() if match else ""
