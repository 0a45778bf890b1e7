"""## What it does
Flags an `import` of a third-party package that the project's manifest does not declare,
in a project that has one: for Python `requirements*.txt` or `pyproject.toml`, for
JavaScript/TypeScript `package.json` (found by walking up from the file; in a monorepo every
`package.json` above the file counts, with its workspace packages' names).

Standard-library modules, the project's own modules and packages declared in any
section or group are known; import names are mapped to distributions (`yaml` → PyYAML,
`cv2` → opencv-python, `sklearn` → scikit-learn, `PIL` → Pillow, `bs4` → beautifulsoup4 …),
also through the `top_level.txt` of the project's own virtual environment when it has one.
Nothing is executed: manifests and metadata are only read.

## Why is this bad?
An undeclared import works on the machine where someone happened to install the package
and fails — or worse, resolves to something else — everywhere else. When an assistant
writes the import, the package it had in mind may not be the one that gets installed:
whoever runs `pip install yaml` or `pip install sklearn` to "fix" the error installs a
stranger's package.

Node.js built-ins, relative paths and path aliases are not packages; imports inside
functions (optional dependencies loaded on demand) are left alone, and imports that look
like a typo of a popular package are reported as LG501/LG502 instead.

## Example
```python
# pyproject.toml declares only "requests"
import yaml
```

## Use instead
Declare the distribution that provides the module (`PyYAML`) in `pyproject.toml` or
`requirements.txt`.

## References
- CWE-1357: Reliance on Insufficiently Trustworthy Component, https://cwe.mitre.org/data/definitions/1357.html
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere, https://cwe.mitre.org/data/definitions/829.html
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from landguard.checks.deps.confusables import IMPORT_TO_DISTRIBUTION
from landguard.checks.deps.imports import program_imports, unit_imports
from landguard.checks.deps.manifests import (
    INCLUDE_LIMIT,
    PACKAGE_JSON,
    PYPROJECT,
    parse_pyproject,
    requirements_closure,
    setup_declarations,
)
from landguard.checks.deps.snapshot import NPM, PYPI, normalize_pypi
from landguard.checks.deps.verdicts import import_typo_verdict
from landguard.checks.secrets.heuristics import is_sample_path
from landguard.engine.files import read_regular_text
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.languages import JS_FAMILY
from landguard.engine.registry import CheckContext, NodeCheck, Rule, RunKey
from landguard.engine.testcode import relative_path

RULE = Rule(
    id="LG504",
    name="undeclared-import",
    title="Import of a third-party package the manifest does not declare",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(1357, 829),
    docs=__doc__ or "",
    languages=frozenset({"python"}) | JS_FAMILY,
)

STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"__future__", "_typeshed"}
# Modules that no distribution provides: Python 2's and removed standard-library modules (imported
# by code that supports several versions), and modules the runtime or platform supplies.
NOT_DISTRIBUTIONS = frozenset(
    "httplib urllib2 urlparse cPickle cStringIO StringIO Queue ConfigParser __builtin__ Cookie cookielib "
    "thread dummy_threading dummy_thread HTMLParser htmlentitydefs xmlrpclib SimpleXMLRPCServer SocketServer "
    "BaseHTTPServer SimpleHTTPServer CGIHTTPServer Tkinter tkMessageBox commands md5 sha sets exceptions "
    "anydbm dbhash whichdb robotparser UserDict UserList UserString copy_reg repr imp distutils asynchat "
    "asyncore smtpd _winreg winreg msvcrt _winapi __pypy__ js pyodide pyodide_js _pyodide java jarray "
    "clr System".split()
)


@dataclass(frozen=True)
class Project:
    root: Path
    manifest_names: tuple[str, ...]  # for the message
    declared: frozenset[str]  # normalized distribution / package names
    first_party: frozenset[str]  # top-level module names of the project itself
    installed: tuple[tuple[str, str], ...]  # (top-level module, distribution) from the project's venv
    # Packages of the project's own sample applications (``examples/sqlalchemy/app/``): what its
    # documentation and examples import as "your app", not distributions.
    sample_packages: frozenset[str] = frozenset()


_ROOT_MANIFESTS = ("pyproject.toml", "setup.py", "setup.cfg", "PKG-INFO")
_DIRECT_REFERENCE = re.compile(r"(?m)^\s*([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*@\s*\S")
# What a setup.py imports from the build backend that runs it (the PEP 517 fallback: setuptools).
_BUILD_BACKEND_MODULES = frozenset({"setuptools", "distutils", "pkg_resources"})


def _is_python_manifest(name: str) -> bool:
    if name in _ROOT_MANIFESTS:
        return True
    base = name.rsplit("/", 1)[-1]
    return "requirements" in base and base.endswith((".txt", ".in"))


def _stamp(folder: Path, ecosystem: str) -> tuple:
    """Names and modification times of the manifests in a folder (so edits to them are noticed);
    for Python also the files of a ``requirements/`` folder beside them."""
    names = _manifest_names(folder, ecosystem)
    stamps = []
    for name in names or ():
        try:
            stamps.append((name, (folder / name).stat().st_mtime_ns))
        except OSError:
            pass
    return tuple(stamps)


# Per folder and ecosystem: (what the listing was read under, the manifest names in it). Every
# file of a tree asks about every folder above it; a folder's listing is read again only when its
# modification time (or its ``requirements/``'s) moved, which creating, deleting or renaming an
# entry does. A listing read within ``_RACY_SECONDS`` of that time is not kept: a change in the
# same clock tick would leave the time as it was (git's "racily clean" rule).
_LISTINGS: dict[tuple[str, str], tuple[tuple, tuple[str, ...] | None]] = {}
_LISTINGS_LIMIT = 4096
_RACY_SECONDS = 2


def _listing_basis(folder: Path, ecosystem: str) -> tuple[tuple, int] | None:
    """(what the folder's listing depends on, the newest modification time in it); None when the
    folder cannot be read."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    basis: tuple = (info.st_dev, info.st_ino, info.st_mode, info.st_mtime_ns)  # mode: a chmod
    newest = info.st_mtime_ns
    if ecosystem == PYPI:
        try:
            extra = os.stat(folder / "requirements")
        except OSError:
            basis += (None,)
        else:
            basis += (extra.st_ino, extra.st_mtime_ns)
            newest = max(newest, extra.st_mtime_ns)
    return basis, newest


def _manifest_names(folder: Path, ecosystem: str) -> tuple[str, ...] | None:
    """The manifests' names in ``folder``, sorted (``requirements/…`` after the others); None when
    it cannot be listed."""
    key = (str(folder), ecosystem)
    read = _listing_basis(folder, ecosystem)
    cached = _LISTINGS.get(key)
    if cached is not None and read is not None and cached[0] == read[0]:
        return cached[1]
    names = _read_manifest_names(folder, ecosystem)
    if read is not None and time.time_ns() - read[1] > _RACY_SECONDS * 1_000_000_000:
        if len(_LISTINGS) >= _LISTINGS_LIMIT:
            _LISTINGS.clear()
        _LISTINGS[key] = (read[0], names)
    return names


def _read_manifest_names(folder: Path, ecosystem: str) -> tuple[str, ...] | None:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    if ecosystem == PYPI and "requirements" in names and (folder / "requirements").is_dir():
        try:
            names += sorted(
                f"requirements/{n}"
                for n in os.listdir(folder / "requirements")
                if n.endswith((".txt", ".in"))
            )
        except OSError:
            pass
    wanted = (
        (lambda n: _is_python_manifest(n) or n.startswith("requirements/"))
        if ecosystem == PYPI
        else (lambda n: n == PACKAGE_JSON)
    )
    return tuple(name for name in names if wanted(name))


def _declared_in(path: Path, name: str) -> tuple[set[str], str | None]:
    """(normalized distributions a Python manifest declares, the project's own name if it says)."""
    if name == PYPROJECT:
        text = read_regular_text(path, INCLUDE_LIMIT)  # a FIFO or /dev/zero named pyproject.toml: skipped
        if text is None:
            return set(), None
        own = re.search(
            r"(?m)^\[(?:project|tool\.poetry)\]\s*$(?:(?!^\[).)*?^name\s*=\s*[\"']([^\"']+)", text, re.S
        )
        declared = {normalize_pypi(d.name) for d in parse_pyproject(text).dependencies}
        return declared, own.group(1) if own else None
    if name in ("setup.py", "setup.cfg", "PKG-INFO"):
        names, own = setup_declarations(path)
        return {normalize_pypi(n) for n in names}, own
    declared = {normalize_pypi(d.name) for d in requirements_closure(path)}
    text = read_regular_text(path, INCLUDE_LIMIT)
    if text is not None:  # `name @ git+https://…` direct references declare the name too
        declared |= {normalize_pypi(m) for m in _DIRECT_REFERENCE.findall(text)}
    return declared, None


@functools.lru_cache(maxsize=32)
def _python_project(levels: tuple[tuple[str, tuple], ...]) -> Project:
    """The project of a file: the manifests of every folder from the file's up to the project root
    (the first folder with pyproject.toml, setup.py, setup.cfg or PKG-INFO), merged."""
    declared: set[str] = set()
    first_party: set[str] = set()
    names: list[str] = []
    for root, stamp in levels:
        folder = Path(root)
        for name, _ in stamp:
            found, own = _declared_in(folder / name, name)
            declared |= found
            names.append(name)
            if own:
                declared.add(normalize_pypi(own))
                first_party.add(re.sub(r"[-.]", "_", own).lower())
        for base in (folder, folder / "src", folder / "server", folder / "lib"):
            try:
                entries = os.listdir(base)
            except OSError:
                continue
            for entry in entries:
                if entry.endswith(".py"):
                    first_party.add(entry[:-3])
                elif not entry.startswith(".") and (base / entry).is_dir():
                    first_party.add(entry)
    root = Path(levels[-1][0])
    unique_names = tuple(dict.fromkeys(names))
    return Project(
        root,
        unique_names,
        frozenset(declared),
        frozenset(first_party),
        _installed(root),
        _sample_packages(root),
    )


_SAMPLE_DEPTH = 4
_SAMPLE_FOLDERS_SEEN = 2000  # a bound on the walk (documentation trees can be large)


def _sample_packages(root: Path) -> frozenset[str]:
    """Names of the packages (folders with ``__init__.py``) inside the project's sample folders
    (``examples/``, ``docs/``, ``docs_src/``, ``demo/`` …), a few levels deep."""
    found: set[str] = set()
    seen = 0
    try:
        tops = [entry for entry in os.scandir(root) if entry.is_dir() and is_sample_path(f"{entry.name}/x")]
    except OSError:
        return frozenset()
    stack = [(Path(entry.path), 1) for entry in tops]
    while stack and seen < _SAMPLE_FOLDERS_SEEN:
        folder, depth = stack.pop()
        seen += 1
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        if any(entry.name == "__init__.py" for entry in entries):
            found.add(folder.name)
        if depth < _SAMPLE_DEPTH:
            stack.extend(
                (Path(entry.path), depth + 1)
                for entry in entries
                if entry.is_dir(follow_symlinks=False) and not entry.name.startswith((".", "__"))
            )
    return frozenset(found)


def _installed(root: Path) -> tuple[tuple[str, str], ...]:
    """Top-level modules of the distributions in the project's own virtual environment (read, not run)."""
    pairs = []
    for venv in (".venv", "venv", "env"):
        for site in (root / venv).glob("lib/python3*/site-packages"):
            for info in site.glob("*.dist-info"):
                distribution = info.name[: -len(".dist-info")].rsplit("-", 1)[0]
                listed = read_regular_text(info / "top_level.txt", INCLUDE_LIMIT)
                modules = listed.split() if listed is not None else [distribution.replace("-", "_").lower()]
                pairs.extend((module, distribution) for module in modules)
    return tuple(pairs)


@functools.lru_cache(maxsize=32)
def _js_project(stamps: tuple) -> Project:
    """Every package.json from the file's folder up: dependencies of all sections, and package names."""
    declared: set[str] = set()
    names = []
    for folder, _ in stamps:
        path = Path(folder) / PACKAGE_JSON
        names.append(str(path))
        text = read_regular_text(path, INCLUDE_LIMIT)
        try:
            data = json.loads(text) if text is not None else None
        except (ValueError, RecursionError):
            continue
        if not isinstance(data, dict):
            continue
        if isinstance(data.get("name"), str):
            declared.add(data["name"].lower())
        # Hosts that provide a module to the code they run: a VS Code extension imports `vscode`.
        if isinstance(data.get("engines"), dict) and "vscode" in data["engines"]:
            declared.add("vscode")
        for section in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
            if isinstance(data.get(section), dict):
                declared |= {str(k).lower() for k in data[section]}
    root = Path(stamps[-1][0])
    # Folders and modules at the top of a package or its src/ are what path aliases point at
    # (tsconfig `paths`/`baseUrl`: `import { x } from "types"` with `src/types/`).
    local: set[str] = set()
    for folder, _ in stamps:
        for base in (Path(folder), Path(folder) / "src"):
            try:
                entries = os.listdir(base)
            except OSError:
                continue
            local |= {
                re.sub(r"\.(?:d\.)?[cm]?[jt]sx?$", "", e).lower() for e in entries if not e.startswith(".")
            }
    local.discard("node_modules")
    return Project(root, (PACKAGE_JSON,), frozenset(declared), frozenset(local), ())


_recent: dict[tuple[str, str], tuple[float, Project | None]] = {}
RECHECK_SECONDS = 2.0  # how long a project lookup is reused: keystrokes should not walk the disk each time


def project_for(path: str | None, language: str) -> Project | None:
    if not path:
        return None
    ecosystem = "python" if language == "python" else "js"
    # A file that is not a symbolic link has the project of its folder (``_find_project`` starts
    # from the resolved parent), so the files of one folder share a lookup: a tree's check
    # resolved and walked the same folders for each of its files.
    key = (path, ecosystem) if os.path.islink(path) else (os.path.dirname(os.path.abspath(path)), ecosystem)
    now = time.monotonic()
    recent = _recent.get(key)
    if recent is not None and now - recent[0] < RECHECK_SECONDS:
        return recent[1]
    if len(_recent) > 256:
        _recent.clear()
    project = _find_project(path, language)
    _recent[key] = (now, project)
    return project


def _boundaries() -> frozenset[Path]:
    """Folders that hold many unrelated things, never one project: the home and temp folders and
    the filesystem root. A stray ``requirements.txt`` there (another tool's build file in /tmp)
    is not the manifest of a checkout below it."""
    # Asked for every file: resolved once per temp folder and home setting.
    return _boundaries_for(tempfile.gettempdir(), os.environ.get("HOME"))


@functools.lru_cache(maxsize=4)
def _boundaries_for(temp: str, home: str | None) -> frozenset[Path]:
    found = {Path(temp).resolve(), Path("/")}
    try:
        found.add(Path.home().resolve())
    except (KeyError, RuntimeError, OSError):  # no home directory for this user
        pass
    return frozenset(found)


def _project_folders(start: Path) -> list[Path]:
    """``start`` and its parents, up to (not including) the first boundary folder."""
    boundaries = _boundaries()
    folders = []
    for folder in (start, *start.parents):
        if folder in boundaries:
            break
        folders.append(folder)
    return folders


def _find_project(path: str, language: str) -> Project | None:
    try:
        start = Path(path).resolve().parent
        folders = _project_folders(start)
        if language == "python":
            levels = []
            for folder in folders:
                stamp = _stamp(folder, PYPI)
                if stamp:
                    levels.append((str(folder), stamp))
                    if any(name in _ROOT_MANIFESTS for name, _ in stamp):
                        break
                if (folder / ".git").exists():
                    break
            return _python_project(tuple(levels)) if levels else None
        stamps = tuple((str(f), s) for f in folders if (s := _stamp(f, NPM)))
        return _js_project(stamps) if stamps else None
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
        return None


def is_local_module(path: str | None, module: str, root: Path | None) -> bool:
    """A module next to the file or in a folder between it and the project root (scripts, test helpers)."""
    if not path:
        return False
    try:
        folder = Path(path).resolve().parent
    except (OSError, RuntimeError):  # a symlink loop
        return False
    for candidate in (folder, *folder.parents):
        if (candidate / f"{module}.py").exists() or (candidate / module / "__init__.py").exists():
            return True
        if (candidate / module).is_dir() and candidate == folder:
            return True  # a namespace package beside the file
        if root is None or candidate == root:
            break
    return False


def distributions_for(module: str, dotted: str, project: Project) -> list[str]:
    candidates = [name for top, name in project.installed if top == module]
    parts = dotted.split(".")
    for key in [
        ".".join(parts[:n]) for n in range(len(parts), 0, -1)
    ]:  # `pdm.backend.hooks` -> `pdm.backend`
        if key in IMPORT_TO_DISTRIBUTION:
            candidates.append(IMPORT_TO_DISTRIBUTION[key])
    candidates.append(module)
    return candidates


def _optional_modules(document, context: CheckContext) -> frozenset[str]:
    """Top-level modules the file imports with an ImportError fallback (or only for the type
    checker) somewhere at module level: `try: import markdown except ImportError: markdown = None`
    makes a later `if markdown: from markdown.x import y` optional too."""

    def build() -> frozenset[str]:
        found: set[str] = set()
        if document.tree is not None and document.language == "python":
            # python_imports finds nothing in a statement without the word (lines_with is a superset).
            for unit in document.top_level_nodes_with(("import",)):
                found |= {i.package for i in unit_imports(unit, document, context) if i.optional}
        return frozenset(found)

    return context.cache.get(_OPTIONAL, id(document.tree), build)


_OPTIONAL: RunKey[frozenset[str]] = RunKey("LG504.optional_modules")
_FIRST_IMPORTS: RunKey[tuple[tuple[str, int], ...]] = RunKey("LG504.first_imports")
_PROJECT: RunKey[Project | None] = RunKey("LG504.project")


def _first_imports(document, context: CheckContext) -> tuple[tuple[str, int], ...]:
    """(package, line of its first import) for every package the file imports, once per run."""

    def build() -> tuple[tuple[str, int], ...]:
        first: dict[str, int] = {}
        if document.tree is not None:
            # Python: only the statements that mention imports (see _optional_modules). JavaScript:
            # the whole program at once (js_imports on a split bundle's top-level statement sees
            # only its own code, not the functions analysed as units of their own), kept across
            # edits (``program_imports``).
            if document.language == "python":
                imports = [
                    imported
                    for unit in document.top_level_nodes_with(("import",))
                    for imported in unit_imports(unit, document, context)
                ]
            else:
                imports = program_imports(document)
            for imported in imports:
                if not imported.optional:  # type-only and guarded imports are never reported
                    first.setdefault(imported.package, imported.span.start_line)
        return tuple(sorted(first.items()))

    return context.cache.get(_FIRST_IMPORTS, id(document.tree), build)


def _first_import(document, context: CheckContext, package: str, line: int) -> bool:
    return dict(_first_imports(document, context)).get(package, line) == line


def types_package(package: str) -> str:
    """The DefinitelyTyped package for an npm package: `foo` -> `@types/foo`, `@a/b` -> `@types/a__b`."""
    return "@types/" + package.lower().lstrip("@").replace("/", "__")


class UndeclaredImportCheck(NodeCheck):
    rules = (RULE,)
    languages = frozenset({"python"}) | JS_FAMILY

    def _project(self, document, context: CheckContext) -> Project | None:
        return context.cache.get(_PROJECT, None, lambda: project_for(document.path, document.language))

    def module_context_key(self, document, context: CheckContext) -> object:
        project = self._project(document, context)
        if project is None:
            return None
        return (
            str(project.root),
            project.declared,
            project.first_party,
            _optional_modules(document, context),
            _first_imports(document, context),
        )

    def check_node(self, node, document, context: CheckContext) -> Iterable[Finding]:
        project = self._project(document, context)
        if project is None:
            return
        if document.language == "python":
            yield from self._python(node, document, project, context)
        else:
            yield from self._javascript(node, document, project, context)

    def _python(self, node, document, project: Project, context: CheckContext) -> Iterable[Finding]:
        for imported in unit_imports(node, document, context):
            module = imported.package
            if imported.optional or module in STDLIB or module in NOT_DISTRIBUTIONS:
                continue
            if module in _optional_modules(document, context):
                continue  # imported elsewhere in the module with an ImportError fallback
            if module in _BUILD_BACKEND_MODULES and Path(document.path or "").name == "setup.py":
                continue
            if module in project.first_party:
                continue
            if is_local_module(document.path, module, project.root):
                continue
            if module in project.sample_packages and is_sample_path(
                relative_path(document.path or "", str(project.root))
            ):
                continue  # documentation importing the sample app it describes (``from app.db import``)
            candidates = distributions_for(module, imported.dotted, project)
            if any(normalize_pypi(c) in project.declared for c in candidates):
                continue
            if import_typo_verdict(module, PYPI) is not None:
                continue  # reported as a missing or look-alike package (LG501/LG502)
            if not _first_import(document, context, module, imported.span.start_line):
                continue  # one finding per module and file, on its first import
            meant = next((c for c in candidates if c != module), module)
            yield RULE.finding(
                imported.span,
                f"`{module}` is imported but its distribution `{meant}` is not declared in "
                f"{' / '.join(project.manifest_names)}",
                properties={"source": "offline", "module": module, "distribution": meant},
            )

    def _javascript(self, node, document, project: Project, context: CheckContext) -> Iterable[Finding]:
        for imported in unit_imports(node, document, context):
            package = imported.package
            if package.lower() in project.declared or package.startswith("@types/"):
                continue
            if imported.optional and types_package(package) in project.declared:
                continue  # `import type` is satisfied by the DefinitelyTyped package
            if "/" not in package and package.lower() in project.first_party:
                continue  # a path alias to the project's own folder
            if not _first_import(document, context, package, imported.span.start_line):
                continue
            if import_typo_verdict(package, NPM) is not None:
                continue
            yield RULE.finding(
                imported.span,
                f"`{package}` is imported but not declared in package.json",
                properties={"source": "offline", "package": package},
            )


CHECK = UndeclaredImportCheck()
