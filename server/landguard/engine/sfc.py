"""Vue single-file components: where the blocks are, and the script the JavaScript rules read.

A ``.vue`` file is HTML-like: top-level ``<template>``, ``<script>`` / ``<script setup>``,
``<style>`` and custom blocks (``<i18n>``, ``<docs>``). ``scan`` finds them the way
``@vue/compiler-sfc`` does for well-formed files: a ``<script>`` or ``<style>`` ends at the first
closing tag of its name (raw text, as in HTML), a ``<template>`` at the closing tag that matches
it (nested ``<template v-if>`` tags counted), a custom block at its closing tag.

``masked`` is what the JavaScript/TypeScript grammar parses: the file's own bytes inside the
script blocks, and everything else (tags, template, styles) blanked to spaces byte for byte,
line ends kept. So every byte offset, line and column of the parsed program is the one of the
``.vue`` file: findings, fixes and suppression comments of the script rules land where they are,
with no mapping tables to keep in step with edits.

Only text is scanned here (no grammar is involved); a half-typed block (no closing tag yet)
runs to the end of the file, as an editor's buffer often is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The start of a tag or comment; the rest of a tag is read by ``tags`` (quotes may hold ">").
_TAG_START = re.compile(rb"<(?:!--|(/?)([A-Za-z][\w.:-]*))")
_TAG_STOP = re.compile(rb"[>\"']")
_LANG = re.compile(rb"""\blang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>/]+))""", re.I)
_SRC = re.compile(rb"""(?:^|\s)src\s*=""", re.I)
# Script languages the JavaScript/TypeScript rules read; others (CoffeeScript ...) are left out.
_SCRIPT_LANGUAGES = {
    b"": "javascript",
    b"js": "javascript",
    b"jsx": "javascript",
    b"ts": "typescript",
    b"tsx": "tsx",
}
# Every byte but a line end becomes a space: offsets, rows and byte columns stay the file's own.
_BLANK = bytes(b if b in (0x0A, 0x0D) else 0x20 for b in range(256))


@dataclass(frozen=True, slots=True)
class Block:
    """A top-level block: its tag name, attributes, and the byte range of its content."""

    name: str
    attributes: bytes
    start: int  # first byte of the content
    end: int  # the byte after the content (where the closing tag starts)

    @property
    def setup(self) -> bool:
        return re.search(rb"(?:^|\s)setup(?:\s|=|$)", self.attributes) is not None

    @property
    def lang(self) -> bytes:
        match = _LANG.search(self.attributes)
        if match is None:
            return b""
        return next(group for group in match.groups() if group is not None).lower()


@dataclass(frozen=True, slots=True)
class Layout:
    """The blocks of one component, and what the JavaScript rules parse of it."""

    blocks: tuple[Block, ...]
    language: str  # the grammar of its script: javascript, typescript or tsx
    masked: bytes

    @property
    def scripts(self) -> tuple[Block, ...]:
        return tuple(block for block in self.blocks if block.name == "script")

    @property
    def template(self) -> Block | None:
        return next((block for block in self.blocks if block.name == "template"), None)


@dataclass(frozen=True, slots=True)
class Tag:
    """An opening or closing tag: its lowered name and where its attributes are."""

    name: bytes
    closing: bool
    start: int  # the "<"
    attributes_start: int
    attributes_end: int  # the ">" (or the "/" of "/>")
    end: int  # after the ">"
    self_closing: bool


def tags(source: bytes, start: int = 0, end: int | None = None):
    """The tags of ``source[start:end]`` in order, comments skipped.

    Linear: each tag is read with searches that only move forward, and an unterminated tag or
    comment ends the scan (nothing after it can be told from attribute text)."""
    end = len(source) if end is None else end
    position = start
    while True:
        match = _TAG_START.search(source, position, end)
        if match is None:
            return
        if match.group(2) is None:  # a comment
            close = source.find(b"-->", match.end(), end)
            if close < 0:
                return
            position = close + 3
            continue
        at = match.end()
        while True:
            stop = _TAG_STOP.search(source, at, end)
            if stop is None:
                return
            if stop.group() == b">":
                break
            quote_end = source.find(stop.group(), stop.end(), end)
            if quote_end < 0:
                return
            at = quote_end + 1
        attributes_end = stop.start()
        self_closing = source[match.end() : attributes_end].rstrip().endswith(b"/")
        yield Tag(
            match.group(2).lower(),
            bool(match.group(1)),
            match.start(),
            match.end(),
            attributes_end,
            stop.end(),
            self_closing,
        )
        position = stop.end()


def _closing(source: bytes, name: bytes, start: int) -> tuple[int, int]:
    """(start, end) of the first ``</name>`` at or after ``start``; the end of the file if none."""
    match = re.compile(rb"</" + re.escape(name) + rb"\s*>", re.I).search(source, start)
    return (match.start(), match.end()) if match else (len(source), len(source))


def _template_end(source: bytes, start: int) -> tuple[int, int]:
    """(start, end) of the ``</template>`` that closes a template whose content starts at ``start``."""
    depth = 1
    for tag in tags(source, start):
        if tag.name != b"template":
            continue
        if tag.closing:
            depth -= 1
            if depth == 0:
                return tag.start, tag.end
        elif not tag.self_closing:
            depth += 1
    return len(source), len(source)


def scan(source: bytes) -> Layout:
    """The blocks of a component's (parser) source and its masked script."""
    blocks: list[Block] = []
    position = 0
    while True:
        tag = next(tags(source, position), None)
        if tag is None:
            break
        position = tag.end
        if tag.closing or tag.self_closing:
            continue  # a stray closing tag, or a self-closing block (`<script src=... />`)
        if tag.name == b"template":
            end, position = _template_end(source, tag.end)
        else:
            end, position = _closing(source, tag.name, tag.end)
        attributes = source[tag.attributes_start : tag.attributes_end]
        blocks.append(Block(tag.name.decode("ascii", "replace"), attributes, tag.end, end))

    analysed = [
        block
        for block in blocks
        if block.name == "script" and block.lang in _SCRIPT_LANGUAGES and not _SRC.search(block.attributes)
    ]
    languages = {_SCRIPT_LANGUAGES[block.lang] for block in analysed}
    language = "tsx" if "tsx" in languages else "typescript" if "typescript" in languages else "javascript"
    parts: list[bytes] = []
    kept = 0
    for block in analysed:
        parts.append(source[kept : block.start].translate(_BLANK))
        parts.append(source[block.start : block.end])
        kept = block.end
    parts.append(source[kept:].translate(_BLANK))
    return Layout(tuple(blocks), language, b"".join(parts))


def same_outside(old: bytes, new: bytes, start: int, old_end: int, new_end: int) -> bool:
    """Whether ``new`` is ``old`` with only bytes ``start..old_end`` replaced (by ``start..new_end``).

    When an edit changes what is masked outside the edited range (typing ``</script>`` moves a
    block's end), the old tree no longer describes the text around the edit: parse from scratch."""
    return (
        len(new) - new_end == len(old) - old_end
        and new[:start] == old[:start]
        and new[new_end:] == old[old_end:]
    )
