"""The secrets scanner: one line check reporting every LG1xx rule in a single pass.

Editors call it on the lines an edit touched (``widen`` adds the PEM block around them), so
its cost follows the size of the change. Each line first meets one compiled alternation of
every detector's literal prefixes and keywords; only the rare lines that match go through the
detectors (regexes, then name and value heuristics, then detect-secrets' plugins).
"""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from landguard.checks.secrets import (
    command_credentials,
    credential_files,
    doc_blocks,
    hardcoded_passwords,
    high_entropy_assignments,
    private_keys,
    provider_tokens,
    url_credentials,
)
from landguard.checks.secrets import detect_secrets_adapter as ds
from landguard.checks.secrets.heuristics import (
    SecretHit,
    env_var_name,
    is_expired_jwt,
    is_public_sample,
    is_sample_path,
    mask_value,
)
from landguard.engine.document import Document
from landguard.engine.findings import Finding, Fix, Span
from landguard.engine.registry import CheckContext, LineCheck
from landguard.engine.testcode import relative_path
from landguard.fixes import secrets as secret_fixes

log = logging.getLogger("landguard.secrets")

# The prefilter: lowercase words, and any run of 20 token characters (every provider format has
# one). Searching the whole window's text at once keeps the per-line cost out of Python.
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ALL_WORDS = tuple(
    dict.fromkeys(
        provider_tokens.PREFILTER_WORDS
        + ds.PREFILTER_WORDS
        + private_keys.PREFILTER_WORDS
        + url_credentials.PREFILTER_WORDS
        + hardcoded_passwords.PREFILTER_WORDS
        + command_credentials.PREFILTER_WORDS
        + credential_files.PREFILTER_WORDS
    )
)
# A word that contains another adds nothing but a pass over the text ("password" after "pass").
_WORDS = tuple(
    word.encode() for word in _ALL_WORDS if not any(other != word and other in word for other in _ALL_WORDS)
)
# Token characters become "a", newlines stay, everything else (non-ASCII bytes too) becomes a space.
_RUN_TABLE = bytes(
    ord("a") if chr(byte) in _TOKEN_CHARS else byte if byte == ord("\n") else ord(" ") for byte in range(256)
)
_LONG_RUN = b"a" * 20
# Lines longer than this (minified code, data blobs) are scanned in windows of this size, overlapping
# by enough to hold any secret and the assignment before it whole.
MAX_LINE_LENGTH = 20_000
WINDOW_OVERLAP = 1_000


def candidate_lines(lines: list[str], first: int, last: int) -> list[int]:
    """Lines in ``first..last`` that may hold a secret: every detector needs a prefilter hit.

    The window is searched as one UTF-8 buffer (ASCII lowercasing and translation keep byte
    positions), with ``bytes.find``: a handful of C-speed passes instead of a regex per line.
    """
    data = "\n".join(lines[first : last + 1]).encode("utf-8", errors="replace")
    hits: list[int] = []

    def mark(buffer: bytes, needle: bytes) -> None:
        index = buffer.find(needle)
        while index != -1:
            hits.append(index)
            end = buffer.find(b"\n", index)
            if end == -1:
                return
            index = buffer.find(needle, end + 1)  # the line is in: go on with the next one

    mark(data.translate(_RUN_TABLE), _LONG_RUN)
    lowered = data.lower()
    for word in _WORDS:
        mark(lowered, word)
    hits.sort()
    result: list[int] = []
    line, previous = first, 0
    for index in hits:
        line += data.count(b"\n", previous, index)
        previous = index
        if not result or result[-1] != line:
            result.append(line)
    return result


