"""Hostile configuration, globs, cache files and special files, at the unit level."""

from __future__ import annotations

import json
import os
import threading
import time

import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landguard.engine.config import Config, apply_settings, load_config, load_project_file
from landguard.engine.files import Unreadable, display_path, read_regular
from landguard.engine.globs import exclude_spec, gitignore_spec, invalid_glob
from landguard.result_cache import ResultCache, user_secret
from landguard.workspace import decode, iter_files

# ------------------------------------------------------------------------------------------ config


def test_deeply_nested_toml_is_an_error_and_the_defaults(tmp_path):
    (tmp_path / "landguard.toml").write_text("ignore = ['LG1']\nx = " + "[" * 20000 + "]" * 20000 + "\n")
    result = load_config(tmp_path)
    assert len(result.errors) == 1 and "nested too deeply" in result.errors[0]
    assert result.config.ignore == Config().ignore


def test_tool_that_is_not_a_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('tool = "oops"\n')
    result = load_project_file(tmp_path / "pyproject.toml")
    assert result.errors == [f"{tmp_path / 'pyproject.toml'}: 'tool' must be a table; using the defaults"]
    assert result.config.exclude == ()


def test_a_fifo_as_project_file_is_reported_not_opened(tmp_path):
    os.mkfifo(tmp_path / "landguard.toml")
    result = _with_deadline(lambda: load_config(tmp_path))
    assert "FIFO" in result.errors[0] and result.config.select == ()


@pytest.mark.parametrize("glob", ["!", "[", "src/[a", "[z-a]", "\\", "/"])
def test_invalid_globs_are_reported_and_the_key_keeps_its_default(glob):
    base = Config(exclude=("build/",))
    config, errors = apply_settings(
        base, {"exclude": ["vendor/", glob], "select": ["LG1"]}, "editor settings"
    )
    assert config.exclude == ("build/",) and config.select == ("LG1",)
    assert len(errors) == 1 and "not a valid glob" in errors[0] and repr(glob) in errors[0]


def test_valid_globs_are_accepted():
    for glob in ("*.py", "build/", "**/gen/*.js", "!keep.py", "[!a]x", "a" + "*" * 12 + "b"):
        assert invalid_glob(glob) is None, glob


def test_a_glob_with_a_dozen_stars_matches_a_long_path_at_once():
    spec = exclude_spec(["*a" * 12 + "b", "a" + "*" * 12 + "b"])
    path = "/".join(["a" * 60] * 8)
    started = time.perf_counter()
    assert not spec.match_file(path)
    assert time.perf_counter() - started < 1.0  # backtracking took tens of seconds on this


def test_a_hostile_gitignore_matches_in_linear_time():
    spec = gitignore_spec(["*a*a*a*a*a*a*a*a*a*a*a*a*b", "[", "!"])
    started = time.perf_counter()
    assert spec.check_file("a" * 5000).include is None
    assert time.perf_counter() - started < 1.0


_GLOB_PARTS = st.sampled_from(["*", "**", "?", "a", "b", ".", "/", "[ab]", "[!a]", "x*", "**/", "!"])
_PATH_PARTS = st.sampled_from(["a", "b", "ab", "x", "a.b", "ba", "xa"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(_GLOB_PARTS, min_size=1, max_size=5).map("".join), min_size=1, max_size=3),
    st.lists(_PATH_PARTS, min_size=1, max_size=4).map("/".join),
)
def test_re2_matching_means_what_pathspec_means(globs, path):
    """The RE2 backend changes the speed, never the answer (compared with pathspec's own backend)."""
    try:
        reference = pathspec.GitIgnoreSpec.from_lines(globs, backend="simple")
    except Exception:
        return  # invalid: the configuration rejects it before matching
    assert gitignore_spec(globs).check_file(path).include == reference.check_file(path).include


# ------------------------------------------------------------------------------------------- files


def _with_deadline(function, seconds: float = 10.0):
    outcome: list = []

    def call() -> None:
        try:
            outcome.append((function(), None))
        except BaseException as error:  # re-raised in the test's thread
            outcome.append((None, error))

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, "blocked: a special file was opened"
    value, error = outcome[0]
    if error is not None:
        raise error
    return value


