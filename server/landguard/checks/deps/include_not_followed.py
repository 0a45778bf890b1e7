"""## What it does
Tells you when Landguard did not follow a `-r`/`-c` include of a requirements file: the
included file lies outside the project (`-r /etc/passwd`, `-r ../../../other/reqs.txt`), is
not a regular file (a FIFO, a device such as `/dev/zero`), is larger than 2 MB, or is a URL.
The dependencies it would declare are then unknown to the undeclared-import check (LG504).

## Why is this bad?
A requirements file comes with the repository, and so do its includes: following them
anywhere would let a repository make Landguard read files outside it, block forever on a
FIFO or read a device until memory runs out. Landguard refuses; this note makes the gap
visible instead of silent.

## Example
```
# requirements.txt
-r /etc/passwd
-r /dev/zero
```

## Use instead
```
# requirements.txt
-r requirements/base.txt
```
Keep included requirements files inside the project, as regular files.

## References
- pip, "Requirements File Format": https://pip.pypa.io/en/stable/reference/requirements-file-format/
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from landguard.checks.deps.common import MANIFEST_LANGUAGES, document_manifest
from landguard.checks.deps.manifests import REQUIREMENTS, include_problem, project_root_for
from landguard.engine.findings import Confidence, Finding, Severity, Span
from landguard.engine.registry import CheckContext, DocumentCheck, Rule

RULE = Rule(
    id="LG003",
    name="include-not-followed",
    title="Requirements include not followed (outside the project, not a regular file, or too large)",
    severity=Severity.NOTE,
    confidence=Confidence.HIGH,
    cwe=(),
    docs=__doc__ or "",
    languages=MANIFEST_LANGUAGES,
)


class IncludeNotFollowedCheck(DocumentCheck):
    rules = (RULE,)
    languages = MANIFEST_LANGUAGES

    def check_document(self, document, context: CheckContext) -> Iterable[Finding]:
        if not document.path:
            return
        manifest = document_manifest(document)
        if manifest is None or manifest.kind != REQUIREMENTS:
            return
        path = Path(document.path)
        root = project_root_for(path.parent)
        for include, line in zip(manifest.includes, manifest.include_lines, strict=True):
            problem = include_problem(path, include, root)
            if problem is None or line >= len(document.lines):
                continue
            text = document.lines[line]
            start = text.find(include)
            span = (
                Span.on_line(line, start, start + len(include))
                if start >= 0
                else Span.on_line(line, 0, len(text))
            )
            yield RULE.finding(span, f"Include {include!r} not followed: {problem}")


CHECK = IncludeNotFollowedCheck()