# The second stage: each detector's own gate (texts its patterns need; a line without any gets no
# hit from that detector), looked for once in the candidate lines joined, so that a line meets only
# the detectors that can report on it. Bits of a line's mask; LG104 and LG105 share one gate. LG101
# has none here: its anchors take a regex, which it runs on each line itself.
PRIVATE_KEYS, PROVIDER_TOKENS, URL_CREDENTIALS, COMMAND_CREDENTIALS, CREDENTIAL_FILES, NAMED_SECRETS = (
    1 << bit for bit in range(6)
)
EVERY_DETECTOR = (1 << 6) - 1
# (bit, the detector's gate, texts it needs as they are, texts it needs in any case (lowercase)).
# In ASCII text the texts are what the gate can match (``test_detector_masks``); other text meets
# the gate itself, as case-insensitive matching then differs from lowercasing (``İ``, ``K``).
_GATES = (
    (PRIVATE_KEYS, private_keys.LINE_GATE, private_keys.GATE_TEXTS, ()),
    (
        URL_CREDENTIALS,
        url_credentials.LINE_GATE,
        url_credentials.GATE_TEXTS,
        url_credentials.GATE_TEXTS_ANY_CASE,
    ),
    (
        COMMAND_CREDENTIALS,
        command_credentials.LINE_GATE,
        command_credentials.GATE_TEXTS,
        command_credentials.GATE_TEXTS_ANY_CASE,
    ),
    (CREDENTIAL_FILES, credential_files.LINE_GATE, credential_files.GATE_TEXTS, ()),
    (NAMED_SECRETS, hardcoded_passwords.LINE_GATE, (), hardcoded_passwords.NAME_WORDS),
)


def detector_masks(lines: list[str], numbers: list[int]) -> list[int]:
    """For each of the lines ``numbers``, the detectors whose gate it passes (bits above).

    No gate matches a newline, and none looks further back than the character before its match
    (a newline at a line's start, to a ``\\b`` or a lookbehind as the start of the line alone), so
    the joined lines hold a gate's match where the line alone does. Lowercasing keeps newlines.
    A line longer than ``MAX_LINE_LENGTH`` meets every detector (each of its windows is judged on
    its own).
    """
    masks = [
        EVERY_DETECTOR if len(lines[number]) > MAX_LINE_LENGTH else PROVIDER_TOKENS for number in numbers
    ]
    text = "\n".join([lines[number] for number in numbers])
    ascii_only = text.isascii()
    lowered = text.lower() if ascii_only else ""

    def mark(bit: int, searched: str, find: Callable[[str, int], int]) -> None:
        index, position = 0, 0
        start = find(searched, 0)
        while start != -1:
            index += searched.count("\n", position, start)
            masks[index] |= bit
            end = searched.find("\n", start)
            if end == -1:
                return
            index, position = index + 1, end + 1  # the line is in: go on with the next one
            start = find(searched, position)

    for bit, gate, texts, texts_any_case in _GATES:
        if not ascii_only:
            mark(bit, text, lambda searched, position, gate=gate: _match_start(gate, searched, position))
            continue
        for needle in texts:
            mark(bit, text, lambda searched, position, needle=needle: searched.find(needle, position))
        for needle in texts_any_case:
            mark(bit, lowered, lambda searched, position, needle=needle: searched.find(needle, position))
    return masks


def _match_start(pattern: re.Pattern[str], text: str, position: int) -> int:
    match = pattern.search(text, position)
    return -1 if match is None else match.start()


class SecretsScanner(LineCheck):
    rules = (
        provider_tokens.RULE,
        private_keys.RULE,
        url_credentials.RULE,
        hardcoded_passwords.RULE,
        high_entropy_assignments.RULE,
        command_credentials.RULE,
        credential_files.RULE,
    )
    languages = None  # secrets hide in any text file

    def widen(self, document: Document, first: int, last: int) -> tuple[int, int]:
        first, last = private_keys.widen(document.lines, first, last)
        # A literal continued on the next lines is judged whole (``_continued_value``): an edit
        # to a continuation line rescans the line the value starts on.
        first = _continuation_start(document.lines, first)
        previous = _contexts.get(document)
        current = _line_contexts(document)
        if previous is not None and current is not None and _context_moved(previous[1], current, first, last):
            return 0, len(
                document.lines
            ) - 1  # a fence or a `kind: Secret` changed: every line may read differently
        return first, last

    def preload(self) -> None:
        ds.preload()

    def module_context_key(self, document: Document, context: CheckContext) -> tuple:
        # A Python environment fix adds ``import os`` (at a place that depends on the module's
        # start) only when the module lacks it.
        return secret_fixes.import_os_key(document)

    def scan_lines(
        self, document: Document, first: int, last: int, context: CheckContext
    ) -> Iterable[Finding]:
        lines = document.lines
        last = min(last, len(lines) - 1)
        contexts = _line_contexts(document)
        published = _published(document, context)
        findings: list[Finding] = []
        numbers = candidate_lines(lines, first, last)
        for number, detectors in zip(numbers, detector_masks(lines, numbers), strict=True):
            in_secret = contexts is not None and document.language == "yaml" and bool(contexts[number])
            if in_secret:
                detectors |= CREDENTIAL_FILES  # Secret data: any base64 value, no word needed
            line = lines[number]
            language = document.language
            if contexts is not None and document.language != "yaml":
                language = contexts[number]  # documentation: the code block's language, None in prose
            for hit in _hits_in_windows(document, line, number, language, in_secret, detectors):
                if published is not None and not _reported_in_published(hit, published):
                    continue
                findings.append(_finding(document, hit))
        return findings


