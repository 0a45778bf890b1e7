"""The one place where position conventions are converted.

Inside Landguard: 0-based line, column in code points (see ``findings.Span``).
Outside: tree-sitter speaks UTF-8 byte offsets and (row, byte-column) points, LSP
speaks UTF-16 code units per line, libcst 1-based lines. Every conversion lives here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from typing import TYPE_CHECKING

from landguard.engine.findings import Span

if TYPE_CHECKING:
    from tree_sitter import Node


def utf16_len(text: str) -> int:
    """Number of UTF-16 code units in ``text`` (astral characters count twice)."""
    # Fast path: most lines are BMP-only.
    if text.isascii():
        return len(text)
    # surrogatepass: a lone surrogate (broken client input) is one UTF-16 unit, not an error.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def col_to_utf16(line_text: str, col: int) -> int:
    """Code-point column -> UTF-16 column on a line."""
    return utf16_len(line_text[:col])


def utf16_to_col(line_text: str, utf16_col: int) -> int:
    """UTF-16 column -> code-point column, clamped to the line (LSP says: past the end means the end)."""
    if utf16_col <= 0:
        return 0
    if line_text.isascii():
        return min(utf16_col, len(line_text))
    units = 0
    for index, char in enumerate(line_text):
        if units >= utf16_col:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line_text)


def utf8_len(text: str) -> int:
    """Bytes of ``text`` in the source tree-sitter parses (a lone surrogate is 3, like its U+FFFD)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


_LONE_CR = re.compile(r"\r(?!\n)")
_SURROGATE = re.compile("[\ud800-\udfff]")


def parser_source(text: str) -> bytes:
    """The UTF-8 bytes tree-sitter parses: ``text`` with a lone CR seen as LF and lone surrogates as U+FFFD.

    Tree-sitter counts rows at LF only; LSP ends a line at CRLF, LF or a lone CR. Seen as LF (one
    byte for one byte), a lone CR ends the same line for both, so a node's row is its LSP line in
    every file (classic Mac line ends included) and byte offsets stay those of the text. Every
    language we parse treats a lone CR as a line break anyway.
    """
    if "\r" in text:
        text = _LONE_CR.sub("\n", text)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a broken client
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def col_to_byte(line_text: str, col: int) -> int:
    """Code-point column -> UTF-8 byte column."""
    if line_text.isascii():
        return col
    # surrogatepass: a lone surrogate (broken client input) counts 3 bytes, like the U+FFFD
    # that replaces it in the bytes tree-sitter parses.
    return len(line_text[:col].encode("utf-8", "surrogatepass"))


def byte_to_col(line_text: str, byte_col: int) -> int:
    """UTF-8 byte column -> code-point column."""
    if line_text.isascii():
        return min(byte_col, len(line_text))
    prefix = line_text.encode("utf-8", "surrogatepass")[:byte_col]
    try:
        return len(prefix.decode("utf-8", "surrogatepass"))
    except UnicodeDecodeError:  # a column inside a character: count the whole characters before it
        return len(prefix.decode("utf-8", "ignore"))


def split_lines(text: str) -> list[str]:
    """Lines without their terminators, splitting on \\n, \\r\\n and lone \\r like LSP does.

    Always at least one (possibly empty) line; a trailing newline yields a final empty line,
    because an editor shows (and lets you type on) that line.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines_with_ends(text: str) -> tuple[list[str], list[int]]:
    """``split_lines(text)`` and, per line, the length of the line end after it (0 for the last)."""
    if "\r" not in text:
        lines = text.split("\n")
        return lines, [1] * (len(lines) - 1) + [0]
    lines, ends, start = [], [], 0
    for match in _LINE_END.finditer(text):
        lines.append(text[start : match.start()])
        ends.append(match.end() - match.start())
        start = match.end()
    lines.append(text[start:])
    ends.append(0)
    return lines, ends


class LineIndex:
    """Line start offsets of a text, for offset <-> (line, col) conversions in code points."""

    __slots__ = ("starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        index = 0
        length = len(text)
        # The next "\r" is searched for again only once passed: searching from every line start
        # rescanned the rest of a CR-free text per line (quadratic, ~45 ms per edit on 6,400 lines).
        r = text.find("\r")
        if r < 0:
            # No CR at all (the usual case): let C loops do it, this runs on every keystroke.
            self.starts = [0, *accumulate(map((1).__add__, map(len, text.split("\n")[:-1])))]
            return
        while True:
            n = text.find("\n", index)
            if 0 <= r < index:
                r = text.find("\r", index)
            if n < 0 and r < 0:
                break
            if r >= 0 and (n < 0 or r < n):
                index = r + 2 if r + 1 < length and text[r + 1] == "\n" else r + 1
            else:
                index = n + 1
            starts.append(index)
        self.starts = starts

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_end(self, line: int) -> int:
        """Offset of the end of ``line``'s content (before its terminator)."""
        if line + 1 < len(self.starts):
            end = self.starts[line + 1] - 1
            if end > self.starts[line] and self.text[end] == "\n" and self.text[end - 1] == "\r":
                end -= 1
            return end
        return len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line] : self.line_end(line)]

    def offset(self, line: int, col: int) -> int:
        """(line, code-point col) -> offset, clamped into the text."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        return min(self.starts[line] + max(col, 0), self.line_end(line))

    def position(self, offset: int) -> tuple[int, int]:
        """offset -> (line, code-point col)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    def span(self, start: int, end: int) -> Span:
        start_line, start_col = self.position(start)
        end_line, end_col = self.position(end)
        return Span(start_line, start_col, end_line, end_col)


def node_span(node: Node, lines: list[str]) -> Span:
    """Span of a tree-sitter node, given the document's lines (for byte -> code point columns)."""
    (start_row, start_byte_col), (end_row, end_byte_col) = node.start_point, node.end_point
    return Span(
        start_row,
        byte_to_col(lines[start_row], start_byte_col) if start_row < len(lines) else 0,
        end_row,
        byte_to_col(lines[end_row], end_byte_col) if end_row < len(lines) else 0,
    )


def span_to_utf16(span: Span, lines: list[str]) -> tuple[int, int, int, int]:
    """Span -> (start_line, start_utf16, end_line, end_utf16) for LSP."""

    def conv(line: int, col: int) -> int:
        return col_to_utf16(lines[line], col) if 0 <= line < len(lines) else col

    return (
        span.start_line,
        conv(span.start_line, span.start_col),
        span.end_line,
        conv(span.end_line, span.end_col),
    )


def libcst_line(line: int) -> int:
    """Landguard 0-based line -> libcst 1-based line."""
    return line + 1


def from_libcst_line(line: int) -> int:
    """libcst 1-based line -> Landguard 0-based line."""
    return line - 1
