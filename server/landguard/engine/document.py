"""A document: its text, lines and (for code) a tree-sitter tree edited incrementally.

Edits arrive as (range, new text) pairs with UTF-16 columns, as editors send them; the
document applies each to its text, edits the tree-sitter tree in place and reparses, which
costs milliseconds because tree-sitter reuses the unchanged parts of the old tree.

``apply_change`` returns a ``LineChange`` saying which lines were replaced by which, so the
analyser can rescan only those and shift what it cached for the lines below.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node, Point, Tree

from landguard.engine import positions
from landguard.engine.languages import TREE_LANGUAGES, detect_language, parser

DEFAULT_MAX_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class LineChange:
    """Old lines ``first .. old_last`` (inclusive) became new lines ``first .. new_last``."""

    first: int
    old_last: int
    new_last: int

    @property
    def delta(self) -> int:
        return self.new_last - self.old_last


class EditOutOfRange(ValueError):
    """An edit whose range lies outside the document; it was clamped and applied."""


class Document:
    """Text plus tree. Never shared between threads while being edited."""

    def __init__(
        self,
        text: str,
        *,
        path: str | None = None,
        language: str | None = None,
        language_id: str | None = None,
        version: int | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.path = path
        self.language = language or detect_language(path, language_id)
        self.version = version
        self.max_bytes = max_bytes
        self.tree: Tree | None = None
        self._set_text(text)
        self._parse(None)

    # ----------------------------------------------------------------- state

    def _set_text(self, text: str) -> None:
        self.text = text
        self.lines = positions.split_lines(text)
        self._index: positions.LineIndex | None = None
        self._source: bytes | None = None
        self.is_binary = "\x00" in text
        self.size = positions.utf8_len(text)
        self.too_large = self.size > self.max_bytes

    @property
    def index(self) -> positions.LineIndex:
        if self._index is None:
            self._index = positions.LineIndex(self.text)
        return self._index

    @property
    def source(self) -> bytes:
        """The UTF-8 bytes tree-sitter parses (see ``positions.parser_source``: a lone CR reads as LF)."""
        if self._source is None:
            self._source = positions.parser_source(self.text)
        return self._source

    @property
    def has_tree(self) -> bool:
        return self.tree is not None

    @property
    def analysed_line_count(self) -> int:
        """Lines the checks look at: all of them, unless the document is over the size limit."""
        if not self.too_large:
            return len(self.lines)
        budget, count = self.max_bytes, 0
        for line in self.lines:
            budget -= len(line) + 1
            if budget < 0:
                break
            count += 1
        return count

    def _parse(self, old_tree: Tree | None) -> None:
        if self.language not in TREE_LANGUAGES or self.is_binary or self.too_large:
            self.tree = None
            return
        language_parser = parser(self.language)
        self.tree = (
            language_parser.parse(self.source, old_tree) if old_tree else language_parser.parse(self.source)
        )

    # ----------------------------------------------------------------- edits

    def replace_all(self, text: str, version: int | None = None) -> LineChange:
        old_last = len(self.lines) - 1
        self._set_text(text)
        self._parse(None)
        self.version = version if version is not None else self.version
        return LineChange(0, old_last, len(self.lines) - 1)

    def apply_change(
        self,
        utf16_range: tuple[int, int, int, int] | None,
        new_text: str,
        version: int | None = None,
    ) -> LineChange:
        """Apply one content change; ``utf16_range`` is (start line, start col, end line, end col).

        ``None`` replaces the whole text. A range outside the document is clamped (LSP's rule
        for columns past the end of a line) and ``EditOutOfRange`` is raised *after* the edit was
        applied, so the caller can log it while the document stays consistent with the editor.
        """
        if utf16_range is None:
            return self.replace_all(new_text, version)
        start_line, start_u16, end_line, end_u16 = utf16_range
        out_of_range = (
            start_line < 0
            or end_line < start_line
            or end_line >= len(self.lines)
            or (end_line == start_line and end_u16 < start_u16)
        )
        last = len(self.lines) - 1
        # Past the last line means the end of the document (as vscode-languageserver-textdocument
        # reads it), not the start of the last line.
        start_u16 = 0 if start_line < 0 else (1 << 62 if start_line > last else start_u16)
        end_u16 = 1 << 62 if end_line > last else end_u16
        start_line = min(max(start_line, 0), last)
        end_line = min(max(end_line, start_line), last)
        start_col = positions.utf16_to_col(self.lines[start_line], start_u16)
        end_col = positions.utf16_to_col(self.lines[end_line], end_u16)
        if end_line == start_line and end_col < start_col:
            end_col = start_col

        index = self.index
        start = index.offset(start_line, start_col)
        end = index.offset(end_line, end_col)
        start, end, new_text = _cover_joined_line_ends(self.text, start, end, new_text)
        start_line, start_col = index.position(start)
        end_line, end_col = index.position(end)
        old_end_point = self._point(end_line, end_col)
        start_point = self._point(start_line, start_col)
        start_byte = positions.utf8_len(self.text[:start])
        old_end_byte = start_byte + positions.utf8_len(self.text[start:end])

        text = self.text[:start] + new_text + self.text[end:]
        old_tree = self.tree
        self._set_text(text)
        self.version = version if version is not None else self.version

        inserted_lines = positions.split_lines(new_text)
        new_last_line = start_line + len(inserted_lines) - 1
        if len(inserted_lines) == 1:
            new_end_col_bytes = start_point.column + positions.utf8_len(new_text)
        else:
            new_end_col_bytes = positions.utf8_len(inserted_lines[-1])
        new_end_byte = start_byte + positions.utf8_len(new_text)
        if (
            old_tree is not None
            and self.language in TREE_LANGUAGES
            and not self.is_binary
            and not self.too_large
        ):
            old_tree.edit(
                start_byte=start_byte,
                old_end_byte=old_end_byte,
                new_end_byte=new_end_byte,
                start_point=start_point,
                old_end_point=old_end_point,
                new_end_point=Point(new_last_line, new_end_col_bytes),
            )
            self._parse(old_tree)
        else:
            self._parse(None)
        change = LineChange(start_line, end_line, new_last_line)
        if out_of_range:
            raise EditOutOfRange(f"edit range {utf16_range} lies outside the document; clamped", change)
        return change

    def _point(self, line: int, col: int) -> Point:
        # Rows are LSP lines, which are tree-sitter's rows too (``positions.parser_source``).
        return Point(line, positions.col_to_byte(self.lines[line], col))

    # ----------------------------------------------------------------- tree helpers

    def node_text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def node_span(self, node: Node):
        return positions.node_span(node, self.lines)


def _cover_joined_line_ends(text: str, start: int, end: int, new_text: str) -> tuple[int, int, str]:
    """Widen an edit over a CR before it or an LF after it that the edit joins into a CRLF or splits.

    Inserting LF right after a lone CR (or CR before an LF, or deleting what stood between them)
    changes a line end outside the edited range: two line ends become one. Covering that line end
    makes the edit report exactly the lines it changed, and tree-sitter's edit cover the byte whose
    meaning changed (a lone CR is parsed as LF).
    """
    if start > 0 and text[start - 1] == "\r" and ((new_text or text[end : end + 1])[:1] == "\n"):
        start -= 1
        new_text = "\r" + new_text
    if text[end : end + 1] == "\n" and (new_text[-1:] or text[start - 1 : start]) == "\r":
        end += 1
        new_text += "\n"
    return start, end, new_text