DOCUMENTATION, SAMPLE = "documentation", "sample"


def _published(document: Document, context: CheckContext) -> str | None:
    """``documentation`` for Markdown/reST documents, ``sample`` for files of documentation,
    example, demo or dummy folders (``docs/``, ``examples/``, ``demos/``, ``dummyserver/`` …),
    else None: material published for readers, whose values are samples shown to all of them."""
    if doc_blocks.doc_language(document.path, document.language) is not None:
        return DOCUMENTATION
    if document.path and is_sample_path(relative_path(document.path, context.config.root)):
        return SAMPLE
    return None


def _reported_in_published(hit: SecretHit, published: str) -> bool:
    """What still counts in published material: credentials recognisable by their own format, which
    work against a real service wherever they are pasted (provider tokens, passwords in URLs,
    command lines, credential files). Not reported there: values assigned to a secret-sounding name
    (LG104/LG105: the sample's configuration), JWTs (documentation shows tokens to explain them; they
    are short-lived session artifacts), and in example and demo folders private keys (the demo's own
    key, shipped to everyone with the sample)."""
    if hit.rule in (hardcoded_passwords.RULE, high_entropy_assignments.RULE):
        return False
    if hit.rule is provider_tokens.RULE and hit.kind == provider_tokens.JWT_KIND:
        return False
    return not (hit.rule is private_keys.RULE and published == SAMPLE)


# Per document: the text last seen and what each of its lines means beyond itself (the code block
# it is in, for documentation; whether it is a Kubernetes Secret's data, for YAML).
_contexts: weakref.WeakKeyDictionary[Document, tuple[str, list]] = weakref.WeakKeyDictionary()


def _line_contexts(document: Document) -> list | None:
    kind = doc_blocks.doc_language(document.path, document.language)
    if kind is None and document.language != "yaml":
        return None
    cached = _contexts.get(document)
    if cached is not None and cached[0] is document.text:
        return cached[1]
    if kind is not None:
        contexts = doc_blocks.block_languages(document.lines, kind)
    else:
        contexts = credential_files.kubernetes_secret_data_lines(document.lines)
    _contexts[document] = (document.text, contexts)
    return contexts


def _context_moved(previous: list, current: list, first: int, last: int) -> bool:
    """Whether lines outside the edited ``first..last`` changed context (aligned on both ends)."""
    tail = len(current) - last - 1
    if previous[:first] != current[:first]:
        return True
    return tail > 0 and previous[len(previous) - tail :] != current[len(current) - tail :]


# A string literal that closes its line (``"eyJ0…eyJ1"``) and lines holding only a literal that
# continue it (implicit concatenation inside brackets: Python, and C-like ``"…" +`` lines).
_CLOSES_LINE = re.compile(r"""^["']\s*(?:\+\s*)?$""")
_LITERAL_LINE = re.compile(r"""^\s*(?:\+\s*)?[rRbBuUfF]{0,2}(["'])([^"'\\]*)\1\s*(?:(\+|[,)\]}])\s*)?$""")
_MAX_CONTINUATION = 8


def _continued_value(lines: list[str], hit: SecretHit, line: str) -> str:
    """The hit's value with the literals that continue it on the next lines (a JWT split over
    five lines of a dict): what the value really is, to tell a sample or an expired token."""
    span = hit.span
    if span.end_line != span.start_line or not _CLOSES_LINE.match(line[span.end_col :]):
        return hit.value
    parts = [hit.value]
    for number in range(span.start_line + 1, min(span.start_line + 1 + _MAX_CONTINUATION, len(lines))):
        match = _LITERAL_LINE.match(lines[number])
        if match is None:
            break
        parts.append(match.group(2))
        if match.group(3) and match.group(3) != "+":
            break  # the literal ends the expression (``,`` or a closing bracket)
    return "".join(parts)


