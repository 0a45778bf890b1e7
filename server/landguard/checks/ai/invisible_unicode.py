"""## What it does
Flags invisible and direction-changing Unicode characters in any file: bidirectional
controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C), zero-width characters
(U+200B–U+200D, U+2060, U+FEFF other than a leading byte-order mark) and Unicode *tag*
characters (U+E0000–U+E007F), whose hidden text is decoded and shown in the message. The
direction *marks* (U+200E, U+200F, U+061C) are reported only next to another control: alone
they reorder nothing and right-to-left text needs them.

## Why is this bad?
They make what the reviewer sees differ from what the compiler, interpreter or AI model
reads. Bidirectional controls reorder code on screen ("Trojan Source", CVE-2021-42574):
a comment can appear to close while the code after it runs. Tag characters are invisible
in every editor yet readable by language models, so they can smuggle instructions into
prompts, rules files and pasted code; zero-width characters hide inside identifiers and
strings to make look-alike names. Code pasted from a chat window is a common carrier.

## Example
A line that displays as a harmless comment, because a right-to-left override (U+202E)
and isolates (U+2066, U+2069) inside the string reorder what the editor shows:
```python
if access_level != "user<U+202E> <U+2066># Check if admin<U+2069> <U+2066>":
    grant_admin()
```

## Use instead
Delete the invisible characters (the quick fix does), or write them as escapes
(`"\\u200b"`) when they are really wanted in a string.

## References
- CWE-1007: Insufficient Visual Distinction of Homoglyphs Presented to User
- https://cwe.mitre.org/data/definitions/1007.html
- Trojan Source, CVE-2021-42574: https://trojansource.codes/
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from landguard.checks.ai.injection_text import decode_tags, shown
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity, Span, TextEdit
from landguard.engine.registry import CheckContext, LineCheck, Rule

RULE = Rule(
    id="LG601",
    name="invisible-unicode",
    title="Invisible or bidirectional Unicode control character",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(1007,),
    docs=__doc__ or "",
)

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# Left-to-right, right-to-left and Arabic letter marks: strong directional characters with no scope
# (unlike embeddings, overrides and isolates, they cannot reorder a span), used by real RTL text such
# as Django's Arabic date formats ("d\u200f/m\u200f/Y"). Reported only next to a control.
_DIRECTION_MARKS = frozenset("\u200e\u200f\u061c")
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = re.compile(f"[{_BIDI}{_ZERO_WIDTH}\U000e0000-\U000e007f]+")
# Zero-width joiners legitimately glue emoji sequences (👩‍💻) and some scripts' ligatures.
_EMOJI_NEIGHBOUR = re.compile("[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]")


def _describe(run: str) -> str:
    if any("\U000e0000" <= c <= "\U000e007f" for c in run):
        return "Unicode tag characters (invisible text readable by AI models)"
    if any(c in _BIDI for c in run):
        return "bidirectional control characters that reorder how code is displayed"
    return "zero-width characters"


class InvisibleUnicode(LineCheck):
    rules = (RULE,)

    def scan_lines(
        self, document: Document, first: int, last: int, context: CheckContext
    ) -> Iterable[Finding]:
        lines = document.lines
        for number in range(first, last + 1):
            line = lines[number]
            if line.isascii():
                continue
            for match in _INVISIBLE.finditer(line):
                run = match.group()
                if number == 0 and match.start() == 0 and run == "\ufeff":
                    continue  # a byte-order mark at the start of the file
                if set(run) <= _DIRECTION_MARKS:
                    continue  # marks, not controls: they open no embedding, and RTL formats need them
                if set(run) <= {"\u200d", "\u200c"} and _is_within_emoji_or_word(
                    line, match.start(), match.end()
                ):
                    continue
                code_points = sorted({f"U+{ord(c):04X}" for c in run})
                codes = ", ".join(code_points) if len(code_points) <= 6 else f"{len(run)} characters"
                span = Span.on_line(number, match.start(), match.end())
                fix = Fix("Remove the invisible characters", (TextEdit(span, ""),), preferred=True)
                message = f"Hidden {_describe(run)} ({codes})"
                decoded = decode_tags(run)
                if decoded.strip():
                    # Tag characters spell ASCII text; show what a model would read (it is not a secret).
                    message += f' spelling "{shown(decoded)}"'
                yield RULE.finding(span, message, fixes=[fix])


def _is_within_emoji_or_word(line: str, start: int, end: int) -> bool:
    before = line[start - 1] if start > 0 else ""
    after = line[end] if end < len(line) else ""
    if _EMOJI_NEIGHBOUR.match(before) or _EMOJI_NEIGHBOUR.match(after):
        return True
    # ZWNJ/ZWJ between letters of scripts that use them (Persian, Indic) — not ASCII identifiers.
    return bool(before and after and not before.isascii() and not after.isascii() and before.isalpha())


CHECK = InvisibleUnicode()
