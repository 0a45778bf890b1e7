"""End to end: a hostile repository opened in the editor must not blind or hang the server."""

from __future__ import annotations

import os

from lsprotocol import types

AWS_KEY = "AKIAIOSFODNN7EXAMPLQ"
SECRET_LINE = f'aws_key = "{AWS_KEY}"\n'


def codes(diagnostics) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


async def test_workspace_scan_survives_fifos_and_symlink_loops(session):
    root = session.root
    (root / "self").symlink_to("self")
    (root / "a").symlink_to("b")
    (root / "b").symlink_to("a")
    os.mkfifo(root / "pipe.py")
    os.mkfifo(root / "requirements.txt")
    (root / "zz_secret.py").write_text(SECRET_LINE, encoding="utf-8")
    name = os.fsdecode(b"caf\xe9.py")
    (root / name).write_text(SECRET_LINE, encoding="utf-8")
    await session.initialize()
    result = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="landguard.scanWorkspace", arguments=[])
    )
    assert result["findings"] >= 2
    assert "LG101" in codes(await session.diagnostics(session.uri("zz_secret.py"), where=bool))
    # A document opened next to the FIFO still gets its diagnostics (its imports make the dependency
    # checks look for the project's requirements.txt: the FIFO).
    uri = session.open("app.py", "import requests\n" + SECRET_LINE)
    assert "LG101" in codes(await session.diagnostics(uri, version=1, where=bool))


async def test_deeply_nested_project_file_keeps_diagnostics_flowing(session):
    (session.root / "landguard.toml").write_text("x = " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8")
    await session.initialize()
    [message, *_] = await session.messages(lambda m: "nested too deeply" in m.message)
    assert message.type == types.MessageType.Warning
    uri = session.open("app.py", SECRET_LINE)
    assert "LG101" in codes(await session.diagnostics(uri, version=1, where=bool))


async def test_invalid_and_catastrophic_exclude_globs_do_not_stop_diagnostics(session):
    await session.initialize({"exclude": ["!", "["], "dependencies": {"online": False}})
    [message, *_] = await session.messages(lambda m: "not a valid glob" in m.message)
    assert message.type == types.MessageType.Warning
    uri = session.open("app.py", SECRET_LINE)
    assert "LG101" in codes(await session.diagnostics(uri, version=1, where=bool))

    long_name = "/".join(["a" * 40] * 5) + "/" + "a" * 60 + ".py"
    session.client.set_configuration(
        {"exclude": ["a*" * 12 + "b"], "dependencies": {"online": False}}, section="landguard"
    )
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    deep = session.open(long_name, SECRET_LINE)
    assert "LG101" in codes(await session.diagnostics(deep, version=1, where=bool, timeout=10))
