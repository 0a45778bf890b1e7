"""The audit trail: an opt-in, append-only, hash-chained log of what Landguard saw and what was done.

``audit = true`` in ``landguard.toml`` (or ``[tool.landguard]``, or the editor settings) makes the
server and ``landguard check`` append records to ``.landguard/audit.jsonl`` at the project root:

- ``scan``: a file (editor) or a run (CLI) was analysed — lines scanned, lines in AI-marked code;
- ``finding.raised`` / ``finding.resolved``: a finding appeared / went away, with how it went
  (``quick-fix``, ``suppressed``, ``changed``) and how long it was open;
- ``fix.applied``: a quick fix was chosen in the editor;
- ``suppression.added``: a ``landguard: ignore[...] -- reason`` comment appeared, with its reason
  (secrets in it masked) and whether it says the finding was a false positive;
- ``insertion``: one change inserted many lines at once (an accepted completion, a paste) —
  the line count and whether it landed in AI-marked code, never the text.

No record holds source code or a secret: findings are identified by a keyed hash of their rule
and line (the key, ``.landguard/audit.key``, stays beside the log), never by their message or text.

Each record carries ``seq``, ``prev`` (the previous record's ``hash``) and its own ``hash``
(SHA-256 of its canonical JSON without ``hash``). ``.landguard/audit.head`` holds the last
``seq`` and ``hash``, so deleting records at the end is caught too. ``verify`` says which record
was edited, deleted, inserted or moved. Writers take a lock and re-read the log's tail, so the
server and a CLI run can append to one log.

A log that cannot be written (read-only or full disk) disables the trail for the session; the
``problem`` is reported once by the face (a message in the editor, a line on stderr), and checking
goes on. The engine never imports this module; the faces do.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from landguard.engine.findings import Finding, mask_secret

AUDIT_DIR = ".landguard"
LOG_NAME = "audit.jsonl"
HEAD_NAME = "audit.head"
KEY_NAME = "audit.key"
LOCK_NAME = "audit.lock"
GENESIS = "0" * 64
FORMAT = 1
# One change inserting at least this many lines is recorded as a large insertion.
LARGE_INSERTION_LINES = 8
_MAX_REASON = 160
_NOT_RECORDED = frozenset({"LG605"})  # the AI marker's own note is not a problem to track
_SUPPRESSION = re.compile(
    r"landguard:\s*ignore\b(?!-)(?:\[(?P<rules>[^\]]*)\])?(?:\s*--\s*(?P<reason>.*?))?\s*(?:-->|\*/|$)", re.I
)
_FALSE_POSITIVE = re.compile(
    r"\bfalse[\s-]*positive\b|\bfp\b|\bnot a (real )?(secret|bug|issue|vulnerability)\b", re.I
)


# ---------------------------------------------------------------------------- what a face observes


@dataclass(frozen=True)
class Suppression:
    line: int
    rules: tuple[str, ...]
    reason: str
    false_positive: bool

    @property
    def key(self) -> str:
        return f"{','.join(self.rules)}\0{self.reason}"


@dataclass(frozen=True)
class Observation:
    """What one analysis of one file showed, reduced to what the trail may keep (no text)."""

    file: str  # relative to the project root, '/'-separated
    lines: int
    ai_marked_lines: int
    findings: tuple[
        tuple[str, str, int, str, bool], ...
    ]  # (rule, fingerprint, 1-based line, severity, ai_marked)
    suppressions: tuple[Suppression, ...]
    insertions: tuple[tuple[int, bool], ...] = ()  # (lines inserted, into AI-marked code)


def fingerprint(key: bytes, rule_id: str, line_text: str) -> str:
    """A finding's identity across edits that move it: its rule and its line's text, hashed with the
    trail's key (the line is never stored, and the hash cannot be checked against guesses without it)."""
    digest = hashlib.blake2b(
        f"{rule_id}\0{line_text.strip()}".encode("utf-8", "replace"), key=key, digest_size=10
    )
    return digest.hexdigest()


