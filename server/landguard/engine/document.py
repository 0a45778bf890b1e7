"""A document: its text, lines and (for code) a tree-sitter tree edited incrementally.

Edits arrive as (range, new text) pairs with UTF-16 columns, as editors send them; the
document applies each to its text, edits the tree-sitter tree in place and reparses, which
costs milliseconds because tree-sitter reuses the unchanged parts of the old tree.

``apply_change`` returns a ``LineChange`` saying which lines were replaced by which, so the
analyser can rescan only those and shift what it cached for the lines below.
"""

from __future__ import annotations

import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tree_sitter import Node, Point, Tree

from landguard.engine import positions, sfc
from landguard.engine.languages import HOST_LANGUAGES, TREE_LANGUAGES, detect_language, parser

DEFAULT_MAX_BYTES = 2_000_000
T = TypeVar("T")
# The root's named children as of a tree: their start and end bytes and types, and a token each,
# kept by ``top_level_facts`` for a child no edit since reached (``Document._top_level_children``);
# and the nodes read from this tree, by index (the others are found when needed).
_TopLevel = tuple[Tree, list[int], list[int], list[str], list[object], dict[int, Node]]


@dataclass(frozen=True, slots=True)
class LineChange:
    """Old lines ``first .. old_last`` (inclusive) became new lines ``first .. new_last``."""

    first: int
    old_last: int
    new_last: int
    # The same edit in ``Document.source`` bytes: (start, old end, new end), the old range
    # [start, old end) replaced by [start, new end); None when not known (the whole text replaced,
    # a Vue component whose blanked regions may have moved).
    source_edit: tuple[int, int, int] | None = None
    # The byte ranges of the new source whose syntax tree structure changed, besides the edited
    # bytes (tree-sitter's ``changed_ranges``: a quote that opens a string down to the end of the
    # file); outside them and ``source_edit`` every node has the same ancestors as before. None
    # when not known (the tree parsed from scratch, or not at all).
    syntax_changes: tuple[tuple[int, int], ...] | None = None

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
        parse: bool = True,
    ) -> None:
        self.path = path
        detected = language or detect_language(path, language_id)
        # A file that embeds code (a Vue component): ``language`` is its script's, ``host`` the file's.
        self.host: str | None = detected if detected in HOST_LANGUAGES else None
        self.layout: sfc.Layout | None = None
        self.language = detected
        self.version = version
        self.max_bytes = max_bytes
        self._tree: Tree | None = None
        # Counts the trees this document has had (``change_since``), and the last edit between two
        # of them: (the generation it edited, its change), when its byte range and syntax changes
        # are known.
        self.tree_generation = 0
        self._last_change: tuple[int, LineChange] | None = None
        # Called (a weak reference to a bound method) before any edit: an analysis finishing work
        # that needs the tree its last run saw (``Analysis.tidy``).
        self.before_change: weakref.WeakMethod | None = None
        # The tree is parsed from scratch on first use (``idle_copy``): edits meanwhile only edit the text.
        self._unparsed = False
        # Edits not parsed yet (``apply_change(..., defer_parse=True)``): a copy of the last tree
        # with them applied (``Tree.edit``), reparsed once by the next use of ``tree`` or the next
        # edit that parses.
        self._edited: Tree | None = None
        self._set_text(text)
        if parse:
            self._parse(None)
        else:
            self._unparsed = True

    def idle_copy(self) -> Document:
        """This document without its tree, source bytes or anything cached for it elsewhere.

        For an open document nobody edits: the per-document state other modules keep for this
        object (weakly keyed by it) goes with it, and the copy parses its tree, from scratch, when
        first asked for it. A fresh parse gives the tree an incremental one would, so findings
        are the same, except in broken code, where tree-sitter's error recovery can depend on the
        parse's history: the findings are then those of the file opened afresh. The first edit
        after costs at most what opening the document did."""
        copy = Document(
            self.text,
            path=self.path,
            language=self.host or self.language,
            version=self.version,
            max_bytes=self.max_bytes,
            parse=False,
        )
        copy.too_large = self.too_large
        # Its lines too are split again when first asked for: the only per-line objects an idle
        # document would keep (a str each, ~100 bytes per line), allocated in the middle of the
        # analyses running at the time, where they would keep the allocator's pools from emptying.
        copy._lines = None
        return copy

    # ----------------------------------------------------------------- state

    def _set_text(self, text: str) -> None:
        self.text = text
        lines, ends = positions.split_lines_with_ends(text)
        self._lines: list[str] | None = lines
        self._index: positions.LineIndex | None = None
        self._source: bytes | None = None
        # Per line: code points and UTF-8 bytes including its line end, for the offsets of an edit
        # (a C-level ``sum`` over a prefix) without a line index rebuilt on every keystroke.
        self._chars = [len(line) + end for line, end in zip(lines, ends, strict=True)]
        self._ascii = text.isascii()
        self._bytes = (
            self._chars if self._ascii else [_utf8(line) + end for line, end in zip(lines, ends, strict=True)]
        )
        self._nuls = text.count("\x00")
        self._crlfs = text.count("\r\n")
        self.is_binary = self._nuls > 0
        self.size = sum(self._bytes)
        self.too_large = self.size > self.max_bytes
        # Per line, whether it holds one of the words: lower-cased (``lines_with``) or not (``exact``).
        self._marker_flags: dict[tuple[tuple[str, ...], bool], bytearray] = {}
        # ``top_level_facts``: the last tree's top-level children, the edit since (None: none yet;
        # False: more than one, or one whose syntax changes are not known) and each fact's values
        # by token.
        self._top_level: _TopLevel | None = None
        self._top_level_edit: tuple[int, int, int, tuple[tuple[int, int], ...]] | bool | None = None
        self._top_level_facts: dict[str, dict[object, object]] = {}
        if self.host is not None:
            self._relayout()

    def _relayout(self) -> sfc.Layout:
        """Find a component's blocks again; its script's grammar may have changed (``lang="ts"``)."""
        if self._source is None:
            self._source = positions.parser_source(self.text)  # the file's bytes; ``source`` is masked
        self.layout = sfc.scan(self._source)
        self.language = self.layout.language
        return self.layout

    @property
    def lines(self) -> list[str]:
        """The text's lines without their line ends (``positions.split_lines``); edits update them in place."""
        if self._lines is None:
            self._lines = positions.split_lines_with_ends(self.text)[0]
        return self._lines

    @property
    def tree(self) -> Tree | None:
        if self._unparsed:
            self._parse(None)
        elif self._edited is not None:
            edited, self._edited = self._edited, None
            self._parse(edited)
        return self._tree

    @tree.setter
    def tree(self, tree: Tree | None) -> None:
        self._unparsed = False
        self._tree = tree
        self.tree_generation += 1

    @property
    def parse_deferred(self) -> bool:
        """Whether edits wait for the next use of ``tree`` to be parsed (``apply_change``'s ``defer_parse``)."""
        return self._edited is not None

    def change_since(self, generation: int) -> LineChange | None:
        """The one edit that turned the tree of ``generation`` into the current one, with its byte
        range and syntax changes (``LineChange.source_edit``, ``syntax_changes``): for facts kept
        across edits by whoever knows which nodes they were read from. None when there was no such
        single edit (the same tree, several edits, a parse from scratch, a Vue component)."""
        last = self._last_change
        if last is None or last[0] != generation or self.tree_generation != generation + 1:
            return None
        return last[1]

    @property
    def index(self) -> positions.LineIndex:
        """A line index of the current text (built on demand; edits do not need it)."""
        if self._index is None or self._index.text is not self.text:
            self._index = positions.LineIndex(self.text)
        return self._index

    @property
    def source(self) -> bytes:
        """The UTF-8 bytes tree-sitter parses (see ``positions.parser_source``: a lone CR reads as LF).

        Kept up to date by each edit (the edited region is encoded, the rest copied), not re-encoded.
        For a Vue component, the masked script (``engine/sfc.py``): the same offsets, the rest blank."""
        if self.layout is not None:
            return self.layout.masked
        if self._source is None:
            self._source = positions.parser_source(self.text)
        return self._source

    @property
    def raw_source(self) -> bytes:
        """The file's own bytes as tree-sitter would read them; unlike ``source``, not masked."""
        if self._source is None:
            self._source = positions.parser_source(self.text)
        return self._source

    @property
    def uses_crlf(self) -> bool:
        """Whether any line ends with CRLF (where a fix inserts a line, it uses the file's line end)."""
        return self._crlfs > 0

    def lines_with(self, words: tuple[str, ...], *, exact: bool = False) -> list[int]:
        """The lines whose lower-cased text contains one of ``words`` (lower case), in order;
        ``exact``: whose text contains one of them as written (``import`` in a module that names
        ``ImportAlias`` on hundreds of lines).

        For prefilters (suppression markers, AI markers, imports): the per-line answer is kept and
        each edit recomputes it for the lines it replaced only, so asking costs a byte search."""
        flags = self._marker_flags.get((words, exact))
        if flags is None:
            flags = self._marker_flags[(words, exact)] = _lines_with_words(self.lines, words, exact)
        found: list[int] = []
        index = flags.find(1)
        while index >= 0:
            found.append(index)
            index = flags.find(1, index + 1)
        return found

    def top_level_nodes_with(self, words: tuple[str, ...]) -> list[Node]:
        """The root's named children that overlap a line containing one of ``words`` (case
        sensitive), in order: for module-level facts that only statements naming a word can give
        (imports), without a walk over every statement of the module on every edit."""
        tree = self.tree
        if tree is None:
            return []
        root = tree.root_node
        cursor = root.walk()
        found: list[Node] = []
        last_start, inside_until = -1, -1
        for line in self.lines_with(words, exact=True):
            if line < inside_until:
                continue  # in a statement found already (one that ends on a later line)
            cursor.reset(root)
            if cursor.goto_first_child_for_point(Point(line, 0)) is None:
                break  # no child reaches this line, nor any later one
            while True:
                node = cursor.node
                if node.start_point[0] > line:
                    break
                if node.is_named and node.start_byte > last_start:
                    found.append(node)
                    last_start = node.start_byte
                    inside_until = node.end_point[0]
                if not cursor.goto_next_sibling():
                    break
        return found

    def top_level_facts(self, name: str, compute: Callable[[Node], T]) -> list[T]:
        """``compute(child)`` for each of the root's named children, in order; kept from the last
        call with this ``name`` for the children that the one edit since then (and its syntax
        changes) did not reach, so a fold over them (the import map) costs what the edit changed,
        not a walk of every statement. ``compute`` must read the child alone, and return no node
        (a node of an older tree has stale positions). Empty without a tree."""
        children = self._top_level_children()
        if children is None:
            return []
        tree, _starts, _ends, _types, tokens, read = children
        known = self._top_level_facts.get(name, {})
        values: list = [known.get(token, _MISSING) for token in tokens]
        missing = [index for index, value in enumerate(values) if value is _MISSING]
        nodes = (
            read
            if all(index in read for index in missing)
            else dict(enumerate(tree.root_node.named_children))
        )
        for index in missing:
            values[index] = compute(nodes[index])
        self._top_level_facts[name] = dict(zip(tokens, values, strict=True))
        return values

    def _top_level_children(self) -> _TopLevel | None:
        """The current tree's ``_TopLevel``: the last one's, spliced around the one edit since."""
        tree = self.tree
        if tree is None:
            return None
        last, edit = self._top_level, self._top_level_edit
        if last is not None and last[0] is tree:
            return last
        self._top_level_edit = None
        spliced = _splice_top_level(tree, last, edit) if last is not None and edit else None
        if spliced is None:
            nodes = tree.root_node.named_children
            spliced = (
                tree,
                [node.start_byte for node in nodes],
                [node.end_byte for node in nodes],
                [node.type for node in nodes],
                [object() for _ in nodes],
                dict(enumerate(nodes)),
            )
        self._top_level = spliced
        return spliced

    def has_lines_with(self, words: tuple[str, ...], *, exact: bool = False) -> bool:
        """Whether any line contains one of ``words`` (see ``lines_with``)."""
        if (words, exact) not in self._marker_flags:
            self.lines_with(words, exact=exact)
        return 1 in self._marker_flags[(words, exact)]

    def line_offset(self, line: int) -> int:
        """Offset (code points) of the start of ``line``."""
        return sum(self._chars[:line])

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

    def _about_to_change(self) -> None:
        callback = self.before_change() if self.before_change is not None else None
        if callback is not None:
            callback()

    def replace_all(self, text: str, version: int | None = None) -> LineChange:
        self._about_to_change()
        old_last = len(self.lines) - 1
        self._set_text(text)
        self._edited = None
        self._parse(None)
        self.version = version if version is not None else self.version
        return LineChange(0, old_last, len(self.lines) - 1)

    def apply_change(
        self,
        utf16_range: tuple[int, int, int, int] | None,
        new_text: str,
        version: int | None = None,
        *,
        defer_parse: bool = False,
    ) -> LineChange:
        """Apply one content change; ``utf16_range`` is (start line, start col, end line, end col).

        ``defer_parse``: edit the tree but leave the incremental reparse to the next use of
        ``tree`` (or the next edit that parses), which reparses once for every edit since: for the
        keystrokes of a burst, which nobody analyses one by one (py-tree-sitter holds the GIL while
        it parses, ~6 ms a keystroke on a 17k-line file). The change then has no
        ``syntax_changes``, nor has the one that parses after it (they are of several edits), and
        ``change_since`` knows no single edit across them.

        ``None`` replaces the whole text. A range outside the document is clamped (LSP's rule
        for columns past the end of a line) and ``EditOutOfRange`` is raised *after* the edit was
        applied, so the caller can log it while the document stays consistent with the editor.
        """
        if utf16_range is None:
            return self.replace_all(new_text, version)
        self._about_to_change()
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

        # One sum over the lines above the edit (O(lines), at C speed), then over the edited lines
        # only: in ASCII text the bytes before a line are its code points.
        chars_before = self.line_offset(start_line)
        start = chars_before + start_col
        end = chars_before + sum(self._chars[start_line:end_line]) + end_col
        widened = _cover_joined_line_ends(self.text, start, end, new_text)
        if widened[:2] != (start, end):
            start, end, new_text = widened
            start_line, start_col = self._position(start, start_line)
            end_line, end_col = self._position(end, end_line)
            chars_before = self.line_offset(start_line)
        old_end_point = self._point(end_line, end_col)
        start_point = self._point(start_line, start_col)
        bytes_before = chars_before if self._ascii else sum(self._bytes[:start_line])
        start_byte = bytes_before + start_point.column
        old_end_byte = bytes_before + sum(self._bytes[start_line:end_line]) + old_end_point.column

        deferred_before = self._edited is not None
        old_tree = None if self._unparsed else (self._edited if deferred_before else self._tree)
        self._edited = None
        old_generation = self.tree_generation
        old_layout = self.layout
        syntax_changes: tuple[tuple[int, int], ...] | None = None
        inserted = self._splice(
            (start, end), (start_line, start_col), (end_line, end_col), (start_byte, old_end_byte), new_text
        )
        self.version = version if version is not None else self.version

        new_last_line = start_line + inserted - 1
        if inserted == 1:
            new_end_col_bytes = start_point.column + positions.utf8_len(new_text)
        else:
            last_inserted = new_text[max(new_text.rfind("\n"), new_text.rfind("\r")) + 1 :]
            new_end_col_bytes = positions.utf8_len(last_inserted)
        new_end_byte = start_byte + positions.utf8_len(new_text)
        if old_layout is not None:
            layout = self._relayout()
            if layout.language != old_layout.language or not sfc.same_outside(
                old_layout.masked, layout.masked, start_byte, old_end_byte, new_end_byte
            ):
                old_tree = None  # the blocks moved or the grammar changed: parse from scratch
        if (
            old_tree is not None
            and self.language in TREE_LANGUAGES
            and not self.is_binary
            and not self.too_large
        ):
            # The edit goes to a copy (O(1): it shares every subtree): editing a tree in place
            # frees the subtrees it copies on write once no other tree holds them, and the nodes
            # read from it before (kept by analyses that reuse a lowering) would then point at
            # freed memory. The old tree stays as it was, for as long as its nodes are held.
            edited = old_tree.copy()
            edited.edit(
                start_byte=start_byte,
                old_end_byte=old_end_byte,
                new_end_byte=new_end_byte,
                start_point=start_point,
                old_end_point=old_end_point,
                new_end_point=Point(new_last_line, new_end_col_bytes),
            )
            if defer_parse and old_layout is None:
                self._edited = edited
            else:
                self._parse(edited)
                if self._tree is not None and not deferred_before:
                    syntax_changes = tuple(
                        (r.start_byte, r.end_byte) for r in edited.changed_ranges(self._tree)
                    )
        elif not self._unparsed:
            self._parse(None)
        change = LineChange(
            start_line,
            end_line,
            new_last_line,
            (start_byte, old_end_byte, new_end_byte) if old_layout is None else None,
            syntax_changes if old_layout is None else None,
        )
        known = change.source_edit is not None and change.syntax_changes is not None
        self._last_change = (old_generation, change) if known and old_tree is not None else None
        if self._top_level is not None:
            self._top_level_edit = (
                (start_byte, old_end_byte, new_end_byte, syntax_changes)
                if self._top_level_edit is None and syntax_changes is not None and old_layout is None
                else False
            )
        if out_of_range:
            raise EditOutOfRange(f"edit range {utf16_range} lies outside the document; clamped", change)
        return change

    def _position(self, offset: int, near: int) -> tuple[int, int]:
        """(line, col) of ``offset``, which lies on line ``near`` or the line before or after it."""
        line = max(near - 1, 0)
        line_start = self.line_offset(line)
        while line + 1 < len(self.lines) and line_start + self._chars[line] <= offset:
            line_start += self._chars[line]
            line += 1
        return line, offset - line_start

    def _splice(
        self,
        offsets: tuple[int, int],
        start_at: tuple[int, int],
        end_at: tuple[int, int],
        byte_offsets: tuple[int, int],
        new_text: str,
    ) -> int:
        """Replace the text between ``offsets`` (at (line, col) ``start_at`` and ``end_at``) by
        ``new_text``, updating the lines, per-line sizes, source bytes and prefilter flags for the
        replaced lines only. Returns how many lines replaced lines ``start_at[0]..end_at[0]``."""
        (start, end), (start_line, start_col), (end_line, end_col) = offsets, start_at, end_at
        old_region = self.text[start:end]
        old_lines = self.lines
        region = old_lines[start_line][:start_col] + new_text + old_lines[end_line][end_col:]
        new_lines, new_ends = positions.split_lines_with_ends(region)
        # The last replaced line keeps its old line end (the edit ends before it).
        last_end = self._chars[end_line] - len(old_lines[end_line])
        new_ends[-1] = last_end
        if self._source is not None:
            start_byte, end_byte = byte_offsets
            self._source = (
                self._source[:start_byte] + positions.parser_source(new_text) + self._source[end_byte:]
            )
        self.text = self.text[:start] + new_text + self.text[end:]
        self._index = None
        span = slice(start_line, end_line + 1)
        new_chars = [len(line) + e for line, e in zip(new_lines, new_ends, strict=True)]
        was_ascii = self._ascii
        self._ascii = was_ascii and new_text.isascii()
        if self._ascii:
            self._chars[span] = new_chars
        else:
            if was_ascii:
                self._bytes = list(self._chars)
            self._chars[span] = new_chars
            self._bytes[span] = [_utf8(line) + e for line, e in zip(new_lines, new_ends, strict=True)]
        old_lines[span] = new_lines
        for (words, exact), flags in self._marker_flags.items():
            flags[span] = bytes(_has_word(line, words, exact) for line in new_lines)
        self._nuls += new_text.count("\x00") - old_region.count("\x00")
        # Line ends joined or split by the edit lie inside the (widened) region.
        self._crlfs += new_text.count("\r\n") - old_region.count("\r\n")
        self.is_binary = self._nuls > 0
        self.size += positions.utf8_len(new_text) - positions.utf8_len(old_region)
        self.too_large = self.size > self.max_bytes
        return len(new_lines)

    def _point(self, line: int, col: int) -> Point:
        # Rows are LSP lines, which are tree-sitter's rows too (``positions.parser_source``).
        return Point(line, positions.col_to_byte(self.lines[line], col))

    # ----------------------------------------------------------------- tree helpers

    def node_text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def node_span(self, node: Node):
        return positions.node_span(node, self.lines)


