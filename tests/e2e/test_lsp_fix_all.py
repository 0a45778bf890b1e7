"""End to end: fix on save (``source.fixAll.landguard``), "Fix all LGnnn in file", "Suppress LGnnn
in this file", and ``codeAction/resolve`` (lean diagnostic data, edits computed on demand)."""

from __future__ import annotations

import ast

from conftest import apply_text_edits, code_actions, edits_for, send_edits
from lsprotocol import types

SOURCE = (
    "import subprocess\nimport sys\n\n\n"
    "def run(name):\n"
    '    subprocess.run("ls " + name, shell=True, check=True)\n\n\n'
    "def run_again(name):\n"
    '    subprocess.call("cat " + name, shell=True)\n\n\n'
    "value = eval(sys.argv[1])\n"
)
FIXED_RULES = {"LG202", "LG203"}


def ours(diagnostics, rule=None):
    return [d for d in diagnostics if d.source == "landguard" and (rule is None or d.code == rule)]


async def open_sample(session):
    uri = session.open("tool.py", SOURCE)
    diagnostics = await session.diagnostics(
        uri, version=1, where=lambda ds: {str(d.code) for d in ds} >= FIXED_RULES
    )
    return uri, diagnostics


async def test_fix_all_on_save_applies_every_safe_fix(session):
    await session.initialize()
    uri, diagnostics = await open_sample(session)
    # What VS Code sends for "editor.codeActionsOnSave": {"source.fixAll": "explicit"}.
    for only in (["source.fixAll"], ["source.fixAll.landguard"], ["source"]):
        [action] = await code_actions(session, uri, only=only)
        assert action.kind == "source.fixAll.landguard"
    assert action.edit is not None, "resolved (or inline for clients without resolve)"
    fixed = apply_text_edits(SOURCE, edits_for(action, uri))
    ast.parse(fixed)
    assert "shell=True" not in fixed and "eval(" not in fixed.replace("literal_eval(", "")
    version = send_edits(session, uri, edits_for(action, uri))
    after = await session.diagnostics(uri, version=version)
    assert not [d for d in ours(after) if d.code in FIXED_RULES], [d.message for d in after]
    # Nothing left to fix: no fix-all action (the save leaves the file alone).
    assert not await code_actions(session, uri, only=["source.fixAll"])
    # A quick fix request does not get source actions.
    assert not [
        a
        for a in await code_actions(session, uri, ours(after)[0] if ours(after) else None, only=["quickfix"])
        if a.kind == "source.fixAll.landguard"
    ]


async def test_fix_all_without_resolve_support_inlines_the_edits(session):
    session.resolve = False
    await session.initialize()
    uri, diagnostics = await open_sample(session)
    # Clients that cannot resolve get every edit in the diagnostics' data, as before.
    assert all(isinstance(d.data["fixes"], list) for d in ours(diagnostics))
    [action] = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert action.edit is not None and action.data is None
    ast.parse(apply_text_edits(SOURCE, edits_for(action, uri)))


async def test_fix_all_of_one_rule_and_suppress_in_file(session):
    await session.initialize()
    uri, diagnostics = await open_sample(session)
    shell = ours(diagnostics, "LG202")[0]
    actions = await code_actions(session, uri, shell)
    titles = [a.title for a in actions]
    assert "Fix all LG202 in file" in titles and "Suppress LG202 in this file" in titles
    # LG203 has one finding: its quick fix is enough, no "Fix all LG203".
    assert "Fix all LG203 in file" not in [
        a.title for a in await code_actions(session, uri, ours(diagnostics, "LG203")[0])
    ]
    [fix_rule] = [a for a in actions if a.title == "Fix all LG202 in file"]
    fixed = apply_text_edits(SOURCE, edits_for(fix_rule, uri))
    ast.parse(fixed)
    assert "shell=True" not in fixed and "eval(sys.argv[1])" in fixed
    [suppress] = [a for a in actions if a.title == "Suppress LG202 in this file"]
    suppressed = apply_text_edits(SOURCE, edits_for(suppress, uri))
    assert suppressed == "# landguard: ignore-file[LG202] -- reason\n" + SOURCE
    version = send_edits(session, uri, edits_for(suppress, uri))
    after = await session.diagnostics(uri, version=version)
    assert not ours(after, "LG202") and ours(after, "LG203")
    # A second rule joins the same comment.
    [suppress_eval] = [
        a
        for a in await code_actions(session, uri, ours(after, "LG203")[0])
        if a.title == "Suppress LG203 in this file"
    ]
    assert apply_text_edits(suppressed, edits_for(suppress_eval, uri)).startswith(
        "# landguard: ignore-file[LG202, LG203] -- reason\n"
    )


async def test_lean_data_and_resolve_after_an_edit(session):
    await session.initialize()
    uri, diagnostics = await open_sample(session)
    finding = ours(diagnostics, "LG203")[0]
    assert set(finding.data) <= {"ruleId", "confidence", "key", "fixes", "suppress"}
    assert finding.data["fixes"] == 1
    actions = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=finding.range,
            context=types.CodeActionContext(diagnostics=[finding]),
        )
    )
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Use ast"))
    assert fix.edit is None and fix.data["action"] == "fix"
    # The document moves on before the user picks the action: no stale edit is applied.
    version = session.edit(uri, (0, 0), (0, 0), "# header\n")
    await session.diagnostics(uri, version=version)
    stale = await session.client.code_action_resolve_async(fix)
    assert stale.edit is None
