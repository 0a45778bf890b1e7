"""textDocument/codeAction: quick fixes and suppressions from the diagnostics' ``data``.

Nothing is re-analysed here: the fix edits and the suppression edit were computed with the
findings and ride in each diagnostic's ``data`` (UTF-16 ranges already), as in ruff server.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from landguard.lsp import audit_hooks
from landguard.lsp.convert import SOURCE, text_edit_from_json
from landguard.lsp.text_sync import uri_to_path

if TYPE_CHECKING:
    from landguard.lsp.server import LandguardServer

log = logging.getLogger("landguard.lsp.code_actions")

KINDS = [types.CodeActionKind.QuickFix]


def register(server: LandguardServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=False),
    )
    def code_action(ls: LandguardServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        only = params.context.only
        if only and not any(str(kind).startswith(types.CodeActionKind.QuickFix.value) for kind in only):
            return None
        doc = ls.documents.get(params.text_document.uri)
        version = doc.analysed_version if doc is not None else None
        actions: list[types.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            if diagnostic.source != SOURCE or not isinstance(diagnostic.data, dict):
                continue
            try:
                actions.extend(_actions_for(ls, params.text_document.uri, version, diagnostic))
            except (KeyError, TypeError, ValueError):
                log.warning("ignoring a diagnostic with malformed data in a codeAction request")
        return actions


def _actions_for(
    ls: LandguardServer, uri: str, version: int | None, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    data: dict[str, Any] = diagnostic.data
    rule_id = str(data.get("ruleId") or diagnostic.code)
    actions = []
    for fix in data.get("fixes", ()):
        if any("uri" in edit for edit in fix["edits"]):
            action = _other_files_action(ls, uri, version, diagnostic, fix)
            if action is not None:
                actions.append(action)
            continue
        edits = [text_edit_from_json(edit) for edit in fix["edits"]]
        actions.append(
            types.CodeAction(
                title=str(fix["title"]),
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=bool(fix.get("preferred")) or None,
                edit=_workspace_edit(ls, uri, version, edits),
                # Opt-in audit trail: the editor runs this after the edit, so the fix is recorded.
                command=audit_hooks.fix_command(ls, uri, diagnostic, str(fix["title"])),
            )
        )
    suppress = data.get("suppress")
    if suppress:
        actions.append(
            types.CodeAction(
                title=f"Suppress {rule_id} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=_workspace_edit(ls, uri, version, [text_edit_from_json(suppress)]),
            )
        )
    return actions


def _other_files_action(
    ls: LandguardServer, uri: str, version: int | None, diagnostic: types.Diagnostic, fix: dict[str, Any]
) -> types.CodeAction | None:
    """A fix that edits (and may create) other files, e.g. the AI ignore files of LG604.

    With ``documentChanges``, files that do not exist yet are created first; without (Neovim), the
    edits go by URI and the editor opens a buffer for a new file, which the user saves.
    """
    by_uri: dict[str, list[types.TextEdit]] = {}
    for edit in fix["edits"]:
        by_uri.setdefault(str(edit.get("uri") or uri), []).append(text_edit_from_json(edit))
    command = audit_hooks.fix_command(ls, uri, diagnostic, str(fix["title"]))
    if not ls.supports_document_changes():
        return types.CodeAction(
            title=str(fix["title"]),
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            is_preferred=bool(fix.get("preferred")) or None,
            edit=types.WorkspaceEdit(changes=by_uri),
            command=command,
        )
    changes: list[Any] = []
    for target, edits in by_uri.items():
        path = uri_to_path(target)
        if target != uri and path is not None and not os.path.exists(path):
            if not ls.supports_create_files():
                return None
            changes.append(
                types.CreateFile(uri=target, options=types.CreateFileOptions(ignore_if_exists=True))
            )
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=target, version=version if target == uri else None
                ),
                edits=edits,
            )
        )
    return types.CodeAction(
        title=str(fix["title"]),
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=bool(fix.get("preferred")) or None,
        edit=types.WorkspaceEdit(document_changes=changes),
        command=command,
    )


def _workspace_edit(
    ls: LandguardServer, uri: str, version: int | None, edits: list[types.TextEdit]
) -> types.WorkspaceEdit:
    if ls.supports_document_changes():
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                    edits=edits,
                )
            ]
        )
    return types.WorkspaceEdit(changes={uri: edits})
