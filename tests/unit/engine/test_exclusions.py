"""One exclusion matcher: `landguard check` and the language server skip the same files."""

from __future__ import annotations

from pathlib import Path

import pytest

from landguard.engine.config import Config
from landguard.workspace import iter_files

FILES = [
    "app.py",
    "src/app.js",
    "src/app.min.js",
    "src/vendor/lib.js",
    "vendor/lib.py",
    "build/out.js",
    "docs/build/notes.py",
    "generated/schema.py",
    "pkg/generated/api.py",
    "pkg/generated.py",
]


@pytest.mark.parametrize(
    "exclude",
    [(), ("generated/",), ("/build",), ("build",), ("pkg/**/*.py",), ("*.py", "!app.py")],
)
def test_the_cli_and_the_editor_exclude_the_same_files(tmp_path: Path, exclude: tuple[str, ...]) -> None:
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    config = Config(exclude=exclude, root=str(tmp_path))
    scanned = {
        path.resolve().relative_to(tmp_path.resolve()).as_posix()
        for path in iter_files([str(tmp_path)], config)
    }
    open_in_editor = {
        name for name in FILES if not config.exclusions.file(str(tmp_path / name), str(tmp_path))
    }
    assert scanned == open_in_editor
    # The defaults (generated and vendored files) hold in both.
    assert "src/app.min.js" not in scanned and "src/vendor/lib.js" not in scanned


def test_a_file_outside_the_root_is_matched_by_its_name(tmp_path: Path) -> None:
    config = Config(exclude=("*.gen.py",), root=str(tmp_path / "project"))
    assert config.exclusions.file(str(tmp_path / "elsewhere" / "api.gen.py"), config.root)
    assert not config.exclusions.file(str(tmp_path / "elsewhere" / "api.py"), config.root)


def test_the_shipped_globs_are_valid_so_the_spec_need_not_check_them_again():
    """``exclude_spec`` trusts the shipped defaults (``generated``, ``testPaths``) without compiling
    each on its own; every one must be a usable glob for that to change nothing."""
    from landguard.engine.config import DEFAULT_GENERATED
    from landguard.engine.globs import exclude_spec, invalid_glob
    from landguard.engine.testcode import DEFAULT_TEST_PATHS

    for glob in (*DEFAULT_GENERATED, *DEFAULT_TEST_PATHS):
        assert invalid_glob(glob) is None, glob
    # Others are still checked: an invalid one is left out, not trusted.
    spec = exclude_spec(("[", "!", "dist/", "*.gen.js"), DEFAULT_GENERATED)
    assert len(spec.patterns) == 2
    assert spec.match_file("a/b.gen.js") and spec.match_file("dist/x.js") and not spec.match_file("a.js")


def test_only_a_spec_of_shipped_globs_is_compiled_while_start_up_records(monkeypatch):
    """The regular expressions pathspec makes of the shipped globs may be kept in the start-up
    cache (``startup.loading``); those of a user's globs never are."""
    import contextlib

    from landguard import startup
    from landguard.engine import globs
    from landguard.engine.config import DEFAULT_GENERATED

    recorded: list[tuple[str, ...]] = []
    compiled = globs._compiled

    @contextlib.contextmanager
    def loading():
        recorded.append(())
        yield

    monkeypatch.setattr(startup, "loading", loading)
    monkeypatch.setattr(
        globs,
        "_compiled",
        lambda patterns, gitignore: recorded.append(patterns) or compiled(patterns, gitignore),
    )
    globs.exclude_spec(DEFAULT_GENERATED, DEFAULT_GENERATED)
    assert recorded == [(), DEFAULT_GENERATED]
    recorded.clear()
    globs.exclude_spec(("secret-dir/", *DEFAULT_GENERATED), DEFAULT_GENERATED)
    assert recorded == [("secret-dir/", *DEFAULT_GENERATED)]  # compiled, not while recording
