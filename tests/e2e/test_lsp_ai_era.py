"""End to end, over LSP: LG604's fix creates the AI ignore files, the audit trail records what the
editor does (a fix chosen, a large paste), and an unwritable trail is said once while serving goes on."""

from __future__ import annotations

import ast
import json

from conftest import OFFLINE, code_actions
from lsprotocol import types

# Assembled at run time so no whole credential sits in the repository.
STRIPE_KEY = "sk_live_" + "51HqLyjWDarjtT1zdp7dcXYZabcdEFGH"
EVAL_SOURCE = "import sys\n\nvalue = eval(sys.argv[1])\nprint(value)\n"


def codes(rule):
    return lambda diagnostics: [d for d in diagnostics if d.code == rule]


async def test_exposed_env_file_fix_creates_the_ignore_files(session):
    (session.root / ".git").mkdir()
    await session.initialize()
    env = f"STRIPE_SECRET_KEY={STRIPE_KEY}\n"
    uri = session.open(".env", env, "dotenv", write=True)
    (exposure,) = codes("LG604")(await session.diagnostics(uri, version=1, where=codes("LG604")))
    assert exposure.range.start.line == 0 and STRIPE_KEY not in exposure.message
    actions = await code_actions(session, uri, exposure)
    (fix,) = [a for a in actions if a.title.startswith("Exclude it from AI assistants")]
    if session.capabilities.workspace.workspace_edit.document_changes:
        changes = fix.edit.document_changes
        created = sorted(c.uri.rsplit("/", 1)[-1] for c in changes if isinstance(c, types.CreateFile))
        assert created == [".aiexclude", ".cursorignore"]
        edits = {c.text_document.uri: c.edits for c in changes if isinstance(c, types.TextDocumentEdit)}
    else:
        edits = fix.edit.changes  # the editor opens buffers for the new files
    assert sorted(u.rsplit("/", 1)[-1] for u in edits) == [".aiexclude", ".cursorignore"]
    # Apply it as the editor would: create, then insert.
    for target, text_edits in edits.items():
        (session.root / target.rsplit("/", 1)[-1]).write_text("".join(e.new_text for e in text_edits))
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=session.uri(".cursorignore"), type=types.FileChangeType.Created)]
        )
    )
    session.edit(uri, (1, 0), (1, 0), "DEBUG=1\n")
    after = await session.diagnostics(uri, version=2)
    assert not codes("LG604")(after), [d.message for d in after]


async def test_audit_trail_records_a_chosen_fix_and_a_large_paste(session):
    (session.root / "landguard.toml").write_text("audit = true\n")
    await session.initialize(OFFLINE)
    uri = session.open("calc.py", EVAL_SOURCE, write=True)
    diagnostics = await session.diagnostics(
        uri, version=1, where=lambda ds: [d for d in ds if str(d.code).startswith("LG2")]
    )
    finding = next(d for d in diagnostics if str(d.code).startswith("LG2") and d.data["fixes"])
    actions = await code_actions(session, uri, finding)
    fix = next(a for a in actions if not a.title.startswith("Suppress"))
    command = fix.command
    if isinstance(fix, types.Command):
        # lsprotocol's client side reads a CodeAction that has a command as a Command (the union's
        # structuring goes by field names); editors tell them apart by the type of `command`.
        command = types.Command(**ast.literal_eval(fix.command))
    assert command is not None and command.command == "landguard.audit.fixApplied"
    await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
    )
    pasted = "".join(f"def helper_{n}(x):\n    return x + {n}\n\n" for n in range(6))
    session.edit(uri, (4, 0), (4, 0), pasted)
    await session.diagnostics(uri, version=2)
    log = session.root / ".landguard" / "audit.jsonl"

    def events():
        if not log.exists():
            return None
        records = [json.loads(line) for line in log.read_text().splitlines()]
        names = [r["event"] for r in records]
        return records if "fix.applied" in names and "insertion" in names else None

    records = await session.wait_for(events, what="audit records")
    (insertion,) = [r for r in records if r["event"] == "insertion"]
    assert insertion["lines"] == 18 and insertion["file"] == "calc.py"
    assert "helper_" not in log.read_text() and "eval(" not in log.read_text()


async def test_an_unwritable_trail_is_said_once_and_diagnostics_go_on(session):
    (session.root / "landguard.toml").write_text("audit = true\n")
    (session.root / ".landguard").write_text("a file where the folder should be")  # like a read-only disk
    await session.initialize(OFFLINE)
    uri = session.open("calc.py", EVAL_SOURCE, write=True)
    await session.diagnostics(uri, version=1, where=bool)
    messages = await session.messages(lambda m: "audit trail is off" in m.message)
    version = session.edit(uri, (0, 0), (0, 0), "# more\n")
    assert await session.diagnostics(uri, version=version, where=bool)
    version = session.edit(uri, (0, 0), (0, 0), "# more\n")
    await session.diagnostics(uri, version=version, where=bool)
    assert len([m for m in session.client.messages if "audit trail" in m.message]) == len(messages) == 1
