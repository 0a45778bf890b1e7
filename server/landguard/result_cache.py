"""The CLI's result cache: findings of unchanged files, kept where a repository cannot forge them.

A cache a repository can write is a way to hide findings: commit a cache file that lists none,
and CI believes it. So the cache lives outside the tree, in the user's cache folder
(``platformdirs.user_cache_dir("landguard")``, e.g. ``~/.cache/landguard``; ``$LANDGUARD_CACHE_DIR``
overrides it), and every cache file is authenticated with an HMAC under a per-user secret
(``secret.key`` in that folder, created 0600): a file nobody made with the secret is ignored.

Each entry is bound to what produced it: the cache file's name and MAC cover Landguard's
version and build (the package's files), the rules, the effective configuration, the
project's manifests and the project root; an entry maps a path to the hash of the content it
was computed from. Entries are validated on read; anything malformed is dropped, never
trusted, never a crash. Symlinks are never followed: not for the folder, the secret or a
cache file. Writes go to a temporary file renamed into place, so parallel runs never see a
half-written file (the last writer wins; a lost update only costs speed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import platformdirs

from landguard.engine.files import Unreadable, read_regular

CACHE_FORMAT = 2
KEY_FILE_NAME = "secret.key"
RESULTS_FOLDER = "results"
_SECRET_BYTES = 32
_MAX_CACHE_FILE = 256 * 1024 * 1024
_STALE_AFTER = 30 * 24 * 3600  # cache files unused this long are removed
# Owners and permission bits mean something on POSIX only (Windows reports 0o777 for everything).
_POSIX = os.name == "posix" and hasattr(os, "geteuid")


def cache_root() -> Path:
    """The user's Landguard cache folder (``$LANDGUARD_CACHE_DIR`` wins)."""
    override = os.environ.get("LANDGUARD_CACHE_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir("landguard", appauthor=False))


class CacheUnavailable(Exception):
    """The cache cannot be used safely; ``args[0]`` says why (the run goes on without it)."""


def _private_folder(path: Path) -> Path:
    """``path`` as a folder of ours: created 0700 if missing, refused if a symlink or someone else's."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(path)
    except OSError as error:
        raise CacheUnavailable(f"cannot create {path}: {error.strerror or error}") from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise CacheUnavailable(f"{path} is not a folder (a symlink?); not followed")
    if _POSIX and info.st_uid != os.geteuid():
        raise CacheUnavailable(f"{path} belongs to another user")
    if _POSIX and info.st_mode & 0o022:
        raise CacheUnavailable(f"{path} is writable by other users")
    return path


def _read_secret(path: Path) -> bytes:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise CacheUnavailable(f"cannot read {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise CacheUnavailable(f"{path} is not a regular file; not followed")
    if _POSIX and info.st_uid != os.geteuid():
        raise CacheUnavailable(f"{path} belongs to another user")
    if _POSIX and info.st_mode & 0o077:
        raise CacheUnavailable(f"{path} is readable by other users (it must be 0600)")
    try:
        data = read_regular(path, 4096, follow_symlinks=False)
    except Unreadable as error:
        raise CacheUnavailable(f"cannot read {path}: {error.reason}") from None
    if len(data) != _SECRET_BYTES:
        raise CacheUnavailable(f"{path} is not a Landguard cache secret")
    return data


def user_secret(folder: Path) -> bytes:
    """The per-user cache secret, created on first use (atomically: parallel first runs agree)."""
    path = folder / KEY_FILE_NAME
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".secret-")  # created 0600
    try:
        os.write(descriptor, secrets.token_bytes(_SECRET_BYTES))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(temporary, path)  # fails if another run created it first: then theirs is used
    except FileExistsError:
        pass
    except OSError as error:
        raise CacheUnavailable(f"cannot create {path}: {error.strerror or error}") from None
    finally:
        os.unlink(temporary)
    try:
        return _read_secret(path)
    except FileNotFoundError:
        raise CacheUnavailable(f"{path} vanished while being created") from None


def build_id() -> str:
    """Landguard's own files (name, size, modification time): a rule changed in a checkout invalidates."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".toml", ".json", ".txt")):
                try:
                    info = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                digest.update(
                    f"{os.path.relpath(os.path.join(folder, name), package)}\0{info.st_size}\0".encode()
                )
                digest.update(str(info.st_mtime_ns).encode() + b"\0")
    return digest.hexdigest()


def _valid_entry(entry: Any) -> bool:
    """An entry is [content hash, {"findings": [...], "locations": [...], ...}] with the right types."""
    if not isinstance(entry, list) or len(entry) != 2 or not isinstance(entry[0], str):
        return False
    payload = entry[1]
    if not isinstance(payload, dict):
        return False
    findings, locations = payload.get("findings"), payload.get("locations")
    if not isinstance(findings, list) or not isinstance(locations, list) or len(findings) != len(locations):
        return False
    if not all(isinstance(f, dict) for f in findings) or not all(isinstance(loc, dict) for loc in locations):
        return False
    skipped = payload.get("skipped")
    return (skipped is None or isinstance(skipped, str)) and isinstance(
        payload.get("decode_errors", False), bool
    )


class ResultCache:
    """One authenticated JSON file per (project, binding): ``{path: [content hash, result]}``."""

    def __init__(self, root: Path, binding: Iterable[str]) -> None:
        self.root = root
        _private_folder(root)
        self.folder = _private_folder(root / RESULTS_FOLDER)
        self.secret = user_secret(root)
        binding_text = "\0".join([str(CACHE_FORMAT), *binding])
        self.binding = hmac.new(
            self.secret, binding_text.encode("utf-8", "surrogateescape"), "sha256"
        ).hexdigest()
        self.file = self.folder / f"results-{self.binding[:32]}.json"
        self.entries: dict[str, list] = {}
        self.dropped = 0  # entries that failed validation
        self.dirty = False
        self._load()

    def _mac(self, body: bytes) -> str:
        return hmac.new(self.secret, self.binding.encode() + b"\0" + body, "sha256").hexdigest()

    def _load(self) -> None:
        try:
            raw = read_regular(self.file, _MAX_CACHE_FILE, follow_symlinks=False)
        except Unreadable:
            return
        try:
            document = json.loads(raw)
        except (ValueError, RecursionError):
            return
        if not isinstance(document, dict) or document.get("format") != CACHE_FORMAT:
            return
        body, mac = document.get("entries"), document.get("mac")
        if not isinstance(body, str) or not isinstance(mac, str):
            return
        if not hmac.compare_digest(mac, self._mac(body.encode("utf-8", "surrogatepass"))):
            return  # not made with this user's secret for this binding: forged or foreign
        try:
            entries = json.loads(body)
        except (ValueError, RecursionError):
            return
        if not isinstance(entries, dict):
            return
        for path, entry in entries.items():
            if _valid_entry(entry):
                self.entries[path] = entry
            else:
                self.dropped += 1

    def get(self, path: str, key: str) -> dict | None:
        """The stored result payload for ``path`` if it was computed from content ``key``."""
        entry = self.entries.get(path)
        if entry is None or not hmac.compare_digest(entry[0], key):
            return None
        return entry[1]

    def drop(self, path: str) -> None:
        if self.entries.pop(path, None) is not None:
            self.dropped += 1
            self.dirty = True

    def put(self, path: str, key: str, payload: dict) -> None:
        self.entries[path] = [key, payload]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty and not self.dropped:
            self._touch()
            return
        body = json.dumps(self.entries, separators=(",", ":"))
        document = json.dumps(
            {"format": CACHE_FORMAT, "mac": self._mac(body.encode("utf-8", "surrogatepass")), "entries": body}
        )
        try:
            descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".results-", suffix=".tmp")
            try:
                with os.fdopen(descriptor, "w", encoding="utf-8", errors="surrogatepass") as handle:
                    handle.write(document)
                os.replace(temporary, self.file)  # atomic; replaces a symlink itself, never its target
            except BaseException:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass
                raise
        except OSError:
            return  # a cache that cannot be written only costs speed
        self._prune()

    def _touch(self) -> None:
        try:
            if stat.S_ISREG(os.lstat(self.file).st_mode):
                os.utime(self.file, follow_symlinks=False)
        except (OSError, NotImplementedError):
            pass

    def _prune(self) -> None:
        """Remove this folder's cache files nobody used for a month (regular files only)."""
        now = time.time()
        try:
            with os.scandir(self.folder) as listing:
                for entry in listing:
                    if not entry.name.startswith(("results-", ".results-")) or entry.path == str(self.file):
                        continue
                    try:
                        info = entry.stat(follow_symlinks=False)
                        if stat.S_ISREG(info.st_mode) and now - info.st_mtime > _STALE_AFTER:
                            os.unlink(entry.path)
                    except OSError:
                        continue
        except OSError:
            pass
