"""End to end: initializationOptions, didChangeConfiguration, invalid settings, project files."""

from __future__ import annotations

from lsprotocol import types

NUL_TEXT = "x = 1\x00\n"


def codes(diagnostics):
    return [str(d.code) for d in diagnostics]


async def test_initialization_options_under_a_settings_key(session):
    await session.initialize({"settings": {"ignore": ["LG002"], "dependencies": {"online": False}}})
    uri = session.open("blob.py", NUL_TEXT)
    assert await session.diagnostics(uri, version=1) == []


async def test_did_change_configuration_pulls_the_landguard_section(session):
    await session.initialize()
    uri = session.open("blob.py", NUL_TEXT)
    assert codes(await session.diagnostics(uri, version=1)) == ["LG002"]
    session.client.set_configuration(
        {"ignore": ["LG002"], "dependencies": {"online": False}}, section="landguard"
    )
    count = len(session.published(uri))
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await session.wait_for(lambda: len(session.published(uri)) > count, what="republish after settings")
    assert await session.diagnostics(uri, version=1) == []


async def test_did_change_configuration_push_without_pull_support(session):
    caps = session.capabilities
    caps.workspace.configuration = False
    await session.client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=session.root.as_uri(),
            initialization_options={"dependencies": {"online": False}},
        )
    )
    uri = session.open("blob.py", NUL_TEXT)
    assert codes(await session.diagnostics(uri, version=1)) == ["LG002"]
    count = len(session.published(uri))
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"landguard": {"ignore": ["LG0"], "dependencies": {"online": False}}}
        )
    )
    await session.wait_for(lambda: len(session.published(uri)) > count, what="republish after settings")
    assert await session.diagnostics(uri, version=1) == []


async def test_invalid_settings_show_a_message_and_keep_serving(session):
    await session.initialize({"ignore": "not-a-rule", "severity": {"LG002": "catastrophic"}, "bogus": 1})
    [message, *_] = await session.messages(lambda m: m.type == types.MessageType.Warning)
    assert "NOT-A-RULE" in message.message
    assert "bogus" in message.message
    uri = session.open("blob.py", NUL_TEXT)
    [diagnostic] = await session.diagnostics(uri, version=1, where=bool)
    # The invalid severity override was dropped: the rule's own severity stays.
    assert diagnostic.severity == types.DiagnosticSeverity.Information


async def test_invalid_settings_pushed_later_also_show_a_message(session):
    await session.initialize()
    uri = session.open("blob.py", NUL_TEXT)
    await session.diagnostics(uri, version=1, where=bool)
    session.client.set_configuration(
        {"maxFileSize": -5, "dependencies": {"online": False}}, section="landguard"
    )
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    [message] = await session.messages(lambda m: "maxFileSize" in m.message)
    assert message.type == types.MessageType.Warning
    version = session.edit(uri, (0, 0), (0, 0), "y = 2\n")
    assert codes(await session.diagnostics(uri, version=version)) == ["LG002"]


async def test_severity_override_from_the_project_file(session):
    (session.root / "landguard.toml").write_text('[severity]\nLG002 = "error"\n', encoding="utf-8")
    await session.initialize()
    uri = session.open("blob.py", NUL_TEXT)
    [diagnostic] = await session.diagnostics(uri, version=1, where=bool)
    assert diagnostic.severity == types.DiagnosticSeverity.Error


async def test_project_file_change_reloads_config(session):
    project = session.root / "landguard.toml"
    project.write_text("ignore = []\n", encoding="utf-8")
    await session.initialize()
    if session.capabilities.workspace.did_change_watched_files.dynamic_registration:
        await session.wait_for(lambda: session.client.registrations, what="watched files registration")
        [registration] = session.client.registrations
        assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        globs = [w["globPattern"] for w in registration.register_options["watchers"]]
        assert globs[:2] == ["**/landguard.toml", "**/pyproject.toml"]
        # The AI assistants' ignore files too: LG604 depends on them.
        assert {"**/.cursorignore", "**/.aiexclude"} <= set(globs[2:])
    uri = session.open("blob.py", NUL_TEXT)
    assert codes(await session.diagnostics(uri, version=1)) == ["LG002"]
    project.write_text('ignore = ["LG002"]\n', encoding="utf-8")
    count = len(session.published(uri))
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=project.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await session.wait_for(lambda: len(session.published(uri)) > count, what="republish after project change")
    assert await session.diagnostics(uri, version=1) == []


async def test_broken_project_file_shows_a_message(session):
    (session.root / "landguard.toml").write_text("ignore = [\n", encoding="utf-8")
    await session.initialize()
    [message, *_] = await session.messages(lambda m: "invalid TOML" in m.message)
    assert message.type == types.MessageType.Warning
    uri = session.open("blob.py", NUL_TEXT)
    assert codes(await session.diagnostics(uri, version=1)) == ["LG002"]


async def test_excluded_files_get_no_diagnostics(session):
    (session.root / "landguard.toml").write_text('exclude = ["generated/**"]\n', encoding="utf-8")
    await session.initialize()
    excluded = session.open("generated/blob.py", NUL_TEXT)
    included = session.open("src/blob.py", NUL_TEXT)
    assert codes(await session.diagnostics(included, version=1)) == ["LG002"]
    assert await session.diagnostics(excluded, version=1) == []


async def test_an_open_file_is_included_again_when_the_project_stops_excluding_it(session):
    # The server keeps each document's exclusion verdict per configuration: a new configuration
    # must ask again, and edits in between must keep the verdict.
    project = session.root / "landguard.toml"
    project.write_text('exclude = ["generated/**"]\n', encoding="utf-8")
    await session.initialize()
    uri = session.open("generated/blob.py", NUL_TEXT)
    assert await session.diagnostics(uri, version=1) == []
    session.change(uri, types.TextDocumentContentChangePartial(range=_start_of_file(), text="x = 1\n"))
    assert await session.diagnostics(uri, version=2) == []
    project.write_text("exclude = []\n", encoding="utf-8")
    count = len(session.published(uri))
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=project.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await session.wait_for(lambda: len(session.published(uri)) > count, what="republish after project change")
    assert codes(await session.diagnostics(uri, version=2)) == ["LG002"]


def _start_of_file() -> types.Range:
    return types.Range(types.Position(0, 0), types.Position(0, 0))
