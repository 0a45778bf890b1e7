"""What prompt injection aimed at a coding assistant looks like, shared by LG602 and LG603.

Not a rule: the directive patterns, the signals that raise or lower how sure we are that a
sentence *addresses an assistant* rather than *talks about* prompt injection, and decoding of
Unicode tag characters (invisible text a model still reads).

A sentence is scored: each kind of directive it contains adds its weight; naming an
assistant and opening with an imperative add one each; the vocabulary of security writing
("attackers may ...", "for example", a quoted phrase) subtracts. Each kind of file then sets
its own threshold (``RULES_FILE_THRESHOLD`` < ``CODE_THRESHOLD`` < ``PROSE_THRESHOLD``): a
rules file is only ever read by assistants, so any directive counts; prose is where people
explain attacks, so it takes more.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

RULES_FILE_THRESHOLD = 1
CODE_THRESHOLD = 4
PROSE_THRESHOLD = 5


@dataclass(frozen=True)
class Directive:
    """A kind of directive. Its patterns (case-insensitive) are compiled when first used: most
    runs never see a line with a directive's anchors, and compiling the ~20 of them cost every
    ``landguard check`` ~2 % of its start-up (``compile_all`` compiles them, for the tests)."""

    kind: str
    meaning: str  # phrased for the user reading the diagnostic: "tells the assistant to ..."
    weight: int
    source: str  # the pattern
    # Groups of lowercase words: the pattern cannot match without a word of each group. Tested first.
    anchors: tuple[tuple[str, ...], ...]
    # Must also occur in the text (what is hidden: "this", "that you ..."), if set.
    requires_source: str | None = None
    # Before the match, this makes it a prohibition ("never disable TLS verification"), not a directive.
    prohibited_by_source: str | None = None

    # (``cached_property`` stores in the instance's ``__dict__``, past the frozen ``__setattr__``.)
    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.source, re.I)

    @functools.cached_property
    def requires(self) -> re.Pattern[str] | None:
        return re.compile(self.requires_source, re.I) if self.requires_source else None

    @functools.cached_property
    def prohibited_by(self) -> re.Pattern[str] | None:
        return re.compile(self.prohibited_by_source, re.I) if self.prohibited_by_source else None


def _directive(
    kind: str,
    meaning: str,
    weight: int,
    pattern: str,
    anchors: tuple[tuple[str, ...], ...],
    requires: str | None = None,
    prohibited_by: str | None = None,
) -> Directive:
    return Directive(kind, meaning, weight, pattern, anchors, requires or None, prohibited_by or None)


_PROHIBITION = (
    r"\b(never|don't|do not|must not|mustn't|should not|shouldn't|avoid|no one may|nobody)\b[^.;!?]{0,30}$"
)


DIRECTIVES: tuple[Directive, ...] = (
    _directive(
        "override",
        "tells the assistant to ignore other instructions",
        3,
        r"\b(ignore|disregard|forget|override)\b.{0,30}\b(previous|prior|above|earlier|all|other|system)\b"
        r".{0,20}\b(instructions?|rules|prompts?|guidelines|directives)",
        (
            ("ignore", "disregard", "forget", "override"),
            ("instruction", "rule", "prompt", "guideline", "directive"),
        ),
    ),
    _directive(
        "conceal",
        "tells the assistant to hide what it does",
        2,
        r"\b(do not|don't|never|without)\b.{0,25}\b(tell|mention|inform|notify|ask|show|reveal)"
        r"(ing)?\b.{0,15}\b(the )?(user|developer|human|anyone|reviewers?)",
        (("user", "developer", "human", "anyone", "reviewer"), ("not", "never", "without")),
        # What is hidden is something the assistant did: "this", "that you added ...", "about it".
        requires=r"\b(this|these|those|it|about|that you|what you|you (have )?(added|changed|did|ran|installed|sent|"
        r"copied|uploaded))\b",
    ),
    _directive(
        "download-run",
        "downloads and runs a script",
        2,
        r"\b(curl|wget|iwr|invoke-webrequest)\b[^|\n]{0,200}\|\s*(sudo\s+)?(ba|z|k)?sh\b",
        (("curl", "wget", "iwr", "invoke-webrequest"), ("sh",)),
    ),
    _directive(
        "encoded-shell",
        "runs an encoded PowerShell command",
        2,
        r"\bpowershell\b.{0,40}-e(nc(odedcommand)?)?\s+[A-Za-z0-9+/=]{20,}",
        (("powershell",),),
    ),
    _directive(
        "exfiltrate",
        "tells the assistant to send secrets somewhere",
        3,
        r"\b(send|post|upload|exfiltrate|transmit|forward|copy)\b.{0,60}(\.env\b|secrets?|api[ _-]?keys?|"
        r"tokens?|credentials?|passwords?|ssh keys?|environment variables)\b.{0,60}\b(to|into)\b.{0,20}"
        r"(https?://|\burl\b|server|endpoint|webhook)",
        (
            ("http", "url", "server", "endpoint", "webhook"),
            ("send", "post", "upload", "exfiltrate", "transmit", "forward", "copy"),
        ),
    ),
    _directive(
        "disable-verification",
        "tells the assistant to disable TLS verification",
        1,
        r"\b(disable|turn off|skip|bypass)\b.{0,30}\b(ssl|tls|certificate|cert) (verification|validation|checks?)",
        (("ssl", "tls", "cert"), ("disable", "turn off", "skip", "bypass")),
        prohibited_by=_PROHIBITION,
    ),
    _directive(
        "external-script",
        "tells the assistant to add an external script",
        1,
        r"<script\b[^>]*\bsrc\s*=\s*[\"']?https?://",
        (("<script",),),
    ),
    _directive(
        "role",
        "tries to replace the assistant's role",
        3,
        r"\byou are now\b(?=\s+\w)|\bnew system prompt\b|\bact as (an? )?(unrestricted|jailbroken)",
        (("you are now", "system prompt", "act as"),),
    ),
)

# Words every directive needs one of (its first anchor group): a line without any is skipped
# before any regex runs.
PREFILTER = tuple(dict.fromkeys(word for d in DIRECTIVES for word in d.anchors[0]))


def compile_all() -> int:
    """Compile every directive's patterns now (tests: a bad one raises here); how many there are."""
    return sum(1 for d in DIRECTIVES for p in (d.pattern, d.requires, d.prohibited_by) if p is not None)


