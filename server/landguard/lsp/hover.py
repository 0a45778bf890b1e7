"""textDocument/hover: the documentation of the rules whose findings cover the position."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from landguard.engine.registry import Rule, get_rule

if TYPE_CHECKING:
    from landguard.lsp.server import LandguardServer


def _contains(rng: types.Range, pos: types.Position) -> bool:
    start, end = (rng.start.line, rng.start.character), (rng.end.line, rng.end.character)
    return start <= (pos.line, pos.character) <= end


def rule_markdown(rule: Rule, severity: str | None = None) -> str:
    cwe = ", ".join(f"[CWE-{n}](https://cwe.mitre.org/data/definitions/{n}.html)" for n in rule.cwe) or "none"
    header = (
        f"### {rule.id} {rule.title}\n\n"
        f"**Severity:** {severity or rule.severity.label} · **Confidence:** {rule.confidence.label} · "
        f"**CWE:** {cwe}\n\n"
    )
    # Section headings in the docs are level 2; nest them under the hover's title.
    body = rule.docs.strip().replace("\n## ", "\n#### ")
    if body.startswith("## "):
        body = "#### " + body[3:]
    return header + body + f"\n\n[Rule documentation]({rule.help_uri})"


_SEVERITY_LABEL = {
    types.DiagnosticSeverity.Error: "error",
    types.DiagnosticSeverity.Warning: "warning",
    types.DiagnosticSeverity.Information: "note",
    types.DiagnosticSeverity.Hint: "note",
}


def register(server: LandguardServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: LandguardServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        sections: list[str] = []
        ranges: list[types.Range] = []
        seen: set[str] = set()
        for diagnostic in doc.merged_diagnostics():
            if not _contains(diagnostic.range, params.position):
                continue
            rule = get_rule(str(diagnostic.code))
            if rule is None or rule.id in seen:
                continue
            seen.add(rule.id)
            sections.append(rule_markdown(rule, _SEVERITY_LABEL.get(diagnostic.severity)))
            ranges.append(diagnostic.range)
        if not sections:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(sections)),
            range=ranges[0] if len(ranges) == 1 else None,
        )
