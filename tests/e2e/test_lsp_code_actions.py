"""End to end: quick fixes and suppressions from diagnostics' data, and hover docs."""

from __future__ import annotations

import ast

from conftest import apply_text_edits, code_actions, edits_for, send_edits
from lsprotocol import types

# A GitHub token shape (ghp_ + 36 alphanumerics), built so this file does not contain one whole.
TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6q7R8"
SECRET_SOURCE = f'import requests\n\nTOKEN = "{TOKEN}"\nrequests.get("https://api.github.com", timeout=5)\n'
EVAL_SOURCE = "import sys\n\nvalue = eval(sys.argv[1])\nprint(value)\n"


def family(diagnostics, prefix):
    return [d for d in diagnostics if str(d.code).startswith(prefix)]


async def test_secret_quick_fix_removes_the_finding(session):
    await session.initialize()
    uri = session.open("settings.py", SECRET_SOURCE)
    diagnostics = await session.diagnostics(uri, version=1, where=lambda ds: family(ds, "LG1"))
    secret = next(d for d in family(diagnostics, "LG1") if d.data["fixes"])
    assert secret.range.start.line == 2
    assert TOKEN not in secret.message, "a secret is never shown whole"
    assert "CWE-" in secret.message
    actions = await code_actions(session, uri, secret)
    titles = [a.title for a in actions]
    assert f"Suppress {secret.code} on this line" in titles
    # Secrets offer an allowlist among the rule's own fixes.
    assert any("allowlist" in t.lower() for t in titles)
    fix = next(a for a in actions if a.is_preferred) if any(a.is_preferred for a in actions) else actions[0]
    assert fix.kind == types.CodeActionKind.QuickFix
    if session.capabilities.workspace.workspace_edit.document_changes:
        assert fix.edit.document_changes[0].text_document.version == 1
    else:
        assert uri in fix.edit.changes
    edits = edits_for(fix, uri)
    fixed = apply_text_edits(SECRET_SOURCE, edits)
    ast.parse(fixed)
    assert TOKEN not in fixed
    version = send_edits(session, uri, edits)
    after = await session.diagnostics(uri, version=version)
    assert not [d for d in after if d.code == secret.code], [d.message for d in after]


async def test_python_quick_fix_removes_the_finding(session):
    await session.initialize()
    uri = session.open("calc.py", EVAL_SOURCE)
    diagnostics = await session.diagnostics(uri, version=1, where=lambda ds: family(ds, "LG2"))
    finding = next(d for d in family(diagnostics, "LG2") if d.data["fixes"])
    actions = await code_actions(session, uri, finding)
    fix = next(a for a in actions if not a.title.startswith("Suppress"))
    edits = edits_for(fix, uri)
    ast.parse(apply_text_edits(EVAL_SOURCE, edits))
    version = send_edits(session, uri, edits)
    after = await session.diagnostics(uri, version=version)
    assert not [d for d in after if d.code == finding.code]


async def test_suppress_action_silences_the_finding(session):
    await session.initialize()
    text = "x = 1\x00\n"
    uri = session.open("blob.py", text)
    [diagnostic] = await session.diagnostics(uri, version=1, where=bool)
    actions = await code_actions(session, uri, diagnostic)
    [suppress] = [a for a in actions if a.title == "Suppress LG002 on this line"]
    edits = edits_for(suppress, uri)
    assert apply_text_edits(text, edits) == "x = 1\x00  # landguard: ignore[LG002] -- reason\n"
    version = send_edits(session, uri, edits)
    assert await session.diagnostics(uri, version=version) == []


async def test_suppress_action_for_a_rule_finding_in_javascript(session):
    await session.initialize()
    text = f'const token = "{TOKEN}";\nconsole.log(token);\n'
    uri = session.open("app.js", text, language_id="javascript")
    diagnostics = await session.diagnostics(uri, version=1, where=lambda ds: family(ds, "LG1"))
    secret = family(diagnostics, "LG1")[0]
    actions = await code_actions(session, uri, secret)
    [suppress] = [a for a in actions if a.title.startswith("Suppress") and a.title.endswith("on this line")]
    edits = edits_for(suppress, uri)
    assert f"// landguard: ignore[{secret.code}] -- reason" in apply_text_edits(text, edits)
    version = send_edits(session, uri, edits)
    after = await session.diagnostics(uri, version=version)
    assert not [d for d in after if d.code == secret.code]


async def test_no_suppress_action_for_json(session):
    await session.initialize()
    text = f'{{"token": "{TOKEN}"}}\n'
    uri = session.open("config.json", text, language_id="json")
    diagnostics = await session.diagnostics(uri, version=1, where=lambda ds: family(ds, "LG1"))
    actions = await code_actions(session, uri, family(diagnostics, "LG1")[0])
    assert not [a for a in actions if a.title.startswith("Suppress")]


async def test_code_action_ignores_foreign_and_malformed_diagnostics(session):
    await session.initialize()
    uri = session.open("other.py", "x = 1\n")
    await session.diagnostics(uri, version=1)
    foreign = types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 1)), message="m", source="x"
    )
    broken = types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 1)),
        message="m",
        source="landguard",
        code="LG203",
        data={"fixes": [{"title": "t"}]},
    )
    assert not await code_actions(session, uri, foreign)
    assert not await code_actions(session, uri, broken)


async def test_hover_shows_the_rule_docs(session):
    await session.initialize()
    uri = session.open("blob.py", "x = 1\x00\n")
    [diagnostic] = await session.diagnostics(uri, version=1, where=bool)
    hover = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 2))
    )
    assert hover.contents.kind == types.MarkupKind.Markdown
    text = hover.contents.value
    assert "LG002" in text and "What it does" in text
    assert "Severity" in text and "Confidence" in text and "CWE" in text
    assert hover.range == diagnostic.range
    nothing = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(1, 0))
    )
    assert nothing is None


async def test_hover_names_the_cwe_of_a_rule(session):
    await session.initialize()
    uri = session.open("calc.py", EVAL_SOURCE)
    diagnostics = await session.diagnostics(uri, version=1, where=lambda ds: family(ds, "LG2"))
    finding = family(diagnostics, "LG2")[0]
    hover = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=finding.range.start)
    )
    assert str(finding.code) in hover.contents.value
    assert "cwe.mitre.org" in hover.contents.value
