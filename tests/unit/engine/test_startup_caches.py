"""The start-up caches (issue #15, cold open): compiled regular expressions (``regex_cache``) and
the shipped TOML models (``shipped_toml``), both in ``signed_cache`` files, and the collector
``startup`` holds until the first publish. A second fresh process reuses what the first stored
and gets equal results; a file that was tampered with, belongs to another content or cannot be
written is ignored, never trusted and never a crash; nothing compiled outside start-up is stored."""

import gc
import io
import json
import marshal
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from landguard import regex_cache, shipped_toml, signed_cache, startup

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# A fresh process as the server starts: startup.begin(), the checks loaded while recording, then
# a pattern compiled outside start-up (as an analysis might, from text it read), then what the
# cache did and what the checks' patterns came out as.
PROBE = """
import json, sys
from landguard import regex_cache, startup
startup.begin()
cache = regex_cache._active
with startup.loading():
    from landguard.engine.registry import all_checks
    all_checks()
import re
from landguard.checks.secrets import provider_tokens
outside = re.compile("secret-looking-" + sys.argv[1])
startup.loaded()
print(json.dumps({
    "installed": cache is not None,
    "hits": cache.hits if cache else 0,
    "misses": cache.misses if cache else 0,
    "patterns": sorted(
        [p.pattern, p.flags, p.groups, dict(p.groupindex)] for p in provider_tokens._ANCHOR_SEARCHES
    ),
    "finds": [m.group(1) for m in provider_tokens._ANCHOR_SEARCHES[0].finditer("x ghp_abc glpat-x")],
    "outside": outside.pattern,
}))
"""


def _run(cache_dir: Path, marker: str = "a1b2", **extra: str) -> dict:
    env = dict(os.environ, LANDGUARD_CACHE_DIR=str(cache_dir), **extra)
    if "LANDGUARD_NO_STARTUP_CACHE" not in extra:
        env.pop("LANDGUARD_NO_STARTUP_CACHE", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, marker], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(result.stdout)


def _regex_files(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / regex_cache.FOLDER).glob("*.bin"))


def _stored_patterns(path: Path) -> set:
    return {key[0] for key in marshal.loads(path.read_bytes()[32:])}


def test_a_second_process_compiles_no_start_up_regex_and_gets_the_same_patterns(tmp_path):
    first = _run(tmp_path)
    assert first["installed"]
    # The checks' patterns, compiled once (provider-token formats and directives compile on first use).
    assert first["misses"] > 200, first["misses"]
    second = _run(tmp_path, marker="c3d4")
    assert second["misses"] == 0, second
    # (Less tomllib's own few: the second process reads the models' TOML from its cache.)
    assert second["hits"] >= first["misses"] - 10
    assert second["patterns"] == first["patterns"]
    assert second["finds"] == first["finds"] == ["ghp_", "glpat-"]
    # What was compiled outside start-up (source text, settings) never reaches the file.
    stored = _stored_patterns(_regex_files(tmp_path)[0])
    assert not any(isinstance(p, str) and p.startswith("secret-looking-") for p in stored)


def test_a_tampered_regex_cache_is_ignored_and_rewritten(tmp_path):
    _run(tmp_path)
    (path,) = _regex_files(tmp_path)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF  # the payload changed, the MAC did not
    path.write_bytes(bytes(data))
    again = _run(tmp_path)
    assert again["hits"] == 0 and again["misses"] > 200  # nothing trusted
    assert signed_cache.load(path, _secret(tmp_path)) is not None  # rewritten, verifies again


def test_a_forged_program_under_a_valid_mac_is_refused_by_the_regex_engine(tmp_path):
    """Even a file that verifies (someone with the secret) cannot hand ``re`` a broken program:
    ``_sre.compile`` validates it, and the pattern is compiled afresh."""
    cache = regex_cache.RegexCache({("ab+", 0): (32, [1, 2, 3, 999999], 0, {}, ())})
    with regex_cache.recording():
        pattern = cache.compile("ab+", 0)
    assert pattern == re.compile("ab+")
    assert pattern.match("abbb")


