"""Manifest discovery reads a folder's listing again only when the folder (or its
``requirements/``) changed: every file of a tree asks about every folder above it, so the listing is
kept, and a manifest added, removed or renamed is still seen on the next lookup."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from landguard.checks.deps import undeclared_import
from landguard.checks.deps.snapshot import NPM, PYPI


@pytest.fixture(autouse=True)
def _forget_listings():
    undeclared_import._LISTINGS.clear()
    yield
    undeclared_import._LISTINGS.clear()


def _age(folder: Path, seconds: float = 3600) -> None:
    """Set the folder's modification time in the past (outside the racy window), as an old checkout's."""
    then = time.time() - seconds
    os.utime(folder, (then, then))


def _names(folder: Path, ecosystem: str = PYPI) -> list[str]:
    return [name for name, _ in undeclared_import._stamp(folder, ecosystem)]


def test_an_unchanged_folder_is_listed_once(tmp_path, monkeypatch) -> None:
    (tmp_path / "requirements.txt").write_text("requests\n")
    _age(tmp_path)
    listed = []
    real = undeclared_import._read_manifest_names
    monkeypatch.setattr(undeclared_import, "_read_manifest_names", lambda *a: listed.append(a) or real(*a))
    assert _names(tmp_path) == ["requirements.txt"]
    assert _names(tmp_path) == ["requirements.txt"]
    assert len(listed) == 1


@pytest.mark.parametrize("change", ["add", "remove", "rename"])
def test_a_changed_listing_is_read_again(tmp_path, change) -> None:
    (tmp_path / "requirements.txt").write_text("requests\n")
    (tmp_path / "module.py").write_text("")
    _age(tmp_path)
    assert _names(tmp_path) == ["requirements.txt"]
    if change == "add":
        (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
        expected = ["pyproject.toml", "requirements.txt"]
    elif change == "remove":
        (tmp_path / "requirements.txt").unlink()
        expected = []
    else:
        (tmp_path / "module.py").rename(tmp_path / "setup.py")
        expected = ["requirements.txt", "setup.py"]
    assert _names(tmp_path) == expected


def test_a_file_added_to_requirements_folder_is_seen(tmp_path) -> None:
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "base.txt").write_text("requests\n")
    _age(tmp_path / "requirements")
    _age(tmp_path)
    assert _names(tmp_path) == ["requirements/base.txt"]
    (tmp_path / "requirements" / "dev.txt").write_text("pytest\n")  # the folder above is unchanged
    assert _names(tmp_path) == ["requirements/base.txt", "requirements/dev.txt"]


def test_a_change_in_the_same_clock_tick_is_seen(tmp_path) -> None:
    """A listing read just after the folder changed is not kept: a second change within the
    filesystem's timestamp granularity would leave the modification time as it was."""
    (tmp_path / "other.json").write_text("{}")
    assert _names(tmp_path, NPM) == []
    stamp = os.stat(tmp_path).st_mtime_ns
    (tmp_path / "other.json").rename(tmp_path / "package.json")
    os.utime(tmp_path, ns=(stamp, stamp))  # the same modification time as when it was listed
    assert _names(tmp_path, NPM) == ["package.json"]


def test_a_manifest_edit_is_seen_through_its_own_time(tmp_path) -> None:
    manifest = tmp_path / "package.json"
    manifest.write_text("{}")
    _age(tmp_path)
    first = undeclared_import._stamp(tmp_path, NPM)
    later = time.time() + 10
    os.utime(manifest, (later, later))
    assert undeclared_import._stamp(tmp_path, NPM) != first