_MISSING = object()


def _splice_top_level(
    tree: Tree, last: _TopLevel, edit: tuple[int, int, int, tuple[tuple[int, int], ...]]
) -> _TopLevel | None:
    """``last`` (the top-level children before ``edit``) for ``tree``: the children wholly before the
    edit and its syntax changes, and wholly after them, are the nodes they were (the ranges
    tree-sitter reports hold every node whose ancestors changed) and keep their tokens; the ones
    between are read from the tree with new tokens. None when the result does not fit ``tree``."""
    _tree, starts, ends, types, tokens, _read = last
    edit_start, old_end, new_end, syntax_changes = edit
    delta = new_end - old_end
    low = min((edit_start, *(a for a, _ in syntax_changes)))
    high = max((new_end, *(b for _, b in syntax_changes)))
    before = bisect_left(ends, low)  # children ending before ``low`` (ends ascend)
    after = bisect_right(starts, max(old_end, high - delta))  # the first child starting after both
    root = tree.root_node
    cursor = root.walk()
    middle: list[Node] = []
    # Where the first child kept after the edit starts now (None: no child is kept there).
    resume = starts[after] + delta if after < len(starts) else None
    resumed = resume is None
    # From the first child ending at ``low`` or later.
    if cursor.goto_first_child_for_byte(max(low - 1, 0)) is not None:
        while True:
            node = cursor.node
            if resume is not None and node.start_byte >= resume:
                resumed = (node.start_byte, node.end_byte, node.type) == (
                    resume,
                    ends[after] + delta,
                    types[after],
                )
                break
            if node.is_named:
                middle.append(node)
            if not cursor.goto_next_sibling():
                break
    if not resumed or (before and middle and middle[0].start_byte < ends[before - 1]):
        return None
    if len(middle) + before + len(starts) - after != root.named_child_count:
        return None
    return (
        tree,
        starts[:before] + [node.start_byte for node in middle] + [start + delta for start in starts[after:]],
        ends[:before] + [node.end_byte for node in middle] + [end + delta for end in ends[after:]],
        types[:before] + [node.type for node in middle] + types[after:],
        tokens[:before] + [object() for _ in middle] + tokens[after:],
        {before + offset: node for offset, node in enumerate(middle)},
    )