def test_without_a_usable_cache_folder_nothing_is_installed(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = _run(blocker)  # the cache root is a file: no folder can be made in it
    assert not result["installed"]
    assert result["finds"] == ["ghp_", "glpat-"]
    off = _run(tmp_path, LANDGUARD_NO_STARTUP_CACHE="1")
    assert not off["installed"] and not _regex_files(tmp_path)


def test_patterns_from_the_cache_equal_patterns_compiled_afresh():
    probes = [
        (r"(?P<key>[A-Z]{4})(?:-(?P=key))?\b", 0),
        (r"(?i)password\s*[:=]\s*(['\"])(.+?)\1", 0),
        (rb"\x00[\x80-\xff]{2,}$", re.MULTILINE),
        ("[à-ÿ]+|\\N{EM DASH}", re.UNICODE),
    ]
    recorded = regex_cache.RegexCache({})
    with regex_cache.recording():
        for pattern, flags in probes:
            recorded.compile(pattern, flags)
    stored = marshal.loads(marshal.dumps(recorded.new))  # as written and read back
    reused = regex_cache.RegexCache(stored)
    for pattern, flags in probes:
        from_cache = reused.compile(pattern, flags)
        fresh = recorded.original(pattern, flags)
        assert from_cache == fresh  # Pattern equality compares the compiled program too
        assert (from_cache.groups, dict(from_cache.groupindex)) == (fresh.groups, dict(fresh.groupindex))
    assert reused.hits == len(probes) and reused.misses == 0


def _secret(cache_dir: Path) -> bytes:
    from landguard.result_cache import user_secret

    return user_secret(cache_dir)


# ---------------------------------------------------------------------------- shipped TOML


@pytest.fixture
def toml_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDGUARD_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("LANDGUARD_NO_STARTUP_CACHE", raising=False)
    shipped_toml.forget()
    yield tmp_path / shipped_toml.FOLDER
    shipped_toml.forget()


def _toml_file(folder: Path) -> Path:
    (path,) = folder.glob("toml-*.bin")
    return path


def test_shipped_toml_is_parsed_once_per_content(toml_cache, monkeypatch):
    text = '[[sink]]\nname = "os.system"\nkind = "command"\nargs = [0]\n'
    assert shipped_toml.parse("x.toml", text) == {
        "sink": [{"name": "os.system", "kind": "command", "args": [0]}]
    }
    shipped_toml.forget()  # a new process: only the file is left
    calls = []
    real = tomllib.loads  # (shipped_toml imports it when it parses: a cache hit does not)
    monkeypatch.setattr(tomllib, "loads", lambda t: calls.append(t) or real(t))
    assert shipped_toml.parse("x.toml", text)["sink"][0]["kind"] == "command"
    assert calls == []  # from the cache
    edited = text.replace("command", "code")
    assert shipped_toml.parse("x.toml", edited)["sink"][0]["kind"] == "code"  # another content: parsed
    assert calls == [edited]
    shipped_toml.forget()
    assert shipped_toml.parse("x.toml", edited)["sink"][0]["kind"] == "code"
    assert len(calls) == 1  # the new content was stored


def test_a_tampered_toml_cache_is_ignored(toml_cache):
    text = '[[source]]\nname = "flask.request.args"\n'
    shipped_toml.parse("y.toml", text)
    path = _toml_file(toml_cache)
    payload = marshal.dumps({"y.toml": (shipped_toml._digest(text), {"source": [{"name": "forged"}]})})
    path.write_bytes(path.read_bytes()[:32] + payload)  # the old MAC over a new payload
    shipped_toml.forget()
    assert shipped_toml.parse("y.toml", text) == {"source": [{"name": "flask.request.args"}]}


def test_shipped_toml_without_a_cache_folder_still_parses(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("LANDGUARD_CACHE_DIR", str(blocker))
    shipped_toml.forget()
    try:
        assert shipped_toml.parse("z.toml", "a = 1\n") == {"a": 1}
        with pytest.raises(tomllib.TOMLDecodeError):
            shipped_toml.parse("z.toml", "a = \n")
    finally:
        shipped_toml.forget()


def test_the_models_read_from_the_cache_equal_a_fresh_parse(toml_cache):
    from landguard.dataflow import models

    models.shipped_rows.cache_clear()
    fresh = models.shipped_rows("python")
    assert list(toml_cache.glob("toml-*.bin"))
    shipped_toml.forget()
    models.shipped_rows.cache_clear()
    try:
        assert models.shipped_rows("python") == fresh
    finally:
        models.shipped_rows.cache_clear()


# ---------------------------------------------------------------------------- the collector


def test_the_collector_is_held_until_released_then_frozen_and_on(monkeypatch):
    monkeypatch.setattr(startup, "_held", False)
    monkeypatch.setattr(regex_cache, "install", lambda: None)
    saved: list[str] = []
    monkeypatch.setattr(regex_cache, "save", lambda: saved.append("save"))
    monkeypatch.setattr(regex_cache, "uninstall", lambda: saved.append("uninstall"))
    assert gc.isenabled()
    try:
        startup.begin()
        assert not gc.isenabled() and startup.holding()
        startup.release()
        assert gc.isenabled() and not startup.holding()
        assert saved == ["save", "uninstall"]  # kept, then out of ``re``'s way
        assert gc.get_freeze_count() > 0
        startup.release()  # once only
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_check_run_holds_the_collector_while_it_loads_and_resumes_it_to_analyse(tmp_path, monkeypatch):
    """``landguard check``: no collections while it imports and loads the checks; the collector is
    back on before the first file is analysed, with what start-up left frozen (not collected), and
    after a usage error; with stdin too."""
    from landguard import batch, cli

    monkeypatch.setenv("LANDGUARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(startup, "_check_froze", False)

    seen: dict[str, bool] = {}
    loading, scanning = batch.checks_for_languages, batch.scan_file

    def load(languages):
        seen.setdefault("loading", gc.isenabled())
        return loading(languages)

    def scan(*args):
        seen["analysing"] = gc.isenabled()
        return scanning(*args)

    monkeypatch.setattr(batch, "checks_for_languages", load)
    monkeypatch.setattr(batch, "scan_file", scan)
    (tmp_path / "a.js").write_text("el.innerHTML = location.hash;\n", encoding="utf-8")
    out = tmp_path / "out.json"
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    try:
        code = cli.main(
            ["check", str(tmp_path / "a.js"), "--no-cache", "--offline", "--format", "json", "-o", str(out)]
        )
        assert code == 1 and json.loads(out.read_text())["findings"], "the file was not analysed"
        assert seen == {"loading": False, "analysing": True}
        assert gc.isenabled() and gc.get_freeze_count() > frozen and startup.froze_start_up()
        assert cli.main(["check", str(tmp_path / "missing.js")]) == 2
        assert gc.isenabled()
        # Stdin (an editor's on-save run): the same, though run_check is not on its way.
        from landguard import cli_adoption

        scan_text = cli_adoption.scan_text
        monkeypatch.setattr(
            cli_adoption, "scan_text", lambda *a, **k: seen.update(stdin=gc.isenabled()) or scan_text(*a, **k)
        )
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"el.innerHTML = location.hash;\n")))
        code = cli.main(["check", "-", "--stdin-filename", "b.js", "--no-cache", "--offline", "-o", str(out)])
        assert code == 1 and seen["stdin"] is True
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