def test_special_files_are_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "loop").symlink_to("loop")
    for path, reason in (
        (tmp_path / "pipe.py", "a FIFO"),
        ("/dev/zero", "a device"),
        (tmp_path / "loop", "symlink loop"),
        (tmp_path, "a folder"),
        (tmp_path / "missing", "not found"),
    ):
        with pytest.raises(Unreadable) as raised:
            _with_deadline(lambda p=path: read_regular(p))
        assert raised.value.reason == reason


def test_reads_are_bounded(tmp_path):
    (tmp_path / "big").write_bytes(b"x" * 1000)
    assert read_regular(tmp_path / "big", 1000) == b"x" * 1000
    with pytest.raises(Unreadable, match="larger than"):
        read_regular(tmp_path / "big", 999)


def test_a_file_that_cannot_be_opened_is_unreadable_with_its_reason(tmp_path, monkeypatch):
    (tmp_path / "locked.py").write_text("x = 1\n")
    real_open = os.open

    def deny(path, *args, **kwargs):
        if str(path).endswith("locked.py"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(Unreadable, match="permission denied"):
        read_regular(tmp_path / "locked.py")


def test_unreadable_gitignore_gives_one_notice_and_the_walk_goes_on(tmp_path, monkeypatch):
    (tmp_path / ".gitignore").write_text("*.py\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    real_open = os.open

    def deny(path, *args, **kwargs):
        if str(path).endswith(".gitignore"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    monkeypatch.setattr("landguard.workspace._git_files", lambda folder: None)
    notices: list[str] = []
    files = list(iter_files([str(tmp_path)], Config(), notices))
    assert [f.name for f in files] == [".gitignore", "a.py"]  # its rules (ignore *.py) were not applied
    assert len(notices) == 1 and "permission denied" in notices[0]


def test_symlink_loops_do_not_stop_enumeration(tmp_path, monkeypatch):
    monkeypatch.setattr("landguard.workspace._git_files", lambda folder: None)
    (tmp_path / "self").symlink_to("self")
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "up").symlink_to("..")
    (tmp_path / "z.py").write_text("x = 1\n")
    assert [f.name for f in iter_files([str(tmp_path)], Config())] == ["z.py"]


def test_non_utf8_names_are_displayable():
    assert display_path(os.fsdecode(b"caf\xe9.py")) == "caf\\xe9.py"
    assert display_path("plain/caf\u00e9.py") == "plain/caf\u00e9.py"
    assert display_path("lone\ud800") == "lone\\ud800"


def test_utf16_and_utf32_files_with_a_bom_are_decoded():
    text = 'token = "value"\n'
    for encoding, bom in (
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
    ):
        assert decode(bom + text.encode(encoding)) == (text, False)
    assert decode(b"\x89PNG\x00\x00") == (None, False)


# ------------------------------------------------------------------------------------------- cache


def _authenticated_cache(folder, entries):
    cache = ResultCache(folder, ["binding"])
    for path, entry in entries.items():
        cache.entries[path] = entry
    cache.dirty = True
    cache.save()
    return cache


@pytest.mark.parametrize(
    "bad",
    [
        {"x": 1},
        1,
        [1, 2, 3],
        ["k"],
        ["k", {"findings": "no", "locations": []}],
        ["k", {"findings": [{}], "locations": []}],
        ["k", {"findings": [], "locations": [], "skipped": 3}],
        None,
    ],
)
def test_corrupt_entries_are_dropped_without_a_crash(tmp_path, bad):
    good = ["key", {"findings": [], "locations": [], "skipped": None, "decode_errors": False}]
    _authenticated_cache(tmp_path, {"good.py": good, "bad.py": bad})
    reloaded = ResultCache(tmp_path, ["binding"])
    assert reloaded.get("good.py", "key") == good[1]
    assert reloaded.get("bad.py", "k") is None and reloaded.dropped == 1


@pytest.mark.parametrize("content", ["{x:1}", "1", "[]", '{"format": 2, "mac": 1, "entries": []}', "\x00"])
def test_corrupt_cache_files_are_ignored(tmp_path, content):
    cache = ResultCache(tmp_path, ["binding"])
    cache.file.write_text(content)
    assert ResultCache(tmp_path, ["binding"]).entries == {}


def test_entries_are_bound_to_what_produced_them(tmp_path):
    entry = ["key", {"findings": [], "locations": [], "skipped": None, "decode_errors": False}]
    _authenticated_cache(tmp_path, {"a.py": entry})
    assert ResultCache(tmp_path, ["binding"]).get("a.py", "key") is not None
    assert ResultCache(tmp_path, ["another config"]).get("a.py", "key") is None
    assert ResultCache(tmp_path, ["binding"]).get("a.py", "other content") is None


def test_a_copied_cache_file_from_another_user_is_not_trusted(tmp_path):
    entry = ["key", {"findings": [], "locations": [], "skipped": None, "decode_errors": False}]
    mine = _authenticated_cache(tmp_path / "me", {"a.py": entry})
    theirs = ResultCache(tmp_path / "them", ["binding"])  # another secret
    theirs.file.write_bytes(mine.file.read_bytes())
    assert ResultCache(tmp_path / "them", ["binding"]).entries == {}


def test_the_secret_is_private_and_a_loose_one_is_refused(tmp_path):
    secret = user_secret(tmp_path)
    path = tmp_path / "secret.key"
    assert len(secret) == 32 and path.stat().st_mode & 0o777 == 0o600
    assert user_secret(tmp_path) == secret
    path.chmod(0o644)
    with pytest.raises(Exception, match="readable by other users"):
        ResultCache(tmp_path, ["binding"])


def test_parallel_writers_leave_a_valid_file(tmp_path):
    entry = {"findings": [], "locations": [], "skipped": None, "decode_errors": False}

    def writer(n: int) -> None:
        for round_ in range(20):
            cache = ResultCache(tmp_path, ["binding"])
            cache.put(f"f{n}-{round_}.py", "k", entry)
            cache.save()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cache = ResultCache(tmp_path, ["binding"])
    assert cache.entries and cache.dropped == 0
    assert json.loads(cache.file.read_text())["format"] == 2
    assert not list(cache.folder.glob(".results-*"))  # no temporary file left behind


# ----------------------------------------------------------------------------------------- content


def _aws_key(n: int) -> str:
    import random
    import string

    rng = random.Random(n)
    return "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))


@pytest.mark.parametrize("column", [10, 19_990, 20_000, 20_500, 39_995, 55_555, 150_000])
def test_keys_anywhere_on_a_long_line_are_found_once(column):
    from landguard.engine.analyze import analyze_text

    key = _aws_key(column)
    prefix = "x = [" + " 1," * column
    prefix = prefix[:column]
    line = f'{prefix}"{key}", "{_aws_key(column + 1)}", 2]'
    found = [f for f in analyze_text(line + "\n", Config(), path="data.js") if f.rule_id == "LG101"]
    start = column + 1
    assert [(f.span.start_col, f.span.end_col) for f in found][:1] == [(start, start + 20)]
    assert len(found) == 2 and len({f.span for f in found}) == 2
    assert all(key not in f.message for f in found)


def test_gitignore_files_above_the_scanned_folder_apply_from_their_own_folder(tmp_path, monkeypatch):
    monkeypatch.setattr("landguard.workspace._git_files", lambda folder: None)
    (tmp_path / "landguard.toml").write_text("")
    (tmp_path / ".gitignore").write_text("sub/gen/\n/sub/top.py\nlocal.py\n")
    sub = tmp_path / "sub"
    (sub / "gen").mkdir(parents=True)
    (sub / "gen" / "g.py").write_text("x = 1\n")
    (sub / "top.py").write_text("x = 1\n")
    (sub / "local.py").write_text("x = 1\n")
    (sub / "kept.py").write_text("x = 1\n")
    (sub / "inner").mkdir()
    (sub / "inner" / ".gitignore").write_text("/k.py\n")
    (sub / "inner" / "k.py").write_text("x = 1\n")
    (sub / "inner" / "m.py").write_text("x = 1\n")
    config = load_config(sub).config
    names = sorted(p.relative_to(sub).as_posix() for p in iter_files([str(sub)], config))
    assert names == ["inner/.gitignore", "inner/m.py", "kept.py"]
