"""textDocument/codeAction: quick fixes, suppressions and file-wide actions.

Nothing is re-analysed here. For clients without ``codeAction/resolve``, the fix edits and the
suppression edit were computed with the findings and ride in each diagnostic's ``data`` (UTF-16
ranges already), as in ruff server. For clients with it, diagnostics carry a lean ``data`` and the
actions offered here come without edits: ``resolve.py`` computes the picked one.

File-wide: ``source.fixAll.landguard`` (fix on save), "Fix all LGnnn in file" and "Suppress
LGnnn in this file" (``fix_all.py``).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from landguard.lsp import audit_hooks, fix_all, resolve
from landguard.lsp.convert import SOURCE, comment_prefix_at, text_edit_from_json
from landguard.lsp.text_sync import uri_to_path

if TYPE_CHECKING:
    from landguard.lsp.documents import OpenDocument
    from landguard.lsp.server import LandguardServer

log = logging.getLogger("landguard.lsp.code_actions")

KINDS = [types.CodeActionKind.QuickFix, fix_all.SOURCE_FIX_ALL]


def _wanted(only: list[str] | None, kind: str) -> bool:
    """Whether a request's ``only`` asks for ``kind`` (kinds are hierarchical: "source" covers ours)."""
    return not only or any(kind == str(k) or kind.startswith(f"{k}.") for k in only)


