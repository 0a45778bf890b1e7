"""Tar archive extracted without a member filter: `tar.extractall(dest)`.

## What it does
Flags `extractall` and `extract` on a tar archive opened in the same function
(`tarfile.open(...)`, `tarfile.TarFile(...)`, `with tarfile.open(...) as tar:`, a chained
`tarfile.open(p).extractall()`), and `shutil.unpack_archive` of an archive that is not a zip,
when no extraction filter is given (`filter=`) and the code does not pick the members itself
(`members=`, or the function sets `extraction_filter`). `filter="fully_trusted"` is reported too:
it is the unsafe behaviour, spelled out.

Zip files are not reported: `zipfile` has always removed `..` and absolute paths from member
names when extracting. In test code the rule is quiet (tests extract archives they built).

The quick fix adds `filter="data"` (Python 3.12, and 3.8.17 / 3.9.17 / 3.10.12 / 3.11.4 security
releases), which refuses absolute paths, `..`, links pointing outside the destination and
device files, and drops set-uid bits. On older Pythons it raises `TypeError`; check the member
names yourself there.

## Why is this bad?
Before Python 3.14 `tarfile` extracts member names as written: a member named
`../../home/user/.bashrc` or `/etc/cron.d/job`, or a symlink to outside the destination followed
by a file written through it, writes anywhere the process can (CVE-2007-4559, "TarSlip").
An archive downloaded or uploaded is an attacker's file.

## Example
```python
with tarfile.open(upload_path) as tar:
    tar.extractall(destination)
```

## Use instead
```python
with tarfile.open(upload_path) as tar:
    tar.extractall(destination, filter="data")
```

## References
- [CWE-22: Improper Limitation of a Pathname to a Restricted Directory](https://cwe.mitre.org/data/definitions/22.html)
- [Python docs: tarfile extraction filters](https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter)
- [PEP 706: Filter for tarfile.extractall](https://peps.python.org/pep-0706/)
- Bandit B202; Ruff S202
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _origins as origins
from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import call_with_keyword, rewrite_fix
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG243",
    name="tar-extraction-without-filter",
    title="Tar archive extracted without a member filter",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(22,),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B202", "S202"),
)

_TAR_OPENERS = frozenset(
    {
        "tarfile.open",
        "tarfile.TarFile",
        "tarfile.TarFile.open",
        "tarfile.TarFile.taropen",
        "tarfile.TarFile.gzopen",
    }
)
_UNPACK = frozenset({"shutil.unpack_archive"})


def _filter_is_safe(call: Node) -> bool | None:
    """True: a filter is given; False: the unsafe one is; None: no filter."""
    given = syntax.keyword_arg(call, "filter")
    if given is None:
        return None
    value = syntax.literal_string_value(given)
    return not (syntax.is_none(given) or value == "fully_trusted")


class TarExtractionCheck(CallRule):
    rule = RULE
    callee_names = frozenset({"extractall", "extract", "unpack_archive"})

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        if syntax.has_star_args(call):
            return
        imports = py.scope_imports(call, document, context)
        flow = self.flow_for(call, unit, context)
        if name in _UNPACK:
            archive = syntax.literal_string_value(syntax.argument(call, 0, "filename")) or ""
            archive_format = syntax.literal_string_value(syntax.argument(call, 2, "format")) or ""
            if archive_format == "zip" or archive.endswith(".zip") or _filter_is_safe(call):
                return
            what = "`shutil.unpack_archive`"
        else:
            receiver = syntax.call_receiver(call)
            if origins.made_by(receiver, _TAR_OPENERS, flow, imports, call) is None:
                return
            if _filter_is_safe(call) or syntax.keyword_arg(call, "members") is not None:
                return
            if name.endswith("extractall") and len(syntax.positional_args(call)) >= 2:
                return  # extractall(path, members): the code chose the members
            if "extraction_filter" in syntax.text(syntax.scope_of(call, unit)):
                return
            what = f"`{syntax.callee_attribute(call)}`"
        fix = _data_filter_fix(call, document)
        yield RULE.finding(
            document.node_span(call),
            f"{what} extracts tar members as named: `../` or absolute paths and links write outside "
            'the destination; pass filter="data"',
            fixes=[fix] if fix else [],
        )


def _data_filter_fix(call: Node, document: Document) -> Fix | None:
    import libcst as cst

    return rewrite_fix(
        document,
        call,
        cst.Call,
        lambda _editor, target: call_with_keyword(target, "filter", cst.SimpleString('"data"')),
        'Extract with filter="data"',
    )


CHECK = TarExtractionCheck()