def _continuation_start(lines: list[str], first: int) -> int:
    """The line a block of literal-only continuation lines around ``first`` continues."""
    start = first
    while start > 0 and first - start < _MAX_CONTINUATION and _LITERAL_LINE.match(lines[start]):
        start -= 1
    return start


def _hits_in_windows(
    document: Document,
    line: str,
    number: int,
    language: str | None,
    in_secret: bool = False,
    detectors: int = EVERY_DETECTOR,
) -> Iterator[SecretHit]:
    """The hits of a line; a long line (minified code, a data blob) is scanned in overlapping windows
    of ``MAX_LINE_LENGTH``, so a key at column 50,000 is found and each detector's work stays bounded.

    A hit belongs to the window its start falls in (before the overlap), so none is reported twice.
    """
    if len(line) <= MAX_LINE_LENGTH:
        yield from _hits_on_line(document, line, number, language, in_secret, detectors)
        return
    for offset in range(0, len(line), MAX_LINE_LENGTH):
        window = line[offset : offset + MAX_LINE_LENGTH + WINDOW_OVERLAP]
        last_window = offset + MAX_LINE_LENGTH >= len(line)
        windowed = _hits_on_line(
            document, window, number, language, in_secret, detectors, private_keys_too=offset == 0
        )
        for hit in windowed:
            span = hit.span
            if span.end_line != number:  # a multi-line block (found on the document's lines): as is
                yield hit
                continue
            if span.start_col >= MAX_LINE_LENGTH and not last_window:
                continue  # the next window holds it whole
            yield replace(hit, span=Span(number, span.start_col + offset, number, span.end_col + offset))


def _hits_on_line(
    document: Document,
    line: str,
    number: int,
    language: str | None,
    in_secret: bool = False,
    detectors: int = EVERY_DETECTOR,
    *,
    private_keys_too: bool = True,
) -> Iterator[SecretHit]:
    """The hits of the ``detectors`` (bits) on a line: the others' gates have ruled them out."""
    taken: list[tuple[int, int]] = []

    def fresh(hit: SecretHit) -> bool:
        """One finding per secret: the first, most specific detector to claim a stretch wins.

        Documented public samples (jwt.io's token, AWS's example keys) are nobody's secret, nor
        is a JWT past its expiry.
        """
        value = _continued_value(document.lines, hit, line)
        if is_public_sample(value) or is_expired_jwt(value):
            return False
        start = hit.span.start_col
        end = hit.span.end_col if hit.span.end_line == hit.span.start_line else len(line)
        if any(start < taken_end and taken_start < end for taken_start, taken_end in taken):
            return False
        taken.append((start, end))
        return True

    found: list[Iterable[SecretHit]] = []
    if private_keys_too and detectors & PRIVATE_KEYS:
        found.append(private_keys.find_private_keys(document.lines, number))
    if detectors & PROVIDER_TOKENS:
        found.append(provider_tokens.find_provider_tokens(line, number, language))
    if detectors & URL_CREDENTIALS:
        found.append(url_credentials.find_url_credentials(line, number))
    if detectors & COMMAND_CREDENTIALS:
        found.append(command_credentials.find_command_credentials(line, number, language))
    if detectors & CREDENTIAL_FILES:
        found.append(credential_files.find_credential_file_secrets(document.path, line, number, in_secret))
    for hits in found:
        for hit in hits:
            if fresh(hit):
                yield hit
    if language is None or in_secret or not detectors & NAMED_SECRETS:
        # Prose in documentation: sentences and bullet lists are not assignments. Secret data is
        # base64: LG107 judged its decoded value.
        return
    for hit in hardcoded_passwords.find_hardcoded_secrets(line, number, language, weak=False):
        if fresh(hit):
            yield hit
    for hit in high_entropy_assignments.find_high_entropy_secrets(line, number, language):
        if fresh(hit):
            yield hit