def register(server: LandguardServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=True),
    )
    async def code_action(
        ls: LandguardServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        only = [str(k) for k in params.context.only] if params.context.only else None
        uri = params.text_document.uri
        doc = ls.documents.get(uri)
        if doc is not None and not doc.is_settled():
            # Fix on save asks right after the last keystroke: its edits must be for that text.
            await doc.settled()
        actions: list[types.CodeAction] = []
        if _wanted(only, types.CodeActionKind.QuickFix.value):
            for diagnostic in params.context.diagnostics:
                if diagnostic.source != SOURCE or not isinstance(diagnostic.data, dict):
                    continue
                try:
                    actions.extend(_actions_for(ls, uri, doc, diagnostic))
                except (KeyError, TypeError, ValueError, IndexError):
                    log.warning("ignoring a diagnostic with malformed data in a codeAction request")
            if doc is not None:
                actions.extend(await _rule_actions(ls, doc, params.context.diagnostics))
        if doc is not None and _wanted(only, fix_all.SOURCE_FIX_ALL):
            action = await _file_action(ls, doc, fix_all.FIX_ALL, None, fix_all.SOURCE_FIX_ALL)
            if action is not None:
                actions.append(action)
        return actions if actions or not only else None


def _actions_for(
    ls: LandguardServer, uri: str, doc: OpenDocument | None, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    data: dict[str, Any] = diagnostic.data
    if "key" in data:
        return _lean_actions_for(ls, uri, doc, diagnostic)
    version = doc.analysed_version if doc is not None else None
    rule_id = str(data.get("ruleId") or diagnostic.code)
    actions = []
    for fix in data.get("fixes", ()):
        edit = fix_edit(ls, uri, version, fix)
        if edit is None:
            continue
        actions.append(
            types.CodeAction(
                title=str(fix["title"]),
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=bool(fix.get("preferred")) or None,
                edit=edit,
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
                edit=workspace_edit(ls, uri, version, [text_edit_from_json(suppress)]),
            )
        )
    return actions


def _lean_actions_for(
    ls: LandguardServer, uri: str, doc: OpenDocument | None, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    """Actions without edits for a lean diagnostic; ``codeAction/resolve`` adds them."""
    if doc is None:
        return []
    data: dict[str, Any] = diagnostic.data
    key = str(data["key"])
    finding = doc.diagnostic_cache.findings.get(key)
    if finding is None:
        return []  # the diagnostic is older than the document's last analysis
    version = doc.analysed_version
    actions = []
    for index, fix in enumerate(finding.fixes):
        actions.append(
            types.CodeAction(
                title=fix.title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=fix.preferred or None,
                command=audit_hooks.fix_command(ls, uri, diagnostic, fix.title),
                data=resolve.action_data(uri, version, resolve.FIX, key=key, index=index),
            )
        )
    if data.get("suppress"):
        actions.append(
            types.CodeAction(
                title=f"Suppress {finding.rule_id} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                data=resolve.action_data(uri, version, resolve.SUPPRESS, key=key),
            )
        )
    return actions


async def _rule_actions(
    ls: LandguardServer, doc: OpenDocument, diagnostics: list[types.Diagnostic]
) -> list[types.CodeAction]:
    """ "Fix all LGnnn in file" (when the file has more than one) and "Suppress LGnnn in this file"."""
    findings = list(doc.diagnostic_cache.findings.values())
    present = {finding.rule_id for finding in findings}  # not for diagnostics of an older analysis
    rules = list(
        dict.fromkeys(str(d.code) for d in diagnostics if d.source == SOURCE and str(d.code) in present)
    )
    if not rules:
        return []
    counts = fix_all.fixable_rules(findings)
    has_comments = doc.document is not None and comment_prefix_at(doc.document, 0) is not None
    actions = []
    for rule_id in rules:
        related = [d for d in diagnostics if str(d.code) == rule_id]
        if counts.get(rule_id, 0) > 1:
            action = await _file_action(
                ls, doc, fix_all.FIX_RULE, rule_id, types.CodeActionKind.QuickFix, related
            )
            if action is not None:
                actions.append(action)
        if has_comments:
            action = await _file_action(
                ls, doc, fix_all.SUPPRESS_FILE, rule_id, types.CodeActionKind.QuickFix, related
            )
            if action is not None:
                actions.append(action)
    return actions


async def _file_action(
    ls: LandguardServer,
    doc: OpenDocument,
    action: str,
    rule_id: str | None,
    kind: types.CodeActionKind | str,
    diagnostics: list[types.Diagnostic] | None = None,
) -> types.CodeAction | None:
    version = doc.analysed_version
    if action == fix_all.FIX_ALL and not fix_all.fixable_rules(doc.diagnostic_cache.findings.values()):
        return None
    data = resolve.action_data(doc.uri, version, action, rule=rule_id)
    code_action = types.CodeAction(
        title=fix_all.title(action, rule_id), kind=kind, diagnostics=diagnostics or None, data=data
    )
    if ls.supports_code_action_resolve():
        return code_action
    # Without resolve the edit goes inline; it needs the document under its lock (a worker's job).
    edit = await asyncio.to_thread(resolve.compute_edit, ls, doc, data)
    if edit is None:
        return None
    code_action.edit = edit
    code_action.data = None
    return code_action


def fix_edit(
    ls: LandguardServer, uri: str, version: int | None, fix: dict[str, Any]
) -> types.WorkspaceEdit | None:
    """The WorkspaceEdit of one fix in its JSON form (``convert.fix_payload``)."""
    if any("uri" in edit for edit in fix["edits"]):
        return _other_files_edit(ls, uri, version, fix)
    return workspace_edit(ls, uri, version, [text_edit_from_json(edit) for edit in fix["edits"]])


def _other_files_edit(
    ls: LandguardServer, uri: str, version: int | None, fix: dict[str, Any]
) -> types.WorkspaceEdit | None:
    """A fix that edits (and may create) other files, e.g. the AI ignore files of LG604.

    With ``documentChanges``, files that do not exist yet are created first; without (Neovim), the
    edits go by URI and the editor opens a buffer for a new file, which the user saves.
    """
    by_uri: dict[str, list[types.TextEdit]] = {}
    for edit in fix["edits"]:
        by_uri.setdefault(str(edit.get("uri") or uri), []).append(text_edit_from_json(edit))
    if not ls.supports_document_changes():
        return types.WorkspaceEdit(changes=by_uri)
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
    return types.WorkspaceEdit(document_changes=changes)


def workspace_edit(
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
