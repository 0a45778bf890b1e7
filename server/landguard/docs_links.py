"""Where rule documentation links (LSP ``codeDescription.href``, hovers, SARIF ``helpUri``) point.

By default at the rules' documentation of the installed version, as a local file: the Markdown
``landguard rules --format markdown`` prints (the same text as docs/rules.md), written once
per version into Landguard's cache folder, so a link always resolves, offline, to the docs of
the rules that produced the finding (no second copy in the repository to go stale). Set
``LANDGUARD_DOCS_URL`` to a base URL (e.g. a company's published copy of docs/rules.md) to link
there instead; the rule's anchor (``#lg201``) is appended either way.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

from landguard import __version__

DOCS_URL_ENV = "LANDGUARD_DOCS_URL"


@functools.cache
def docs_base() -> str:
    override = os.environ.get(DOCS_URL_ENV, "").strip()
    if override:
        return override
    return shipped_docs().as_uri()


@functools.cache
def project_url() -> str | None:
    """The project's home, from the one place it is declared: ``[project.urls]`` in pyproject.toml.

    None while none is declared: better no link than a placeholder that leads nowhere.
    """
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("landguard").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    by_label = {}
    for entry in urls:
        label, _, url = entry.partition(",")
        by_label[label.strip().lower()] = url.strip()
    for label in ("repository", "source", "homepage", "documentation"):
        if by_label.get(label):
            return by_label[label]
    return None


def rule_docs_uri(rule_id: str) -> str:
    return f"{docs_base()}#{rule_id.lower()}"


def shipped_docs() -> Path:
    """The rules' Markdown documentation of this version, written to the cache on first use."""
    from landguard.checks.deps.cache import cache_dir
    from landguard.cli import rules_markdown
    from landguard.engine.registry import all_rules

    text = rules_markdown(list(all_rules().values()))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    name = f"rules-{__version__}-{digest}.md"
    for folder in (cache_dir() / "docs", Path(tempfile.gettempdir()) / "landguard-docs"):
        file = folder / name
        try:
            if not file.is_file():
                folder.mkdir(parents=True, exist_ok=True)
                with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(handle.name, file)  # atomic: parallel writers write the same text
            return file.resolve()
        except OSError:
            continue
    return (cache_dir() / "docs" / name).resolve()
