"""Tree walks every adapter shares, parameterised by the language's node kinds (which the callers,
``python.py``/``javascript.py``/``java.py`` and their ``*_syntax`` helpers, name)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from tree_sitter import Node

V = TypeVar("V")


def text_digest(text: bytes) -> bytes:
    """A 16-byte digest of ``text``: what a cache shared by every document keys a unit's text by.

    Keys that are the texts themselves keep a copy of every unit text ever seen (the old versions
    of edited units too) after the documents that had them are closed or edited; 16 bytes do not,
    and a long-lived small object fragments the allocator's arenas far less than kilobytes of
    text interleaved with per-edit garbage. BLAKE2b: a collision would need an attacker able to
    find one for a 128-bit cryptographic hash, and costs only a wrong cached fact, not a crash."""
    return hashlib.blake2b(text, digest_size=16).digest()


class SharedCache(Generic[V]):
    """What a unit's text (and whatever else its key holds) determines, shared by every document
    (an idle copy parsed again, or the same file open twice, reuses it), least recently used
    dropped beyond ``limit`` entries, so it holds the units the documents being edited now have
    rather than every version of every unit since the start. Keys should be digests
    (``text_digest``) and small strings, never texts. Thread-safe for the analysis workers."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: V) -> V:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.limit:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def plus_operands(
    node: Node,
    binary_kind: str,
    text: Callable[[Node | None], str],
    unwrap: Callable[[Node], Node] | None = None,
    *,
    unwrap_operands: bool = False,
) -> list[Node]:
    """The operands of a chain of ``+`` (``a + b + c``, nested either way), left to right, walked
    without recursion (generated code concatenates thousands of strings).

    ``binary_kind``: the language's binary-operator node; ``unwrap``: what looks through parentheses
    (``(a + b) + c`` is one chain); ``unwrap_operands``: return the operands without their
    parentheses too.
    """
    operands: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        inner = unwrap(current) if unwrap is not None else current
        if inner.type == binary_kind and text(inner.child_by_field_name("operator")) == "+":
            left, right = inner.child_by_field_name("left"), inner.child_by_field_name("right")
            stack.extend(child for child in (right, left) if child is not None)
        else:
            operands.append(inner if unwrap_operands else current)
    return operands
