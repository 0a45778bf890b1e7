"""In-process memory of open documents: what the server retains per document, without a server.

Opens ``--documents`` documents (default 200) of ``--lines`` lines (default 2,000) of real
Python, JavaScript and Java, cycled (CPython's ``_pydecimal.py``, xregexp 3.2.0 from Django's
admin, OpenJDK 17's ``ConcurrentHashMap.java``; the files ``bench/edit_curve.py --memory``
uses, from ``--cache``), each as the server keeps it: a ``Document``, its ``Analysis`` after one
run, and the converted diagnostics (``DiagnosticCache``), with the server's policy for idle
documents: all but the ``HOT_DOCUMENTS`` analysed last are swapped for ``Document.idle_copy()``
(``--hot N`` overrides; versions without it keep every document whole). Each copy gets a unique first line so
nothing is shared across documents by accident. Reports the resident set size (RSS) and the
``tracemalloc`` total after opening, the top allocation sites (``--top``), and how much of it
is released when the documents are closed.

    .venv/bin/python bench/memory_profile.py [--documents 200] [--lines 2000] [--top 25] [--no-trace]
    .venv/bin/python bench/memory_profile.py --first-edit   # what going idle costs the next edit
    .venv/bin/python bench/memory_profile.py --documents 30 --no-trace --edits 600   # the soak, in process
    .venv/bin/python bench/memory_profile.py --documents 60 --no-trace --edits 400 --growth 150   # what the edits keep
    PYTHONPATH=/tmp/main-export/server .venv/bin/python bench/memory_profile.py   # another version
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

FILES = ("_pydecimal.py", "xregexp.js", "ConcurrentHashMap.java")
LANGUAGE_IDS = {".py": "python", ".js": "javascript", ".java": "java"}


def malloc_summary() -> str:
    """The pymalloc totals of ``sys._debugmallocstats()`` (arenas kept, live bytes, free space
    inside them): what a close gives back to the system and what fragmentation keeps."""
    import tempfile

    with tempfile.TemporaryFile(mode="w+") as capture:
        saved = os.dup(2)
        sys.stderr.flush()
        os.dup2(capture.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        capture.seek(0)
        report = capture.read()
    values: dict[str, int] = {}
    for line in report.splitlines():
        label, _, value = line.partition("=")
        label = label.strip().lstrip("#").strip()
        number = value.strip().replace(",", "")
        if number.isdigit() and label not in values:
            values[label] = int(number)
    arenas = values["arenas allocated current"]
    live = values["bytes in allocated blocks"]
    free_in_pools = values["bytes in available blocks"]
    total = values["Total"]
    picked = [
        f"{arenas} arenas ({total / 2**20:.1f} MB)",
        f"live blocks {live / 2**20:.1f} MB",
        f"free in used pools {free_in_pools / 2**20:.1f} MB",
        f"unused pools and overhead {(total - live - free_in_pools) / 2**20:.1f} MB",
    ]
    return "; ".join(picked)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def first_edit_cost(path: Path, text: str, config: object, runs: int = 5) -> None:
    """CPU of a one-character edit of a hot document, and of the first edit of its idle copy."""
    from landguard.engine.analyze import Analysis
    from landguard.engine.document import Document

    document = Document(text, path=str(path), language_id=LANGUAGE_IDS[path.suffix])
    analysis = Analysis(document, config)
    analysis.run()
    hot, idle = [], []
    for i in range(runs):
        started = time.process_time()
        analysis.run([document.apply_change((500 + i, 0, 500 + i, 0), "x")])
        hot.append(time.process_time() - started)
        document = document.idle_copy()
        analysis.replace_document(document)
        started = time.process_time()
        analysis.run([document.apply_change((900 + i, 0, 900 + i, 0), "x")])
        idle.append(time.process_time() - started)
    print(
        f"{path.name}: hot edit {statistics.median(hot) * 1000:.1f} ms, "
        f"first edit of an idle copy {statistics.median(idle) * 1000:.1f} ms CPU (median of {runs})"
    )


def _object_counts() -> dict[str, int]:
    import collections

    return collections.Counter(type(o).__name__ for o in gc.get_objects())


def _print_growth(since: tracemalloc.Snapshot, counts: dict[str, int], top: int) -> None:
    """What the edits since ``since`` allocated and still hold, by line, and the objects by type."""
    gc.collect()
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = (
        tracemalloc.take_snapshot().filter_traces(ignore).compare_to(since.filter_traces(ignore), "lineno")
    )
    print(f"growth: tracemalloc +{sum(s.size_diff for s in stats) / 2**20:.1f} MB kept, by line:")
    for s in stats[:top]:
        frame = s.traceback[0]
        print(f"  {s.size_diff / 2**20:7.2f} MB {s.count_diff:8d}  {frame.filename}:{frame.lineno}")
    now = _object_counts()
    print("growth: objects by type (gc-tracked):")
    for name, grown in sorted(((k, now[k] - counts.get(k, 0)) for k in now), key=lambda kv: -kv[1])[:top]:
        print(f"  {grown:+8d} {name} (now {now[name]})")


def random_edits(
    kept: list, edits: int, hot: int | None, config: object, growth_from: int | None = None, top: int = 25
) -> None:
    """``bench/soak.py``'s random edits over the open documents, in process (the soak without a
    server): each edited document becomes hot, the one that falls out of the hot set goes idle.
    ``growth_from``: trace the allocations from that edit on and print what the later edits keep."""
    import random

    from soak import apply, random_edit

    from landguard.engine.analyze import Analysis

    rng = random.Random(1)
    texts = [document.text for document, *_ in kept]
    order = list(range(len(kept)))  # least recently analysed first
    hot_now = set(order if hot is None else order[-hot:])
    since = counts = None
    for n in range(edits):
        if n == growth_from:
            gc.collect()
            counts = _object_counts()
            tracemalloc.start(1)
            since = tracemalloc.take_snapshot()
        index = rng.randrange(len(kept))
        document, analysis, cache, _ = kept[index]
        change, new_text = random_edit(rng, texts[index])
        texts[index] = apply(texts[index], change, new_text)
        start, end = change["start"], change["end"]
        line_change = document.apply_change(
            (start["line"], start["character"], end["line"], end["character"]), new_text
        )
        assert isinstance(analysis, Analysis)
        kept[index] = (
            document,
            analysis,
            cache,
            cache.convert(analysis.run([line_change]), document, True, [line_change]),
        )
        order.remove(index)
        order.append(index)
        hot_now.add(index)
        if hot is not None and len(order) > hot and order[-hot - 1] in hot_now:
            idle = order[-hot - 1]
            hot_now.discard(idle)
            other, other_analysis, other_cache, other_diagnostics = kept[idle]
            copy = other.idle_copy()
            other_analysis.replace_document(copy)
            kept[idle] = (copy, other_analysis, other_cache, other_diagnostics)
        if n % 100 == 99:
            gc.collect()
            print(
                f"{n + 1:6d} edits: RSS {rss_mb():.0f} MB, {sys.getallocatedblocks():,} Python blocks, "
                f"text {sum(map(len, texts)):,} characters, {sum(len(k[3]) for k in kept)} diagnostics",
                flush=True,
            )
    if since is not None and counts is not None:
        _print_growth(since, counts, top)
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path("/work/realworld-cache"))
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--hot", type=int, help="documents kept whole (default: the server's HOT_DOCUMENTS)")
    parser.add_argument(
        "--first-edit",
        action="store_true",
        help="only the CPU of the first edit of an idle copy vs a hot edit",
    )
    parser.add_argument(
        "--malloc-stats", action="store_true", help="pymalloc's arenas and free space after closing"
    )
    parser.add_argument("--no-trace", action="store_true", help="RSS only (tracemalloc slows and inflates)")
    parser.add_argument(
        "--edits",
        type=int,
        default=0,
        help="then this many random soak edits (bench/soak.py's) spread over the documents, RSS every 100",
    )
    parser.add_argument(
        "--growth",
        type=int,
        metavar="EDIT",
        help="with --edits and --no-trace: trace from this edit on and print what the later edits keep",
    )
    args = parser.parse_args()

    from landguard.engine.analyze import Analysis
    from landguard.engine.config import Config
    from landguard.engine.document import Document
    from landguard.engine.registry import all_checks
    from landguard.lsp import scheduler
    from landguard.lsp.convert import DiagnosticCache

    hot = args.hot if args.hot is not None else getattr(scheduler, "HOT_DOCUMENTS", None)
    if not hasattr(Document, "idle_copy"):
        hot = None

    texts = []
    for name in FILES:
        path = args.cache / "edit-curve" / name
        if not path.exists():
            sys.exit(f"missing {path} (bench/edit_curve.py describes where it comes from)")
        lines = path.read_text(encoding="utf-8").split("\n")[: args.lines]
        texts.append((path, "\n".join(lines) + "\n"))
    all_checks()
    config = Config()
    if args.first_edit:
        for path, text in texts:
            first_edit_cost(path, text, config)
        return
    # Warm up: one document of each language, so imports and one-off tables are not counted.
    for path, text in texts:
        warm = Document(text, path=str(path), language_id=LANGUAGE_IDS[path.suffix])
        DiagnosticCache().convert(Analysis(warm, config).run(), warm, True, [])
    del warm
    try:  # as the server does after its first diagnostics
        from landguard.engine.registry import warm_lazy_imports
    except ImportError:  # versions without it
        pass
    else:
        warm_lazy_imports()
    gc.collect()
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    if not args.no_trace:
        tracemalloc.start(1)
    before_rss = rss_mb()
    before = tracemalloc.take_snapshot() if not args.no_trace else None
    started = time.process_time()
    kept = []
    for index in range(args.documents):
        path, text = texts[index % len(texts)]
        comment = "//" if path.suffix != ".py" else "#"
        text = f"{comment} copy {index}\n{text}"
        document = Document(
            text, path=str(path.with_name(f"mem{index}{path.suffix}")), language_id=LANGUAGE_IDS[path.suffix]
        )
        analysis = Analysis(document, config)
        cache = DiagnosticCache()
        diagnostics = cache.convert(analysis.run(), document, True, [])
        kept.append((document, analysis, cache, diagnostics))
        if hot is not None and len(kept) > hot:
            # As the scheduler does once a document falls out of the hot set.
            idle, idle_analysis, idle_cache, idle_diagnostics = kept[-hot - 1]
            copy = idle.idle_copy()
            idle_analysis.replace_document(copy)
            kept[-hot - 1] = (copy, idle_analysis, idle_cache, idle_diagnostics)
            del idle
    cpu = time.process_time() - started
    gc.collect()
    open_rss = rss_mb()
    print(f"opened {args.documents} x {args.lines} lines in {cpu:.1f} s CPU, {hot} kept whole")
    print(f"RSS: {before_rss:.0f} MB before, {open_rss:.0f} MB open (+{open_rss - before_rss:.0f} MB)")
    if before is not None:
        after = tracemalloc.take_snapshot()
        stats = after.compare_to(before, "lineno")
        total = sum(s.size_diff for s in stats)
        print(
            f"tracemalloc: +{total / 2**20:.1f} MB retained ({total / args.documents / 1024:.0f} KB/document)"
        )
        by_file: dict[str, int] = {}
        for s in stats:
            by_file[s.traceback[0].filename] = by_file.get(s.traceback[0].filename, 0) + s.size_diff
        print("by file:")
        for name, size in sorted(by_file.items(), key=lambda kv: -kv[1])[:12]:
            print(f"  {size / 2**20:7.1f} MB  {name}")
        print("by line:")
        for s in stats[: args.top]:
            frame = s.traceback[0]
            print(f"  {s.size_diff / 2**20:7.1f} MB {s.count_diff:8d}  {frame.filename}:{frame.lineno}")
    if args.edits:
        random_edits(kept, args.edits, hot, config, args.growth, args.top)
    del kept
    gc.collect()
    closed_rss = rss_mb()
    if before is not None:
        closed = tracemalloc.take_snapshot().compare_to(before, "lineno")
        left = sum(s.size_diff for s in closed)
        print(f"closed: tracemalloc +{left / 2**20:.1f} MB still held, by line:")
        for s in closed[: args.top]:
            frame = s.traceback[0]
            print(f"  {s.size_diff / 2**20:7.2f} MB {s.count_diff:8d}  {frame.filename}:{frame.lineno}")
    print(f"closed: RSS {closed_rss:.0f} MB")
    if args.malloc_stats:
        print(f"closed: pymalloc {malloc_summary()}")


if __name__ == "__main__":
    main()