def observe(
    key: bytes,
    file: str,
    lines: Sequence[str],
    findings: Iterable[Finding],
    ai_marked_lines: int = 0,
    insertions: Sequence[tuple[int, bool]] = (),
) -> Observation:
    """Reduce an analysis to an ``Observation`` (call where the document's text is at hand)."""
    seen: Counter[str] = Counter()
    reduced = []
    for finding in findings:
        if finding.rule_id in _NOT_RECORDED:
            continue
        line = finding.span.start_line
        base = fingerprint(key, finding.rule_id, lines[line] if 0 <= line < len(lines) else "")
        seen[base] += 1
        # Two findings of one rule on identical lines are told apart by their order.
        print_ = base if seen[base] == 1 else f"{base}.{seen[base]}"
        marked = any(k == "aiMarked" and v == "true" for k, v in finding.properties)
        reduced.append((finding.rule_id, print_, line + 1, finding.severity.label, marked))
    return Observation(
        file, len(lines), ai_marked_lines, tuple(reduced), tuple(suppressions_in(lines)), tuple(insertions)
    )


def suppressions_in(lines: Sequence[str]) -> Iterable[Suppression]:
    for number, text in enumerate(lines):
        if "landguard" not in text.lower():
            continue
        match = _SUPPRESSION.search(text)
        if match is None:
            continue
        rules = tuple(
            sorted(r.strip().upper() for r in (match.group("rules") or "*").split(",") if r.strip())
        )
        reason = scrub_reason(match.group("reason") or "")
        yield Suppression(number + 1, rules, reason, bool(_FALSE_POSITIVE.search(reason)))


def scrub_reason(reason: str) -> str:
    """A suppression's reason as the trail keeps it: bounded, and with anything secret-like masked."""
    from landguard.checks.secrets.scanner import CHECK as SECRETS
    from landguard.engine.config import Config
    from landguard.engine.document import Document
    from landguard.engine.registry import CheckContext

    reason = " ".join(reason.split())[:_MAX_REASON]
    if not reason or reason == "reason":
        return ""
    probe = Document(reason + "\n", path="reason.txt")
    for hit in sorted(
        SECRETS.scan_lines(probe, 0, 0, CheckContext(Config())), key=lambda f: -f.span.start_col
    ):
        value = reason[hit.span.start_col : hit.span.end_col]
        reason = reason[: hit.span.start_col] + mask_secret(value) + reason[hit.span.end_col :]
    # Long token-like runs the detectors did not claim are masked too: a reason needs words, not tokens.
    return re.sub(r"[A-Za-z0-9_+/=-]{24,}", lambda m: mask_secret(m.group()), reason)


# ---------------------------------------------------------------------------- the chain


