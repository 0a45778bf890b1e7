"""The soak's edits replayed in process, one analysis at a time: which edit makes the RSS step.

``bench/soak.py --open-files N`` draws its edits from ``random.Random(seed)``: a document
(``rng.choice``), then ``random_edit`` on that document's text. The sequence depends only on the
seed and the texts, so it can be replayed without a server, in the order the server gets them:
``bench/memory_profile.py``'s documents (a ``Document``, its ``Analysis``, a ``DiagnosticCache``,
all but the ``HOT_DOCUMENTS`` analysed last swapped for their idle copies), one ``Analysis.run``
per edit. For every edit from ``--from`` to ``--to`` it records the RSS and pymalloc's allocated
blocks before and after, and the CPU of the analysis; with ``--trace`` also the ``tracemalloc``
peak of that analysis above what was live before it (tracemalloc slows the runs 2-3x, so it is
started at ``--from``). Prints the edits whose RSS grew most and those with the largest peaks.

    .venv/bin/python bench/soak_replay.py --cache CACHE --to 2000 [--from 1700 --trace] [--top 15]
    .venv/bin/python bench/soak_replay.py --cache CACHE --from 1700 --to 2000 --dump 1834 /tmp/edit-1834
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

from memory_profile import FILES, LANGUAGE_IDS
from soak import apply, random_edit

_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE_MB


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def census(kept: list, top: int) -> None:
    """The gc-tracked objects by type, and how many of them each document holds: reachable from
    its document, analysis and diagnostics cache, or from the values other modules keep weakly
    keyed by its document (an object two documents reach counts for the first). What no document
    reaches is held by the modules (shared caches) or is garbage of a cycle."""
    import collections
    import types
    import weakref

    from landguard.engine.document import Document

    gc.collect()
    everything = gc.get_objects()
    by_type = collections.Counter(type(o).__name__ for o in everything)
    keyed: dict[int, list] = collections.defaultdict(list)
    for o in everything:
        if isinstance(o, weakref.WeakKeyDictionary):
            for key, value in list(o.items()):
                if isinstance(key, Document):
                    keyed[id(key)].append(value)
    stop = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.CodeType, Document)
    seen: set[int] = set()
    per_document = []
    by_root: collections.Counter = collections.Counter()  # over all documents: analysis.X, cache.X, weak[T]
    for document, analysis, cache in kept:
        count = collections.Counter()
        seen.add(id(document))
        roots = [(f"analysis.{k}", v) for k, v in vars(analysis).items()]
        roots += [(f"cache.{k}", v) for k, v in vars(cache).items()]
        roots += [(f"weak[{type(v).__name__}]", v) for v in keyed.get(id(document), [])]
        for root, value in roots:
            stack = [value]
            while stack:
                o = stack.pop()
                if id(o) in seen or isinstance(o, stop):
                    continue
                seen.add(id(o))
                count[type(o).__name__] += 1
                by_root[root] += 1
                stack.extend(gc.get_referents(o))
        per_document.append((sum(count.values()), Path(document.path).name, count))
    held = sum(n for n, *_ in per_document)
    print(f"census: {len(everything):,} gc-tracked objects; reached from documents {held:,}")
    for n, name, count in sorted(per_document, key=lambda t: -t[0])[:top]:
        print(f"  {n:9,d} {name}: " + ", ".join(f"{k} {v}" for k, v in count.most_common(6)))
    print("  by what holds them: " + ", ".join(f"{k} {v:,}" for k, v in by_root.most_common(top)))
    print("  by type (all): " + ", ".join(f"{k} {v}" for k, v in by_type.most_common(12)))
    del everything


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path("/work/realworld-cache"))
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--from", dest="start", type=int, default=0, help="first edit recorded (0-based)")
    parser.add_argument("--to", type=int, default=2000, help="stop after this many edits")
    parser.add_argument("--trace", action="store_true", help="tracemalloc peak of each recorded analysis")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--json", type=Path, help="write every recorded edit here")
    parser.add_argument(
        "--census", type=int, default=0, help="every this many edits: what each document holds"
    )
    parser.add_argument(
        "--dump",
        nargs=2,
        metavar=("EDIT", "DIR"),
        help="write that edit's document text before it, its change and its path to DIR",
    )
    args = parser.parse_args()

    from landguard.engine.analyze import Analysis
    from landguard.engine.config import Config
    from landguard.engine.document import Document
    from landguard.engine.registry import all_checks, warm_lazy_imports
    from landguard.lsp.convert import DiagnosticCache
    from landguard.lsp.scheduler import HOT_DOCUMENTS

    sources = []
    for name in FILES:
        path = args.cache / "edit-curve" / name
        head = path.read_text(encoding="utf-8").split("\n")[: args.lines]
        sources.append((path, "\n".join(head) + "\n"))
    all_checks()
    config = Config()
    warm_lazy_imports()

    kept = []  # [document, analysis, cache]
    texts = []  # the client's view (soak.py's ``texts``)
    for index in range(args.documents):
        path, text = sources[index % len(sources)]
        text = f"{'#' if path.suffix == '.py' else '//'} copy {index}\n{text}"
        document = Document(
            text, path=str(path.with_name(f"open{index}{path.suffix}")), language_id=LANGUAGE_IDS[path.suffix]
        )
        analysis = Analysis(document, config)
        cache = DiagnosticCache()
        cache.convert(analysis.run(), document, True, [])
        kept.append([document, analysis, cache])
        texts.append(text)
        if index >= HOT_DOCUMENTS:  # as the scheduler does once a document falls out of the hot set
            idle = kept[index - HOT_DOCUMENTS]
            idle[0] = idle[0].idle_copy()
            idle[1].replace_document(idle[0])
    order = list(range(args.documents))  # least recently analysed first
    hot = set(order[-HOT_DOCUMENTS:])
    gc.collect()
    print(
        f"opened {args.documents} documents: RSS {rss_mb():.1f} MB, {sys.getallocatedblocks():,} blocks",
        flush=True,
    )

    rng = random.Random(args.seed)
    rows = []
    for n in range(args.to):
        if n == args.start and args.trace:
            tracemalloc.start(1)
        index = rng.randrange(len(kept))  # rng.choice(uris) in soak.py: the same draw
        change, new_text = random_edit(rng, texts[index])
        if args.dump and n == int(args.dump[0]):
            out = Path(args.dump[1])
            out.mkdir(parents=True, exist_ok=True)
            (out / "before.txt").write_text(kept[index][0].text, encoding="utf-8", newline="")
            (out / "edit.json").write_text(
                json.dumps(
                    {"path": kept[index][0].path, "change": change, "new_text": new_text, "hot": index in hot}
                ),
                encoding="utf-8",
            )
        texts[index] = apply(texts[index], change, new_text)
        document, analysis, cache = kept[index]
        start, end = change["start"], change["end"]
        recorded = n >= args.start
        if recorded:
            rss_before, blocks_before, cpu_before = rss_mb(), sys.getallocatedblocks(), cpu()
            if args.trace:
                traced_before = tracemalloc.get_traced_memory()[0]
                tracemalloc.reset_peak()
        line_change = document.apply_change(
            (start["line"], start["character"], end["line"], end["character"]), new_text
        )
        cache.convert(analysis.run([line_change]), document, True, [line_change])
        if recorded:
            row = {
                "edit": n,
                "document": index,
                "file": Path(document.path).name,
                "was_hot": index in hot,
                "piece": new_text[:12],
                "characters": len(document.text),
                "cpu_ms": round((cpu() - cpu_before) * 1000, 1),
                "rss_step_mb": round(rss_mb() - rss_before, 2),
                "rss_mb": round(rss_mb(), 1),
                "blocks_step": sys.getallocatedblocks() - blocks_before,
            }
            if args.trace:
                row["peak_mb"] = round((tracemalloc.get_traced_memory()[1] - traced_before) / 2**20, 2)
            rows.append(row)
        assert document.text == texts[index], f"edit {n}: the replay's text differs from the client's"
        # The scheduler's hot set: the edited document is hot, the least recent one beyond goes idle.
        order.remove(index)
        order.append(index)
        hot.add(index)
        if len(order) > HOT_DOCUMENTS and order[-HOT_DOCUMENTS - 1] in hot:
            idle = order[-HOT_DOCUMENTS - 1]
            hot.discard(idle)
            copy = kept[idle][0].idle_copy()
            kept[idle][1].replace_document(copy)
            kept[idle][0] = copy
        if n % 250 == 249:
            print(
                f"{n + 1:6d} edits: RSS {rss_mb():.1f} MB, {sys.getallocatedblocks():,} blocks, "
                f"{time.strftime('%H:%M:%S')}",
                flush=True,
            )
        if args.census and n % args.census == args.census - 1:
            census(kept, args.top)
    keys = [
        "edit",
        "document",
        "file",
        "was_hot",
        "piece",
        "characters",
        "cpu_ms",
        "rss_step_mb",
        "blocks_step",
    ]
    if args.trace:
        keys.append("peak_mb")
    for title, key in (("RSS steps", "rss_step_mb"), ("tracemalloc peaks", "peak_mb"), ("CPU", "cpu_ms")):
        if key not in keys:
            continue
        print(f"largest {title}:")
        for row in sorted(rows, key=lambda r: -r[key])[: args.top]:
            print("  " + "  ".join(f"{k}={row[k]!r}" for k in keys))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