_ADDRESSEE = re.compile(
    r"\b(ai|assistants?|agents?|llms?|language models?|copilot|claude|cursor|chatgpt|gpt-?\d?|gemini|"
    r"codeium|windsurf|cline|aider|devin|the model)\b",
    re.I,
)
_IMPERATIVE_START = re.compile(
    r"^\W*(?:(?:note|important|attention|ai|assistants?|agents?|[\w ]{0,40}(?:assistants?|agents?|ai))\s*:\s*)?"
    r"(always|never|ignore|disregard|forget|do not|don't|you must|you should|you will|you are|from now on|"
    r"send|post|upload|run|execute|add|include|insert|disable|skip|copy|forward)\b",
    re.I,
)
# The vocabulary of writing *about* prompt injection and security, not of doing it.
_DISCUSSION = re.compile(
    r"\b(attacks?|attackers?|malicious|injections?|injected|adversar\w*|example|e\.g\.|such as|"
    r"vulnerab\w*|exploit\w*|threats?|mitigat\w*|defen[cs]e\w*|protect\w*|prevent\w*|detect\w*|"
    r"might|may|could|can be|risks?|beware|warn\w*|untrusted|jailbreak\w*)\b"
    # Reported speech: "the comment tells the assistant to ignore ..." describes a directive.
    r"|\b(tells?|told|telling|asks?|asked|asking|instructs?|instructed|instructing)\b.{0,30}\bto\b",
    re.I,
)
# example.com in a URL is not "for example". The lookbehind starts a match only where a scheme can
# start, so a long run of scheme characters is read once, not once per position (linear time).
_URL = re.compile(r"(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://\S+", re.I)
# No opening quote inside the quoted text either: a run of quotes must not make the search quadratic.
_QUOTED = re.compile(r"[\"“'`][^\"“”'`]{4,}[\"”'`]")

_TAG_START, _TAG_END = 0xE0000, 0xE007F


@dataclass(frozen=True)
class Assessment:
    score: int
    directive: Directive
    start: int  # where the strongest directive's match starts, in the text scored
    end: int


def assess(
    text: str, *, discussion_counts: bool = True, quotes_count: bool = True, surrounding: str | None = None
) -> Assessment | None:
    """The strongest directive in ``text`` and the sentence's score, or None without any directive.

    ``surrounding``: the paragraph a sentence is part of, where the assistant may be named.
    """
    lowered = text.lower()
    found = [
        (d, m)
        for d in DIRECTIVES
        if all(any(word in lowered for word in group) for group in d.anchors)
        and (m := d.pattern.search(text))
        and (d.requires is None or d.requires.search(text))
        and (d.prohibited_by is None or not d.prohibited_by.search(text[: m.start()]))
    ]
    if not found:
        return None
    strongest, match = max(found, key=lambda pair: pair[0].weight)
    score = sum(d.weight for d, _ in found)
    if _ADDRESSEE.search(surrounding or text):
        score += 1
    if _IMPERATIVE_START.search(text):
        score += 1
    if discussion_counts and _DISCUSSION.search(_URL.sub(" ", text)):
        score -= 2
    if quotes_count and any(q.start() <= match.start() < q.end() for q in _QUOTED.finditer(text)):
        score -= 2  # a quoted phrase is cited, not said
    return Assessment(score, strongest, match.start(), match.end())


_PREFILTER = re.compile("|".join(re.escape(word) for word in PREFILTER))


def might_hold_directive(lowered: str) -> bool:
    return _PREFILTER.search(lowered) is not None


def candidate_lines(lines: list[str], first: int, last: int) -> list[int]:
    """Lines in ``first..last`` with a directive's word or a non-ASCII character (tag text).

    The window is searched as one string, a ``str.find`` per word (C speed), the way the secrets
    prefilter does: a handful of passes instead of a regex per line.
    """
    window = "\n".join(lines[first : last + 1])
    lowered = window.lower()
    offsets: list[int] = []
    for word in PREFILTER:
        index = lowered.find(word)
        while index != -1:
            offsets.append(index)
            end = lowered.find("\n", index)
            if end == -1:
                break
            index = lowered.find(word, end + 1)  # the line is in: go on with the next one
    found = set()
    if offsets:
        offsets.sort()
        line, previous = first, 0
        for index in offsets:
            line += lowered.count("\n", previous, index)
            previous = index
            found.add(line)
    if not window.isascii():
        found.update(n for n in range(first, last + 1) if not lines[n].isascii())
    return sorted(found)


def has_tag_characters(text: str) -> bool:
    return any(_TAG_START <= ord(c) <= _TAG_END for c in text) if not text.isascii() else False


def decode_tags(text: str) -> str:
    """The ASCII text hidden in Unicode tag characters (U+E0020-U+E007E map to ' '..'~')."""
    return "".join(chr(ord(c) - _TAG_START) for c in text if 0xE0020 <= ord(c) <= 0xE007E)


def shown(text: str, limit: int = 80) -> str:
    """Hidden text as a message may quote it: one line, bounded."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
