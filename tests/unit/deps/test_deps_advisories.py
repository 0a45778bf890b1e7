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
    "ecosystem,lower,higher",
    [
        ("pypi", "1.2", "1.10"),
        ("pypi", "1.0rc1", "1.0"),
        ("pypi", "1.0a1", "1.0b1"),
        ("pypi", "1.0.dev0", "1.0a1"),
        ("pypi", "1.0", "1.0.post1"),
        ("pypi", "1.0.post1", "1.0.1"),
        ("pypi", "2.0", "1!0.1"),  # an epoch outranks any release number
        ("pypi", "1.0a1.dev1", "1.0a1"),
        ("pypi", "1.0", "1.0+local"),
        ("pypi", "0.9.9", "1.0"),
        ("npm", "1.0.0-rc.1", "1.0.0"),
        ("npm", "2.0.0-alpha", "2.0.0-alpha.1"),
        ("npm", "1.0.0-alpha.9", "1.0.0-alpha.10"),  # numeric identifiers compare as numbers
        ("npm", "1.0.0-beta", "1.0.0-rc"),
        ("npm", "v1.2.3", "1.2.4"),
        ("npm", "1.2.3", "1.10.0"),
    ],
)
def test_version_order(ecosystem, lower, higher):
    assert version_key(ecosystem, lower) < version_key(ecosystem, higher)


def test_equal_versions_and_unparsable_ones():
    assert version_key("pypi", "1.0") == version_key("pypi", "1.0.0")
    assert version_key("npm", "1.2.3+build.5") == version_key("npm", "1.2.3")
    assert version_key("pypi", "not a version") is None
    assert version_key("npm", "banana") is None


POSTS = {
    "id": "PYSEC-post",
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "pkg"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0.post1"}]}],
        },
        {
            "package": {"ecosystem": "PyPI", "name": "epoch-pkg"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1!1.0"}]}],
        },
        {
            "package": {"ecosystem": "PyPI", "name": "two-ranges"},
            "ranges": [
                {
                    "type": "ECOSYSTEM",
                    "events": [
                        {"introduced": "2.0"},
                        {"fixed": "2.5"},
                        {"introduced": "1.0"},
                        {"fixed": "1.5"},
                    ],
                }
            ],
            "versions": ["0.9"],
        },
        {
            "package": {"ecosystem": "npm", "name": "pre"},
            "ranges": [
                {"type": "SEMVER", "events": [{"introduced": "2.0.0-beta.1"}, {"fixed": "2.0.0-rc.2"}]}
            ],
        },
    ],
}


@pytest.mark.parametrize(
    "name,version,affected",
    [
        ("pkg", "1.0", True),
        ("pkg", "1.0.0", True),  # the same version as 1.0
        ("pkg", "1.0.post1", False),  # the fix was a post-release: the old order called it vulnerable
        ("pkg", "1.0.1", False),
        ("pkg", "1.0.post1.dev1", True),  # a dev release of the fix comes before it
        ("epoch-pkg", "5.0", True),  # epoch 0 < epoch 1
        ("epoch-pkg", "1!1.0", False),
        ("two-ranges", "1.7", False),
        ("two-ranges", "2.1", True),
        ("two-ranges", "1.0", True),
        ("two-ranges", "0.9.0", True),  # listed in `versions`, compared as a version
        ("two-ranges", "3.0", False),
        ("two-ranges", "not-a-version", False),
    ],
)
def test_pypi_ranges_as_osv_defines_them(name, version, affected):
    assert affected_by(POSTS, "pypi", name, version) is affected


@pytest.mark.parametrize(
    "version,affected",
    [
        ("2.0.0-alpha.3", False),
        ("2.0.0-beta.1", True),
        ("2.0.0-beta.10", True),
        ("2.0.0-rc.1", True),
        ("2.0.0-rc.2", False),
        ("2.0.0", False),
        ("1.9.9", False),
    ],
)
def test_npm_prerelease_ranges(version, affected):
    assert affected_by(POSTS, "npm", "pre", version) is affected


def test_first_fixed_uses_the_ecosystem_order():
    assert first_fixed(POSTS, "pypi", "pkg", "1.0") == "1.0.post1"
    assert first_fixed(POSTS, "pypi", "two-ranges", "1.2") == "1.5"
    assert first_fixed(POSTS, "pypi", "two-ranges", "2.1") == "2.5"


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
