"""The one cattrs converter of the server: pygls' default, with lsprotocol's types resolved lazily.

Building pygls' default converter first resolves the forward references (``"Position"``,
``Optional["Range"]``) of every one of lsprotocol's 554 attrs classes, 15-25 ms of CPU in a
fresh process on a loaded 2-core machine (``typing.get_type_hints`` per class), although a session
structures or serialises about 130 of them (a full editor's ``initialize``, documents,
diagnostics, code actions; issue #15, cold start). Here
each class is resolved when the converter first meets it, before its hook is generated: a hook
factory registered last (so asked first) whose predicate resolves the class and then declines,
so lsprotocol's own factory builds the hook from the resolved types, as it would have anyway.

The one field type lsprotocol reads while registering its hooks (the notebook filter's) is
resolved before they are registered. lsprotocol's resolve-once flag is set only while this
converter is built: a converter built later without the lazy hook (a pygls client's, a test's)
resolves every type eagerly, as before. If lsprotocol no longer has the flag, nothing is
skipped and the result is the same as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from lsprotocol import _hooks
from lsprotocol import types as lsp_types
from pygls.protocol import default_converter

if TYPE_CHECKING:
    from cattrs import Converter

# lsprotocol's module-level "every type resolved already" flag (``_hooks.register_hooks``).
_FLAG = "_resolved_forward_references"


class _TypesByName(Mapping[str, Any]):
    """lsprotocol's types by name, read as attributes of ``lsprotocol.types``: with ``lazy_types``
    installed a class not yet created is created when a forward reference names it (``eval`` asks
    a mapping of locals for every name; it reads the globals' dict directly)."""

    def __getitem__(self, name: str) -> Any:
        try:
            return getattr(lsp_types, name)
        except AttributeError:
            raise KeyError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(dir(lsp_types))

    def __len__(self) -> int:
        return len(dir(lsp_types))


_TYPES_BY_NAME = _TypesByName()


def _resolve(cls: Any) -> bool:
    """Resolve an lsprotocol class's field types (once: attrs marks the class), never claim it."""
    if isinstance(cls, type) and cls.__module__ == lsp_types.__name__ and attrs.has(cls):
        attrs.resolve_types(cls, lsp_types.ALL_TYPES_MAP, _TYPES_BY_NAME)
    return False


def _never_called(cls: Any) -> None:  # pragma: no cover - the predicate above always declines
    raise AssertionError(cls)


def build() -> Converter:
    """pygls' ``default_converter()``, resolving each lsprotocol class on first use."""
    _resolve(lsp_types.NotebookCellTextDocumentFilter)  # register_hooks reads its field's type
    resolved = getattr(_hooks, _FLAG, None)
    if resolved is False:
        setattr(_hooks, _FLAG, True)  # skip the eager pass over every type, for this converter only
    try:
        converter = default_converter()
    finally:
        if resolved is False:
            setattr(_hooks, _FLAG, False)
    converter.register_structure_hook_factory(_resolve, _never_called)
    converter.register_unstructure_hook_factory(_resolve, _never_called)
    return converter
