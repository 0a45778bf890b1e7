"""codeAction/resolve: the edits of a code action, computed when the user picks it.

For clients that resolve code actions (``codeAction.resolveSupport.properties`` has ``edit``),
diagnostics carry lean ``data`` and code actions come without edits; the action's ``data``
names what to compute (a finding's fix or suppression by its key, or a file-wide action) and
the document version it was offered for. The edit is computed from the kept findings of that
analysis; if the document has changed since, the action resolves without an edit.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from landguard.lsp import fix_all
from landguard.lsp.convert import fix_payload, suppress_edit, text_edit_from_json

if TYPE_CHECKING:
    from landguard.lsp.documents import OpenDocument
    from landguard.lsp.server import LandguardServer

log = logging.getLogger("landguard.lsp.resolve")

FIX = "fix"
SUPPRESS = "suppress"


def action_data(uri: str, version: int | None, action: str, **details: Any) -> dict[str, Any]:
    return {"uri": uri, "version": version, "action": action, **details}


def compute_edit(ls: LandguardServer, doc: OpenDocument, data: dict[str, Any]) -> types.WorkspaceEdit | None:
    """Worker: the edit ``data`` describes, or None when the document moved on or the finding is gone."""
    from landguard.lsp import code_actions  # the WorkspaceEdit shapes live with the quick fixes

    uri, action = doc.uri, data["action"]
    with doc.lock:
        document = doc.document
        if document is None or document.version != data.get("version"):
            return None
        cache = doc.diagnostic_cache
        if action in (fix_all.FIX_ALL, fix_all.FIX_RULE, fix_all.SUPPRESS_FILE):
            edits = fix_all.text_edits(action, data.get("rule"), cache.findings.values(), document)
            return code_actions.workspace_edit(ls, uri, document.version, edits) if edits else None
        finding = cache.findings.get(str(data.get("key")))
        if finding is None:
            return None
        if action == SUPPRESS:
            edit = suppress_edit(finding, document, cache.statements.get(str(data.get("key"))))
            if edit is None:
                return None
            return code_actions.workspace_edit(ls, uri, document.version, [text_edit_from_json(edit)])
        fixes = fix_payload(finding, document.lines)
        index = int(data.get("index", 0))
        if not 0 <= index < len(fixes):
            return None
        return code_actions.fix_edit(ls, uri, document.version, fixes[index])


def register(server: LandguardServer) -> None:
    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(ls: LandguardServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data
        if not isinstance(data, dict) or "action" not in data:
            return action
        doc = ls.documents.get(str(data.get("uri")))
        if doc is None:
            return action
        try:
            edit = await asyncio.to_thread(compute_edit, ls, doc, data)
        except (KeyError, TypeError, ValueError):
            log.warning("ignoring a codeAction/resolve with malformed data")
            return action
        if edit is None:
            log.info("code action %r resolved without an edit: %s changed since", action.title, doc.uri)
        action.edit = edit
        return action
