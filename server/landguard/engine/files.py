"""Reading files that a repository controls, without letting it hang, blind or exhaust Landguard.

A repository can hold a FIFO named ``requirements.txt`` (an ``open`` blocks forever), a
device (``/dev/zero`` reads forever), a symlink to ``/etc/passwd`` or into a loop, or a file
nobody may read. ``read_regular`` refuses each with a short reason instead: it looks at the
path first (``stat``, so a FIFO is never opened), opens it non-blocking, checks again on the
open descriptor (the path may have been swapped meanwhile) and reads at most ``limit`` bytes.

``display_path`` turns a file name that is not valid UTF-8 (POSIX names are bytes; Python
carries the bad bytes as lone surrogates) into printable text: ``caf\\xe9.py``.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# Beyond this, a file is not read at all (the analysis limit, maxFileSize, is far smaller).
DEFAULT_READ_LIMIT = 16 * 1024 * 1024


class Unreadable(Exception):
    """A file that was not read; ``reason`` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def reason_for(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symlink loop"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, FileNotFoundError):
        return "not found"
    return error.strerror or type(error).__name__


def read_regular(
    path: str | os.PathLike[str], limit: int = DEFAULT_READ_LIMIT, *, follow_symlinks: bool = True
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or ``Unreadable``."""
    try:
        info = os.stat(path, follow_symlinks=follow_symlinks)
    except OSError as error:
        raise Unreadable(reason_for(error)) from None
    except ValueError:  # an embedded NUL in the name
        raise Unreadable("invalid file name") from None
    if stat.S_ISLNK(info.st_mode):
        raise Unreadable("a symlink")
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable(_kind(info.st_mode))
    if info.st_size > limit:
        raise Unreadable(f"larger than {limit:,} bytes")
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    )
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise Unreadable(reason_for(error)) from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # swapped since the stat above
            raise Unreadable("not a regular file")
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as error:
        raise Unreadable(reason_for(error)) from None
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > limit:
        raise Unreadable(f"larger than {limit:,} bytes")
    return data


def read_regular_text(path: str | os.PathLike[str], limit: int = DEFAULT_READ_LIMIT) -> str | None:
    """UTF-8 text (bad bytes replaced) of a regular file, or None when it cannot be read safely."""
    try:
        return read_regular(path, limit).decode("utf-8", errors="replace")
    except Unreadable:
        return None


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a regular file (following symlinks; a loop or an error is False)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def display_path(path: str | Path) -> str:
    """``path`` as printable text: bytes that are not UTF-8 are shown as ``\\xNN``."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that did not come from a file name's bytes
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")