CHECK_PROBE = """
import io, json, sys
from landguard import regex_cache, startup
from landguard.lsp import generated_code
seen = {}
resume = startup.resume

def capture():
    cache = regex_cache._active
    if cache is not None and "hits" not in seen:
        seen.update(hits=cache.hits, misses=cache.misses)
    code = generated_code._active
    if code is not None and "code_hits" not in seen:
        seen.update(code_hits=code.hits, code_misses=code.misses)
    resume()

startup.resume = capture
from landguard.cli import main
sys.stdout = io.StringIO()
code = main(["check", sys.argv[1], "--no-cache", "--offline", "--format", "json", "-j", "1"])
report, sys.stdout = sys.stdout.getvalue(), sys.__stdout__
after = regex_cache._active is None and generated_code._active is None
import dataclasses
from landguard import frozen_records
# dataclasses' and frozen_records' own exec again
after = after and "exec" not in vars(dataclasses) and "exec" not in vars(frozen_records)
print(json.dumps({"code": code, **seen, "report": report, "after": after}))
"""


def _check_run(cache_dir: Path, target: Path, **extra: str) -> dict:
    env = dict(os.environ, LANDGUARD_CACHE_DIR=str(cache_dir), **extra)
    if "LANDGUARD_NO_STARTUP_CACHE" not in extra:
        env.pop("LANDGUARD_NO_STARTUP_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", CHECK_PROBE, str(target)], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout)