def _finding(document: Document, hit: SecretHit) -> Finding:
    masked = mask_value(hit.value, hit.shown_prefix)
    if hit.rule is private_keys.RULE:
        kind = hit.kind
        line = document.lines[hit.span.start_line]
        if '"private_key"' in line and '"service_account"' in document.text:
            kind = "Google Cloud service-account private key"  # the key file itself, committed
        message = f"{kind} ({masked}) in source"
    elif hit.rule is url_credentials.RULE:
        message = f"{hit.kind}: {masked}"
    else:
        message = (
            f"{hit.kind} {masked}"
            if hit.assigned_name is None
            else f"{hit.kind} in '{hit.assigned_name}': {masked}"
        )
    return hit.rule.finding(
        hit.span, message, fixes=_fixes(document, hit), severity=hit.severity, confidence=hit.confidence
    )


def _fixes(document: Document, hit: SecretHit) -> list[Fix]:
    fixes: list[Fix] = []
    try:
        env_fix = _env_fix(document, hit)
        if env_fix is not None:
            fixes.append(env_fix)
        if hit.rule is not private_keys.RULE:
            allow = secret_fixes.allowlist_fix(document, hit.span.start_line)
        elif document.tree is not None:
            # After the block's last line (the closing quote), still within the statement that holds
            # it; in text files any comment near a PEM block would become part of the block's text.
            allow = secret_fixes.allowlist_fix(document, hit.span.end_line)
        else:
            allow = None
        if allow is not None:
            fixes.append(allow)
    except Exception:
        # A fix that cannot be built (odd input the builders did not foresee) must not lose the finding.
        log.debug("no fix for %s on line %d", hit.rule.id, hit.span.start_line, exc_info=True)
        return fixes
    return fixes


def _env_fix(document: Document, hit: SecretHit) -> Fix | None:
    if hit.rule is private_keys.RULE:
        return None
    if hit.rule is command_credentials.RULE:
        return secret_fixes.shell_variable_fix(document, hit.span, hit.env_name)
    if hit.rule is credential_files.RULE:
        if hit.env_name == "NPM_TOKEN":
            return secret_fixes.npmrc_variable_fix(document, hit.span, "NPM_AUTH")
        return None  # JSON, netrc and manifests have no interpolation
    if hit.rule is url_credentials.RULE:
        # The whole URL is the configuration value: replace it only when it is the literal's content.
        def whole_url(literal: secret_fixes.Literal) -> bool:
            return bool(_WHOLE_URL.match(literal.content))

        return secret_fixes.env_lookup_fix(document, hit.span, _url_env_name(document, hit), whole_url)
    env_name = hit.env_name
    if hit.rule is provider_tokens.RULE:
        assigned = _assigned_name(document, hit)
        if assigned is not None:
            # Keep a name that already says which provider it is (GITHUB_TOKEN_CI); else the convention.
            parts = env_var_name(assigned, env_name).split("_")
            if env_name.split("_")[0] in parts and len(parts) >= 2 and parts[-1] in _SECRET_SUFFIXES:
                env_name = "_".join(parts)
        secret = hit.value

        def token_or_url(literal: secret_fixes.Literal) -> bool:
            # The token is the literal, or the literal is a URL made to carry it (a webhook).
            return literal.content == secret or (
                secret in literal.content and bool(_WHOLE_URL.match(literal.content))
            )

        return secret_fixes.env_lookup_fix(document, hit.span, env_name, token_or_url)
    return secret_fixes.env_lookup_fix(document, hit.span, env_name)


_SECRET_SUFFIXES = frozenset({"TOKEN", "KEY", "SECRET", "SID", "PAT", "PASSWORD"})
_WHOLE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://\S+$")


def _assigned_name(document: Document, hit: SecretHit) -> str | None:
    """The name the literal holding ``hit`` is assigned to on its line, if any."""
    line = document.lines[hit.span.start_line]
    for assignment in hardcoded_passwords.find_assignments(line, document.language):
        if assignment.start <= hit.span.start_col and hit.span.end_col <= assignment.end:
            return assignment.key
    return None


def _url_env_name(document: Document, hit: SecretHit) -> str:
    assigned = _assigned_name(document, hit)
    if assigned is None:
        return hit.env_name if not hit.env_name.endswith("_PASSWORD") else "SERVICE_URL"
    name = env_var_name(assigned, "SERVICE_URL")
    return name if name.endswith(("_URL", "_URI", "_DSN")) or name in {"URL", "URI", "DSN"} else f"{name}_URL"


CHECK = SecretsScanner()
