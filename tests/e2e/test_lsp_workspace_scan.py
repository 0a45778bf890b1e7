"""End to end: the ``landguard.scanWorkspace`` command, with progress."""

from __future__ import annotations

from lsprotocol import types

BIG = "".join(f"value_{n} = {n}\n" for n in range(30))  # over the 100-byte limit below: LG001


async def test_scan_workspace_reports_progress_and_publishes_unopened_files(session):
    (session.root / "big.py").write_text(BIG, encoding="utf-8")
    (session.root / "pkg").mkdir()
    (session.root / "pkg" / "small.py").write_text("x = 1\n", encoding="utf-8")
    (session.root / "image.bin").write_bytes(b"\x89PNG\x00\x00\x01")
    (session.root / "opened.py").write_text(BIG, encoding="utf-8")
    (session.root / "node_modules").mkdir()
    (session.root / "node_modules" / "dep.js").write_text(BIG, encoding="utf-8")
    await session.initialize({"maxFileSize": 100, "dependencies": {"online": False}})
    # An open document's diagnostics come from its buffer, not from the file on disk.
    opened = session.open("opened.py", "x = 1\n")
    assert await session.diagnostics(opened, version=1) == []

    result = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="landguard.scanWorkspace", arguments=[])
    )
    assert result["files"] == 4  # big.py, pkg/small.py, image.bin (skipped), opened.py; not node_modules
    assert result["findings"] == 2  # LG001 in big.py and in opened.py on disk

    big = session.uri("big.py")
    [diagnostic] = await session.diagnostics(big, where=bool)
    assert diagnostic.code == "LG001"
    assert not session.published(session.uri("pkg/small.py"))
    assert not session.published(session.uri("node_modules/dep.js"))
    assert [p.version for p in session.published(opened)] == [1]
    assert not session.published(opened)[-1].diagnostics

    if session.capabilities.window.work_done_progress:
        [(token, reports)] = session.client.progress_reports.items()
        kinds = [r.kind for r in reports]
        assert kinds[0] == "begin" and kinds[-1] == "end"
        assert "report" in kinds


async def test_rescan_clears_files_that_became_clean(session):
    big = session.root / "big.py"
    big.write_text(BIG, encoding="utf-8")
    await session.initialize({"maxFileSize": 100, "dependencies": {"online": False}})
    command = types.ExecuteCommandParams(command="landguard.scanWorkspace", arguments=[])
    first = await session.client.workspace_execute_command_async(command)
    assert first["findings"] == 1
    big.write_text("x = 1\n", encoding="utf-8")
    second = await session.client.workspace_execute_command_async(command)
    assert second == {"files": 1, "findings": 0}
    assert not session.published(big.as_uri())[-1].diagnostics


async def test_server_answers_while_scanning(session):
    for n in range(40):
        (session.root / f"module_{n}.py").write_text(BIG * 20, encoding="utf-8")
    await session.initialize()
    uri = session.open("blob.py", "x = 1\x00\n")
    await session.diagnostics(uri, version=1, where=bool)
    scan = session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="landguard.scanWorkspace", arguments=[])
    )
    version = session.edit(uri, (0, 0), (0, 0), "y = 2\n")
    # The edit is analysed while the scan runs in the background.
    assert [d.code for d in await session.diagnostics(uri, version=version)] == ["LG002"]
    result = await scan
    assert result["files"] == 40