def record_hash(record: dict) -> str:
    body = {k: v for k, v in record.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _parse_time(value: str) -> float | None:
    try:
        return time.mktime(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    except (TypeError, ValueError):
        return None


@dataclass
class _OpenFinding:
    rule: str
    raised: str  # time
    fixed_by_action: bool = False


class AuditTrail:
    """Appends records for one project root. Thread-safe; safe with other processes appending too."""

    def __init__(self, root: str | os.PathLike[str], source: str) -> None:
        self.root = Path(root)
        self.folder = self.root / AUDIT_DIR
        self.log_path = self.folder / LOG_NAME
        self.head_path = self.folder / HEAD_NAME
        self.source = source
        self.problem: str | None = None  # why the trail is off (read-only or full disk), once set
        self._lock = threading.Lock()
        self._key: bytes | None = None
        self._loaded = False
        self._open: dict[str, dict[str, _OpenFinding]] = {}
        self._suppressions: dict[str, set[str]] = {}
        self._scanned: set[str] = set()

    # ------------------------------------------------------------------ state

    @property
    def key(self) -> bytes:
        if self._key is None:
            key_file = self.folder / KEY_NAME
            try:
                self._key = bytes.fromhex(key_file.read_text().strip())
            except (OSError, ValueError):
                self._key = secrets.token_bytes(16)
                try:
                    self._prepare_folder()
                    key_file.write_text(self._key.hex() + "\n")
                except OSError as exc:
                    self._fail(exc)
        return self._key

    def _load(self) -> None:
        """Replay the log: which findings are open and which suppressions are known, per file."""
        if self._loaded:
            return
        self._loaded = True
        for record in read_records(self.log_path):
            event, file = record.get("event"), record.get("file")
            if not isinstance(file, str):
                continue
            if event == "finding.raised":
                self._open.setdefault(file, {})[record.get("fingerprint", "")] = _OpenFinding(
                    str(record.get("rule")), str(record.get("time"))
                )
            elif event == "finding.resolved":
                self._open.get(file, {}).pop(record.get("fingerprint", ""), None)
            elif event == "fix.applied":
                opened = self._open.get(file, {}).get(record.get("fingerprint", ""))
                if opened is not None:
                    opened.fixed_by_action = True
            elif event == "suppression.added":
                self._suppressions.setdefault(file, set()).add(
                    f"{','.join(record.get('rules', []))}\0{record.get('reason', '')}"
                )

    # ------------------------------------------------------------------ recording

    def record_observation(self, observation: Observation, *, count_scan: bool = True) -> None:
        """Diff an observation against what the trail knows of that file and append the differences."""
        with self._lock:
            if self.problem is not None:
                return
            self._load()
            file = observation.file
            records: list[dict] = []
            if count_scan and (self.source == "cli" or file not in self._scanned):
                self._scanned.add(file)
                records.append(
                    {
                        "event": "scan",
                        "file": file,
                        "lines": observation.lines,
                        "aiMarkedLines": observation.ai_marked_lines,
                    }
                )
            known_suppressions = self._suppressions.setdefault(file, set())
            new_suppressions = [s for s in observation.suppressions if s.key not in known_suppressions]
            for suppression in new_suppressions:
                known_suppressions.add(suppression.key)
                records.append(
                    {
                        "event": "suppression.added",
                        "file": file,
                        "line": suppression.line,
                        "rules": list(suppression.rules),
                        "reason": suppression.reason,
                        "falsePositive": suppression.false_positive,
                    }
                )
            for lines, marked in observation.insertions:
                records.append({"event": "insertion", "file": file, "lines": lines, "aiMarked": marked})
            open_here = self._open.setdefault(file, {})
            current = {
                print_: (rule, line, severity, marked)
                for rule, print_, line, severity, marked in observation.findings
            }
            now = _now()
            for print_, opened in list(open_here.items()):
                if print_ in current:
                    continue
                how = "changed"
                if opened.fixed_by_action:
                    how = "quick-fix"
                elif any(_covers(s.rules, opened.rule) for s in new_suppressions):
                    how = "suppressed"
                record = {
                    "event": "finding.resolved",
                    "file": file,
                    "rule": opened.rule,
                    "fingerprint": print_,
                    "how": how,
                }
                raised, resolved = _parse_time(opened.raised), _parse_time(now)
                if raised is not None and resolved is not None:
                    record["secondsOpen"] = max(0, round(resolved - raised))
                records.append(record)
                del open_here[print_]
            for print_, (rule, line, severity, marked) in current.items():
                if print_ in open_here:
                    continue
                open_here[print_] = _OpenFinding(rule, now)
                records.append(
                    {
                        "event": "finding.raised",
                        "file": file,
                        "rule": rule,
                        "fingerprint": print_,
                        "line": line,
                        "severity": severity,
                        "aiMarked": marked,
                    }
                )
            self._append(records, now)

    def record_fix(self, file: str, rule: str, fingerprint_: str, title: str) -> None:
        """A quick fix was chosen for a finding (the editor ran the code action's command)."""
        with self._lock:
            if self.problem is not None:
                return
            self._load()
            opened = self._open.get(file, {}).get(fingerprint_)
            if opened is not None:
                opened.fixed_by_action = True
            record = {
                "event": "fix.applied",
                "file": file,
                "rule": rule,
                "fingerprint": fingerprint_,
                "title": title[:120],
            }
            self._append([record], _now())

    def record(self, event: str, **fields: object) -> None:
        with self._lock:
            if self.problem is None:
                self._append([{"event": event, **fields}], _now())

    def _prepare_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        gitignore = self.folder / ".gitignore"
        if not gitignore.exists():
            # The log is the project's to commit or not; the key and lock never are.
            gitignore.write_text(f"# Created by landguard\n{KEY_NAME}\n{LOCK_NAME}\n")

    def _append(self, records: list[dict], now: str) -> None:
        if not records:
            return
        try:
            self._prepare_folder()
            with open(self.folder / LOCK_NAME, "a+b") as lock:
                _lock_file(lock)
                try:
                    seq, prev, needs_newline = _tail(self.log_path)
                    lines = []
                    for body in records:
                        seq += 1
                        record = {"seq": seq, "time": now, "source": self.source, **body, "prev": prev}
                        record["hash"] = prev = record_hash(record)
                        lines.append(
                            json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                        )
                    data = ("\n" if needs_newline else "") + "\n".join(lines) + "\n"
                    with open(self.log_path, "a", encoding="utf-8") as log:
                        log.write(data)
                        log.flush()
                        os.fsync(log.fileno())
                    _write_head(self.head_path, seq, prev)
                finally:
                    _unlock_file(lock)
        except OSError as exc:
            self._fail(exc)

    def _fail(self, exc: OSError) -> None:
        if self.problem is None:
            reason = exc.strerror or str(exc)
            self.problem = f"the audit trail is off for this session: cannot write {self.log_path} ({reason})"


def _covers(rules: Sequence[str], rule_id: str) -> bool:
    return any(r == "*" or rule_id.startswith(r) for r in rules)


def _lock_file(handle) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: one writer at a time is the user's to ensure
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


def _unlock_file(handle) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _tail(path: Path) -> tuple[int, str, bool]:
    """(last seq, last hash, whether the file lacks a final newline) from the log's last record."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            if size == 0:
                return 0, GENESIS, False
            handle.seek(max(0, size - 65536))
            chunk = handle.read()
    except FileNotFoundError:
        return 0, GENESIS, False
    needs_newline = not chunk.endswith(b"\n")
    for raw in reversed(chunk.splitlines()):
        try:
            record = json.loads(raw)
        except ValueError:
            continue  # a torn last line (the disk filled up mid-write): chain on from the record before it
        if isinstance(record, dict) and isinstance(record.get("seq"), int):
            return record["seq"], str(record.get("hash", GENESIS)), needs_newline
    return 0, GENESIS, needs_newline


def _write_head(path: Path, seq: int, last_hash: str) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"seq": seq, "hash": last_hash}) + "\n")
    os.replace(temporary, path)


def read_records(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    records = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


# ---------------------------------------------------------------------------- verify


@dataclass
class Verification:
    records: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(root: str | os.PathLike[str]) -> Verification:
    """Check the chain; each problem names the record (by its seq and line in the file) and what happened."""
    folder = Path(root) / AUDIT_DIR
    result = Verification()
    try:
        text = (folder / LOG_NAME).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        result.problems.append(f"no audit trail at {folder / LOG_NAME}")
        return result
    entries: list[tuple[int, dict]] = []  # (line number, record)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            result.problems.append(f"line {number}: not a record (edited or torn)")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("seq"), int):
            result.problems.append(f"line {number}: not a record (edited)")
            continue
        entries.append((number, record))
    result.records = len(entries)

    by_hash: dict[str, tuple[int, dict]] = {}
    for number, record in entries:
        if record_hash(record) != record.get("hash"):
            result.problems.append(
                f"record {record['seq']} (line {number}) was edited: its hash does not match"
            )
        by_hash.setdefault(str(record.get("hash")), (number, record))

    try:
        head = json.loads((folder / HEAD_NAME).read_text())
    except (OSError, ValueError):
        head = None
    head_hash = head.get("hash") if isinstance(head, dict) else None

    # Follow the chain from the first record. Records it never reaches were inserted, unless they
    # come after its end with a predecessor nobody has: then the records between were deleted.
    children: dict[str, list[tuple[int, dict]]] = {}
    for number, record in entries:
        children.setdefault(str(record.get("prev")), []).append((number, record))

    def follow(start: str, reached: set[int]) -> list[tuple[int, dict]]:
        segment: list[tuple[int, dict]] = []
        current = start
        while True:
            candidates = [c for c in children.get(current, []) if id(c[1]) not in reached]
            if not candidates:
                return segment
            # Of two records claiming one predecessor, the genuine one is the one the chain goes on
            # from, or the one the head file names.
            chosen = min(
                candidates,
                key=lambda c: (not children.get(str(c[1].get("hash"))), c[1].get("hash") != head_hash, c[0]),
            )
            reached.add(id(chosen[1]))
            segment.append(chosen)
            current = str(chosen[1].get("hash"))

    reached: set[int] = set()
    chain = follow(GENESIS, reached)
    while True:
        orphans = sorted(
            ((n, r) for n, r in entries if id(r) not in reached), key=lambda item: item[1]["seq"]
        )
        if not orphans:
            break
        number, record = orphans[0]
        end_seq = chain[-1][1]["seq"] if chain else 0
        if str(record.get("prev")) not in by_hash and record["seq"] > end_seq:
            missing = record["seq"] - end_seq - 1
            if missing >= 1:
                what = (
                    f"record {end_seq + 1}" if missing == 1 else f"records {end_seq + 1}-{record['seq'] - 1}"
                )
                result.problems.append(f"{what} deleted (before line {number})")
            else:
                result.problems.append(
                    f"record {end_seq} was edited and its hash recomputed: record {record['seq']} (line {number}) "
                    "no longer links to it"
                )
            reached.add(id(record))
            chain.append((number, record))
            chain.extend(follow(str(record.get("hash")), reached))
        else:
            result.problems.append(
                f"record at line {number} (seq {record['seq']}) was inserted: it is not part of the chain"
            )
            reached.add(id(record))

    previous_line = 0
    for number, record in chain:
        if number < previous_line:
            result.problems.append(
                f"record {record['seq']} (line {number}) was moved: it belongs after line {previous_line}"
            )
        previous_line = max(previous_line, number)
    for (_, a), (_, b) in zip(chain, chain[1:], strict=False):
        if b["seq"] != a["seq"] + 1 and str(b.get("prev")) == str(a.get("hash")):
            result.problems.append(
                f"record {b['seq']} follows record {a['seq']}: sequence numbers were changed"
            )

    last = chain[-1][1] if chain else None
    if isinstance(head, dict) and isinstance(head.get("seq"), int):
        last_seq = last["seq"] if last else 0
        if head["seq"] > last_seq:
            what = (
                f"record {last_seq + 1}"
                if head["seq"] == last_seq + 1
                else f"records {last_seq + 1}-{head['seq']}"
            )
            result.problems.append(f"{what} deleted from the end (the head file records {head['seq']})")
        elif last is not None and head["seq"] == last_seq and head.get("hash") != last.get("hash"):
            result.problems.append(f"record {last_seq} differs from the one the head file records")
    return result


# ---------------------------------------------------------------------------- report


def report(root: str | os.PathLike[str]) -> dict:
    """The trail's measures: findings per rule and per 1,000 lines, fixed vs suppressed, the
    false-positive rate of suppressions, time from finding to fix, AI-marked vs other code."""
    import statistics  # here, not at the top: the server imports this module at start (issue #15)

    records = read_records(Path(root) / AUDIT_DIR / LOG_NAME)
    raised = [r for r in records if r.get("event") == "finding.raised"]
    resolved = [r for r in records if r.get("event") == "finding.resolved"]
    suppressions = [r for r in records if r.get("event") == "suppression.added"]
    insertions = [r for r in records if r.get("event") == "insertion"]
    lines = sum(int(r.get("lines", 0)) for r in records if r.get("event") == "scan")
    marked_lines = sum(int(r.get("aiMarkedLines", 0)) for r in records if r.get("event") == "scan")
    per_rule = Counter(str(r.get("rule")) for r in raised)
    how = Counter(str(r.get("how")) for r in resolved)
    fixed = how["quick-fix"] + how["changed"]
    fix_times = [
        int(r["secondsOpen"]) for r in resolved if r.get("how") != "suppressed" and "secondsOpen" in r
    ]
    marked = sum(1 for r in raised if r.get("aiMarked"))
    false_positives = sum(1 for r in suppressions if r.get("falsePositive"))

    def per_thousand(count: int, of: int) -> float | None:
        return round(count * 1000 / of, 2) if of else None

    def share(part: int, whole: int) -> float | None:
        return round(part / whole, 3) if whole else None

    return {
        "records": len(records),
        "linesScanned": lines,
        "findingsRaised": len(raised),
        "findingsPer1000Lines": per_thousand(len(raised), lines),
        "perRule": {
            rule: {"findings": count, "per1000Lines": per_thousand(count, lines)}
            for rule, count in sorted(per_rule.items())
        },
        "resolved": {
            "quickFix": how["quick-fix"],
            "changed": how["changed"],
            "suppressed": how["suppressed"],
        },
        "shareFixed": share(fixed, len(resolved)),
        "shareSuppressed": share(how["suppressed"], len(resolved)),
        "suppressions": len(suppressions),
        "suppressionsFalsePositive": false_positives,
        "falsePositiveRate": share(false_positives, len(suppressions)),
        "secondsToFix": {
            "count": len(fix_times),
            "median": statistics.median(fix_times) if fix_times else None,
            "mean": round(statistics.fmean(fix_times), 1) if fix_times else None,
        },
        "aiMarked": {
            "findings": marked,
            "lines": marked_lines,
            "per1000Lines": per_thousand(marked, marked_lines),
        },
        "other": {
            "findings": len(raised) - marked,
            "lines": lines - marked_lines,
            "per1000Lines": per_thousand(len(raised) - marked, lines - marked_lines),
        },
        "largeInsertions": {
            "count": len(insertions),
            "lines": sum(int(r.get("lines", 0)) for r in insertions),
        },
    }


def report_markdown(data: dict) -> str:
    def show(value: object) -> str:
        return "–" if value is None else str(value)

    lines = [
        "# Landguard audit report",
        "",
        f"{data['records']} records; {data['linesScanned']} lines scanned; {data['findingsRaised']} findings raised "
        f"({show(data['findingsPer1000Lines'])} per 1,000 lines).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| fixed (quick fix / by hand) | {data['resolved']['quickFix']} / {data['resolved']['changed']} |",
        f"| suppressed | {data['resolved']['suppressed']} |",
        f"| share fixed vs suppressed | {show(data['shareFixed'])} vs {show(data['shareSuppressed'])} |",
        f"| suppressions marked false positive | {data['suppressionsFalsePositive']} of {data['suppressions']} "
        f"(rate {show(data['falsePositiveRate'])}) |",
        f"| time from finding to fix (median / mean, s) | {show(data['secondsToFix']['median'])} / "
        f"{show(data['secondsToFix']['mean'])} over {data['secondsToFix']['count']} |",
        f"| findings in AI-marked code (per 1,000 lines) | {data['aiMarked']['findings']} "
        f"({show(data['aiMarked']['per1000Lines'])}) |",
        f"| findings in other code (per 1,000 lines) | {data['other']['findings']} ({show(data['other']['per1000Lines'])}) |",
        f"| large insertions (lines) | {data['largeInsertions']['count']} ({data['largeInsertions']['lines']}) |",
        "",
        "| rule | findings | per 1,000 lines |",
        "|---|---|---|",
    ]
    lines += [
        f"| {rule} | {row['findings']} | {show(row['per1000Lines'])} |"
        for rule, row in data["perRule"].items()
    ]
    return "\n".join(lines) + "\n"
