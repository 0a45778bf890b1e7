"""OSV records: version order, ranges, fixed versions, the offline import, and the response cache."""

from __future__ import annotations

import json
import zipfile

import pytest

from landguard.checks.deps.advisories import (
    INDEX_NAME,
    OFFLINE_ADVISORIES,
    affected_by,
    first_fixed,
    import_osv_command,
    version_key,
)
from landguard.checks.deps.cache import ResponseCache, cache_dir


@pytest.mark.parametrize(
    "lower,higher",
    [
        ("1.2", "1.10"),
        ("1.0.0-rc.1", "1.0.0"),
        ("1.0rc1", "1.0"),
        ("1.0a1", "1.0b1"),
        ("1.0.dev0", "1.0a1"),
        ("1.0", "1.0.post1"),
        ("2.0.0-alpha", "2.0.0-alpha.1"),
        ("0.9.9", "1.0"),
        ("v1.2.3", "1.2.4"),
    ],
)
def test_version_order(lower, higher):
    assert version_key(lower) < version_key(higher)


RECORD = {
    "id": "GHSA-test",
    "affected": [
        {
            "package": {"ecosystem": "npm", "name": "minimist"},
            "ranges": [
                {"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.2.4"}]},
                {"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.2.6"}]},
            ],
        },
        {
            "package": {"ecosystem": "PyPI", "name": "Some_Package"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"last_affected": "2.3"}]}],
        },
    ],
}


def test_ranges():
    assert affected_by(RECORD, "npm", "minimist", "0.2.3")
    assert not affected_by(RECORD, "npm", "minimist", "0.2.4")
    assert affected_by(RECORD, "npm", "minimist", "1.2.5")
    assert not affected_by(RECORD, "npm", "minimist", "1.2.6")
    assert first_fixed(RECORD, "npm", "minimist", "1.2.5") == "1.2.6"
    assert first_fixed(RECORD, "npm", "minimist", "0.1.0") == "0.2.4"
    assert affected_by(RECORD, "pypi", "some-package", "2.3")  # names are normalized per ecosystem
    assert not affected_by(RECORD, "pypi", "some-package", "2.4")
    assert not affected_by(RECORD, "pypi", "some-package", "1.9")
    assert first_fixed(RECORD, "pypi", "some-package", "2.1") is None
    assert not affected_by(RECORD, "npm", "other", "0.0.1")


def test_import_command_reads_a_zip(tmp_path, capsys):
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("GHSA-test.json", json.dumps(RECORD))
        handle.writestr("broken.json", "{nope")
        handle.writestr(
            "GO-1.json", json.dumps({"id": "GO-1", "affected": [{"package": {"ecosystem": "Go"}}]})
        )
    assert import_osv_command(["import-osv", str(archive)]) == 0
    assert "imported 1 PyPI and 1 npm advisories" in capsys.readouterr().out
    assert (cache_dir() / INDEX_NAME).is_file()
    (advisory,) = OFFLINE_ADVISORIES.advisories("npm", "minimist", "1.2.0")
    assert advisory.id == "GHSA-test" and advisory.fixed == "1.2.6"
    assert import_osv_command(["import-osv", str(tmp_path / "missing.zip")]) == 2


def test_response_cache(tmp_path):
    cache = ResponseCache("test-cache.json")
    assert cache.get("k", 60) is None
    cache.put_many({"k": {"exists": True}})
    assert cache.get("k", 60) == {"exists": True}
    assert cache.get("k", -1) is None  # expired
    fresh = ResponseCache("test-cache.json")  # another process reads what was written
    assert fresh.get("k", 60) == {"exists": True}
    (cache_dir() / "broken.json").write_text("{not json")
    assert ResponseCache("broken.json").get("k", 60) is None
