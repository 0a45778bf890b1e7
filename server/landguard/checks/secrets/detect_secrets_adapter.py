"""The one place that imports detect-secrets: a few of its plugins, and its heuristic filters.

detect-secrets keeps its configuration in a process-wide singleton (``get_settings()``) that its
scanning entry points read and its ``transient_settings`` context manager swaps in and out.
Landguard must neither depend on nor disturb whatever another user of the library in the same
process configured, so:

- the plugins are configured **once**, under a lock, inside ``transient_settings`` (which
  restores the previous global settings on exit); we keep the resulting plugin instances;
- scanning calls each plugin's ``analyze_string``, which is a pure function of the text: it
  never reads the global settings (``analyze_line`` does, for verification, so we avoid it);
- the heuristic filters used here are pure functions of their arguments too.

Its results carry no column, and some plugins yield only part of a token (a capture group), so
``find_plugin_secrets`` computes spans itself: it finds each yielded value in the line and widens it to
the surrounding token characters. Its eager ad-hoc ``scan_line`` mode (every plugin, no
filters) is too noisy for an editor buffer and is not used.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

# Plugins whose formats our own detectors (provider_tokens, private_keys, url_credentials,
# hardcoded_passwords) do not already cover better (Slack, Mailchimp, Telegram and Square are in
# our provider table, with every documented shape and length). Keyword/entropy plugins are left out: they
# are the noisy part, and our assignment detectors replace them with language-aware parsing.
PLUGIN_KINDS = {
    "JwtTokenDetector": ("JSON Web Token", "AUTH_TOKEN"),
    "DiscordBotTokenDetector": ("Discord bot token", "DISCORD_BOT_TOKEN"),
}

# For the scanner's prefilter: the plugins' tokens all contain a run of 20 or more characters
# of [A-Za-z0-9_-], or one of these words (lowercase).
PREFILTER_WORDS = ("eyj",)
# Cheap test a line must pass before any plugin runs (the plugins' own formats, loosely).
PREFILTER = r"eyJ|[MNO][\w-]{23,25}\.[\w-]{6}\."
_PREFILTER = re.compile(PREFILTER)

_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-+/=.]")

_lock = threading.Lock()
_plugins: tuple | None = None


@dataclass(frozen=True, slots=True)
class PluginHit:
    kind: str
    env_name: str
    start: int  # code-point columns on the line
    end: int
    value: str


def _configured_plugins() -> tuple:
    """Our plugin instances, configured once; the library's global settings are restored after."""
    global _plugins
    if _plugins is None:
        with _lock:
            if _plugins is None:
                from detect_secrets.settings import get_plugins, transient_settings

                with transient_settings({"plugins_used": [{"name": name} for name in PLUGIN_KINDS]}):
                    _plugins = tuple(get_plugins())
    return _plugins


def find_plugin_secrets(line: str) -> Iterator[PluginHit]:
    """Secrets the selected detect-secrets plugins find on one line, with our own columns."""
    if not _PREFILTER.search(line):
        return
    for plugin in _configured_plugins():
        kind, env_name = PLUGIN_KINDS[type(plugin).__name__]
        seen: set[int] = set()
        for value in plugin.analyze_string(line):
            if not value:
                continue
            start = line.find(value)
            while start != -1 and start in seen:
                start = line.find(value, start + 1)
            if start == -1:
                continue
            seen.add(start)
            end = start + len(value)
            # Some plugins yield a capture group: widen to the whole token around it.
            while start > 0 and _TOKEN_CHARS.match(line[start - 1]) and line[start - 1] != "=":
                start -= 1
            while end < len(line) and _TOKEN_CHARS.match(line[end]):
                end += 1
            yield PluginHit(kind, env_name, start, end, line[start:end])


def preload() -> None:
    """Import detect-secrets (and the HTTP stack it brings, ~4.5 MB of modules) and configure our
    plugins now rather than on the first candidate line. A batch does it once, before forking its
    workers (``Check.preload``: shared, not imported by each). The server does it once after its first
    diagnostics (``registry.warm_lazy_imports``): imported on the first secret-like edit instead,
    these never-freed module objects land in the allocator's arenas between per-edit garbage and
    keep them from being returned."""
    _configured_plugins()
    from detect_secrets.filters import heuristic  # noqa: F401 - imported for its side effect


# --------------------------------------------------------------------- heuristic filters


def is_sequential_string(value: str) -> bool:
    """``abcdef``, ``123456``, ``ABCDEF0123`` and similar keyboard runs."""
    from detect_secrets.filters.heuristic import is_sequential_string as check

    return check(value)


def is_potential_uuid(value: str) -> bool:
    from detect_secrets.filters.heuristic import is_potential_uuid as check

    return check(value)


def is_templated_secret(value: str) -> bool:
    """``{secret}``, ``<secret>``, ``${secret}``."""
    from detect_secrets.filters.heuristic import is_templated_secret as check

    return check(value)


def is_not_alphanumeric_string(value: str) -> bool:
    """No letter at all (``*****``, ``12345678``)."""
    from detect_secrets.filters.heuristic import is_not_alphanumeric_string as check

    return check(value)