def test_a_second_check_run_compiles_no_start_up_regex_or_code_and_reports_the_same(tmp_path):
    """``landguard check`` records what its imports and loading the checks compile (patterns,
    dataclasses' methods), and a second run is served from the caches: the same report; the caches
    are out of ``re``'s and dataclasses' way afterwards."""
    target = tmp_path / "src" / "a.js"
    target.parent.mkdir()
    target.write_text(
        'el.innerHTML = location.hash;\nconst k = "ghp_' + "a1B2" * 9 + '";\n', encoding="utf-8"
    )
    first = _check_run(tmp_path / "cache", target)
    assert first["code"] == 1 and first["misses"] > 150, first
    assert first["code_misses"] > 300, first  # dataclasses' generated methods, frozen_records' __init__s
    # In a file of its own: the server's (attrs' and cattrs' code too) is neither read nor written.
    assert list((tmp_path / "cache" / "generated-code-check").glob("*.bin"))
    assert not list((tmp_path / "cache" / "generated-code").glob("*.bin"))
    second = _check_run(tmp_path / "cache", target)
    assert second["misses"] == 0 and second["hits"] >= first["misses"], second
    assert second["code_misses"] == 0 and second["code_hits"] >= first["code_misses"], second
    uncached = _check_run(
        tmp_path / "cache", target, LANDGUARD_NO_STARTUP_CACHE="1", LANDGUARD_NO_CODE_CACHE="1"
    )
    assert "hits" not in uncached and "code_hits" not in uncached  # nothing installed
    assert first["report"] == second["report"] == uncached["report"]
    assert json.loads(first["report"])["findings"]
    assert first["after"] and second["after"]


def test_the_scheduler_releases_the_collector_after_the_first_publish(monkeypatch):
    from concurrent.futures import Future

    from landguard.engine.config import Config
    from landguard.lsp.documents import OpenDocument
    from landguard.lsp.scheduler import AnalysisResult
    from landguard.lsp.server import build_server

    server = build_server()
    scheduler = server.scheduler
    released, published = [], []
    monkeypatch.setattr(startup, "_held", True)  # as after begin(), without touching this process's gc
    monkeypatch.setattr(startup, "release", lambda collect=True: released.append((len(published), collect)))
    collected = []
    monkeypatch.setattr(scheduler.collector, "analysed", collected.append)
    monkeypatch.setattr(scheduler, "publish", lambda doc: published.append(doc.uri))
    monkeypatch.setattr(scheduler, "_maybe_online", lambda doc, result: None)
    monkeypatch.setattr(scheduler, "_tidy_later", lambda doc: None)  # its timer needs a running loop
    doc = OpenDocument(uri="file:///w/a.py", path="/w/a.py", language_id="python", version=1)
    server.documents[doc.uri] = doc
    done: Future = Future()
    resolved = server.settings.resolve(None)
    done.set_result(AnalysisResult(1, [], Config(), resolved, 0.0, opened=True))
    try:
        scheduler._finished(doc, done)
        scheduler.background.shutdown(wait=True)
    finally:
        scheduler.executor.shutdown(wait=False)
    assert published == [doc.uri]
    # After the publish, not before; the collection itself is the collector's, after an open.
    assert released == [(1, False)]
    assert collected == [True]


# A fresh process as a server opened on a file of ``argv[1]``: only that language's checks are
# loaded (``registry.checks_for``); what the regex and generated-code caches missed.
LANGUAGE_PROBE = """
import json, sys
from landguard import regex_cache, startup
from landguard.lsp import generated_code
startup.begin()
code = generated_code.install()
with startup.loading():
    from landguard.engine.registry import checks_for
    checks_for(sys.argv[1])
startup.loaded()
generated_code.save()
print(json.dumps({"regex": regex_cache._active.misses, "code": code.misses}))
"""


def _open_language(cache_dir: Path, language: str) -> dict:
    env = dict(os.environ, LANDGUARD_CACHE_DIR=str(cache_dir))
    env.pop("LANDGUARD_NO_STARTUP_CACHE", None)
    env.pop("LANDGUARD_NO_CODE_CACHE", None)
    result = subprocess.run(
        [sys.executable, "-c", LANGUAGE_PROBE, language], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(result.stdout)


def test_a_start_on_another_language_keeps_what_the_caches_held_for_the_first(tmp_path):
    # Saving kept only what the saving process used: a start on Java dropped the Python rules'
    # patterns and dataclass code, and the next start on Python compiled them again.
    cache_dir = tmp_path
    first = _open_language(cache_dir, "python")
    assert first["regex"] > 100 and first["code"] > 50, first
    java = _open_language(cache_dir, "java")
    assert java["regex"] > 0 and java["code"] > 0, java  # the Java rules' own, new to the files
    # (At most the one attrs source that varies between processes is compiled again.)
    for language in ("python", "java"):
        again = _open_language(cache_dir, language)
        assert again["regex"] == 0 and again["code"] <= 1, (language, again)
