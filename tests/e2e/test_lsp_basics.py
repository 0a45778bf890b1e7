"""End to end over stdio: diagnostics' shape and versions, incremental edits, close, bad input.

These rely only on the engine's own notices (LG002 for binary content, LG001 for truncation),
so they hold whatever rule families are installed.
"""

from __future__ import annotations

from lsprotocol import types

NUL_TEXT = "x = 1\x00\ny = 2\n"


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diagnostics]


async def test_open_publishes_versioned_diagnostics(session):
    result = await session.initialize()
    sync = result.capabilities.text_document_sync
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.open_close
    # Neovim offers utf-8 first; Landguard always speaks UTF-16.
    assert result.capabilities.position_encoding in (None, types.PositionEncodingKind.Utf16)
    uri = session.open("blob.py", NUL_TEXT)
    diagnostics = await session.diagnostics(uri, version=1, where=bool)
    [diagnostic] = diagnostics
    assert diagnostic.source == "landguard"
    assert diagnostic.code == "LG002"
    assert diagnostic.severity == types.DiagnosticSeverity.Information
    assert diagnostic.code_description.href.endswith("#lg002")
    assert diagnostic.range == types.Range(types.Position(0, 0), types.Position(0, 6))
    assert diagnostic.data["ruleId"] == "LG002"
    # Both clients resolve code actions: data is lean (fix edits come on codeAction/resolve).
    assert diagnostic.data["fixes"] == 0
    assert diagnostic.data["key"].startswith("LG002:")
    assert not diagnostic.tags


async def test_clean_document_gets_an_empty_versioned_publish(session):
    await session.initialize()
    uri = session.open("clean.py", "x = 1\n")
    assert await session.diagnostics(uri, version=1) == []


async def test_incremental_edits_publish_for_each_new_version(session):
    await session.initialize()
    # An astral character before the NUL: ranges must be in UTF-16 code units.
    uri = session.open("emoji.py", "s = '😀'\ny = 2\n")
    assert await session.diagnostics(uri, version=1) == []
    version = session.edit(uri, (0, 8), (0, 8), "\x00")
    [diagnostic] = await session.diagnostics(uri, version=version)
    assert diagnostic.code == "LG002"
    # "s = '😀'" is 7 code points, 8 UTF-16 units; plus the NUL: 9.
    assert diagnostic.range.end == types.Position(0, 9)
    version = session.edit(uri, (0, 8), (0, 9), "")
    assert await session.diagnostics(uri, version=version) == []
    # A whole-document replacement works too.
    version = session.change(uri, types.TextDocumentContentChangeWholeDocument(text="z = 3\x00\n"))
    assert codes(await session.diagnostics(uri, version=version)) == ["LG002"]


async def test_several_changes_in_one_notification(session):
    await session.initialize()
    uri = session.open("multi.py", "a = 1\nb = 2\n")
    await session.diagnostics(uri, version=1)
    version = session.change(
        uri,
        types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(1, 0), types.Position(1, 0)), text="c = 3\n"
        ),
        types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(2, 5), types.Position(2, 5)), text="\x00"
        ),
    )
    [diagnostic] = await session.diagnostics(uri, version=version)
    assert diagnostic.code == "LG002"


async def test_burst_of_edits_is_coalesced_and_newest_version_wins(session):
    await session.initialize()
    uri = session.open("burst.py", "x = 1\n")
    await session.diagnostics(uri, version=1)
    last = 1
    for n in range(10):
        last = session.edit(uri, (0, 5), (0, 5), str(n))
    await session.diagnostics(uri, version=last)
    published = [p.version for p in session.published(uri)]
    assert published == sorted(published), "a stale version was published after a newer one"
    assert max(published) == last
    # Coalescing: far fewer publishes than edits (the debounce merges the burst).
    assert len(published) < 1 + 10


async def test_close_publishes_an_empty_list(session):
    await session.initialize()
    uri = session.open("closing.py", NUL_TEXT)
    assert await session.diagnostics(uri, version=1, where=bool)
    session.close(uri)
    await session.wait_for(
        lambda: not session.published(uri)[-1].diagnostics and session.published(uri)[-1].version is None,
        what="empty publish after close",
    )


async def test_huge_buffer_is_truncated_with_a_notice(session):
    await session.initialize({"maxFileSize": 200, "dependencies": {"online": False}})
    text = "".join(f"value_{n} = {n}\n" for n in range(100))
    uri = session.open("big.py", text)
    [diagnostic] = await session.diagnostics(uri, version=1, where=bool)
    assert diagnostic.code == "LG001"
    assert "maxFileSize" in diagnostic.message


async def test_change_to_a_document_never_opened_is_ignored(session):
    await session.initialize()
    ghost = session.uri("ghost.py")
    session.edit(ghost, (0, 0), (0, 0), "x")
    uri = session.open("real.py", NUL_TEXT)
    assert codes(await session.diagnostics(uri, version=1)) == ["LG002"]
    await session.wait_for(
        lambda: any("not open" in m.message for m in session.client.log_messages), what="warning log"
    )
    assert not session.published(ghost)
    assert not [m for m in session.client.messages if m.type == types.MessageType.Error]


async def test_out_of_range_edit_is_clamped_and_logged(session):
    await session.initialize()
    uri = session.open("range.py", "a = 1\n")
    await session.diagnostics(uri, version=1)
    version = session.edit(uri, (40, 3), (41, 0), "\x00")
    [diagnostic] = await session.diagnostics(uri, version=version)
    assert diagnostic.code == "LG002"
    # Clamped to the end of the document: the NUL landed on the last (empty) line.
    await session.wait_for(
        lambda: any("outside the document" in m.message for m in session.client.log_messages),
        what="out-of-range warning",
    )
    # The server keeps serving.
    version = session.edit(uri, (0, 0), (0, 0), "b = 2\n")
    assert codes(await session.diagnostics(uri, version=version)) == ["LG002"]


async def test_reopening_a_document_replaces_it(session):
    await session.initialize()
    uri = session.open("again.py", NUL_TEXT)
    await session.diagnostics(uri, version=1, where=bool)
    session.close(uri)
    uri = session.open("again.py", "clean = True\n")
    await session.wait_for(
        lambda: session.published(uri)[-1].version == 1 and not session.published(uri)[-1].diagnostics,
        what="clean diagnostics after reopening",
    )


async def test_logs_never_contain_document_text(session):
    await session.initialize()
    marker = "TOPSECRETMARKER0123456789"
    uri = session.open("private.py", f"value = '{marker}'\x00\n")
    await session.diagnostics(uri, version=1, where=bool)
    session.edit(uri, (0, 0), (0, 0), f"# {marker}\n")
    await session.diagnostics(uri, version=2)
    assert session.client.log_messages, "the server logs to window/logMessage"
    assert not [m for m in session.client.log_messages if marker in m.message]