def _utf8(line: str) -> int:
    return len(line) if line.isascii() else positions.utf8_len(line)


def _lines_with_words(lines: list[str], words: tuple[str, ...], exact: bool = False) -> bytearray:
    """Per line, 1 where its lower-cased text (``exact``: its text) contains one of ``words``: the
    whole text lower-cased and searched at once (C speed), not line by line in Python.

    Lower-casing maps each character on its own, so the joined text's lines are the lines'
    lower-cased texts, unless a character lower-cases to several (``İ``): then line by line."""
    joined = "\n".join(lines)
    lowered = joined if exact else joined.lower()
    if len(lowered) != len(joined):
        return bytearray(_has_word(line, words) for line in lines)
    flags = bytearray(len(lines))
    for word in words:
        if not word:
            return bytearray(b"\x01" * len(lines))  # "" is in every line
        line, previous = 0, 0
        index = lowered.find(word)
        while index != -1:
            line += lowered.count("\n", previous, index)
            flags[line] = 1
            end = lowered.find("\n", index)
            if end == -1:
                break
            line += 1
            previous = end + 1
            index = lowered.find(word, previous)  # the line is in: go on with the next one
    return flags


def _has_word(line: str, words: tuple[str, ...], exact: bool = False) -> bool:
    lowered = line if exact else line.lower()
    return any(word in lowered for word in words)


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
