"""End to end: pull diagnostics (textDocument/diagnostic, workspace/diagnostic) for clients that
advertise them, and no publishDiagnostics to such a client."""

from __future__ import annotations

import asyncio

from lsprotocol import types

SOURCE = "import sys\n\nvalue = eval(sys.argv[1])\n"


async def pull(session, uri, previous=None):
    return await session.client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=previous
        )
    )


def codes(report):
    return [str(d.code) for d in report.items]


async def test_document_pull_follows_edits_and_nothing_is_pushed(session):
    session.pull = True
    result = await session.initialize()
    provider = result.capabilities.diagnostic_provider
    assert provider is not None and provider.workspace_diagnostics
    uri = session.open("calc.py", SOURCE)
    report = await pull(session, uri)
    assert report.kind == "full" and "LG203" in codes(report)
    assert report.result_id
    again = await pull(session, uri, report.result_id)
    assert again.kind == "unchanged" and again.result_id == report.result_id
    # An edit: the pull waits for the new version's analysis.
    session.edit(uri, (2, 8), (2, 12), "int")
    fixed = await pull(session, uri, report.result_id)
    assert fixed.kind == "full" and "LG203" not in codes(fixed)
    session.close(uri)
    await asyncio.sleep(0.3)
    assert not session.published(uri), "a pulling client gets no publishDiagnostics"


async def test_workspace_pull_reports_open_and_unopened_files(session):
    session.pull = True
    (session.root / "lib.py").write_text(SOURCE)
    (session.root / "clean.py").write_text("x = 1\n")
    await session.initialize()
    opened = session.open("calc.py", SOURCE.replace("value", "result"))
    await pull(session, opened)
    report = await session.client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    by_uri = {item.uri: item for item in report.items}
    lib = by_uri[(session.root / "lib.py").as_uri()]
    assert lib.kind == "full" and "LG203" in codes(lib) and lib.version is None
    assert by_uri[opened].version == 1 and "LG203" in codes(by_uri[opened])
    assert (session.root / "clean.py").as_uri() not in by_uri
    # Asked again with the result ids it has: everything is unchanged.
    previous = [types.PreviousResultId(uri=item.uri, value=item.result_id) for item in report.items]
    again = await session.client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=previous)
    )
    assert {item.kind for item in again.items} == {"unchanged"}
    assert not session.published(opened)


async def test_push_client_is_not_offered_pull_results_twice(session):
    # A client without textDocument.diagnostic keeps getting publishDiagnostics.
    await session.initialize()
    uri = session.open("calc.py", SOURCE)
    diagnostics = await session.diagnostics(uri, version=1, where=bool)
    assert "LG203" in [str(d.code) for d in diagnostics]


async def test_debug_info_command(session):
    (session.root / "landguard.toml").write_text('ignore = ["LG2"]\n')
    await session.initialize()
    info = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="landguard.debugInfo", arguments=[])
    )
    assert info["version"] and info["python"]
    assert info["configSource"].endswith("landguard.toml")
    assert "LG101" in info["rulesEnabled"] and "LG203" in info["rulesDisabled"]
    assert info["resolveCodeActions"] is True and info["pullDiagnostics"] is False
