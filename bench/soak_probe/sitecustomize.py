"""A probe inside the language server under ``bench/soak.py``: live data against resident memory.

Put this folder first on ``PYTHONPATH`` and set ``LANDGUARD_SOAK_PROBE=FILE``; the server process
(``python -m landguard.lsp``, not the client) then appends a line to FILE every 30 s: its RSS,
pymalloc's allocated blocks (``sys.getallocatedblocks``), glibc's heap (``mallinfo2``: arena bytes,
large mmaps, bytes in use, free bytes inside the heap) and, every 2 minutes, the gc-tracked
objects that grew most by type. Samples land at any point of an analysis, so the lowest block
count over a few samples is the live data; an RSS that climbs while it does not is the allocator
keeping what analyses' garbage spread over (``docs/benchmarks.md``, branch ``soak``).

    LANDGUARD_SOAK_PROBE=/tmp/probe.txt PYTHONPATH=bench/soak_probe:server .venv/bin/python bench/soak.py ...
"""

import os
import sys

_OUT = os.environ.get("LANDGUARD_SOAK_PROBE")

if _OUT and "landguard.lsp" in " ".join(sys.orig_argv):
    import collections
    import ctypes
    import gc
    import threading
    import time

    class _MallInfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()
        ]

    _LIBC = ctypes.CDLL(None)
    _LIBC.mallinfo2.restype = _MallInfo2

    def _rss_mb() -> float:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024

    def _sample_forever(out: str) -> None:
        counts: collections.Counter | None = None
        for n in range(1, sys.maxsize):
            time.sleep(30)
            heap = _LIBC.mallinfo2()
            line = (
                f"{time.strftime('%H:%M:%S')} rss {_rss_mb():.1f} pyblocks {sys.getallocatedblocks()} "
                f"c_arena {heap.arena / 2**20:.1f} c_mmap {heap.hblkhd / 2**20:.1f} "
                f"c_inuse {heap.uordblks / 2**20:.1f} c_free {heap.fordblks / 2**20:.1f}"
            )
            # The server's collector (gc_policy.Collector): its full collections so far, and what
            # the last one froze (frozen garbage waits for the next one).
            collectors = [o for o in gc.get_objects() if type(o).__name__ == "Collector"]
            if collectors:
                line += f" collections {collectors[0].collections} runs {collectors[0].runs}"
            line += f" frozen {gc.get_freeze_count()}"
            if n % 4 == 0:
                now = collections.Counter(type(o).__name__ for o in gc.get_objects())
                if counts is not None:
                    grown = sorted(((k, now[k] - counts.get(k, 0)) for k in now), key=lambda kv: -kv[1])
                    line += " | " + ", ".join(f"{k} {d:+d}" for k, d in grown[:10])
                counts = now
            with open(out, "a") as sink:
                sink.write(line + "\n")

    _SERVERS: list = []

    def _census(out: str) -> None:
        """What each open document holds (``bench/soak_replay.census``, inside the server): objects
        reachable from its ``OpenDocument`` and from the values modules keep weakly keyed by its
        ``Document``. Read on this thread while analyses run: an approximation."""
        import types
        import weakref

        from landguard.engine.document import Document

        if not _SERVERS:
            return
        keyed: dict = collections.defaultdict(list)
        for o in gc.get_objects():
            if isinstance(o, weakref.WeakKeyDictionary):
                try:
                    for key, value in list(o.items()):
                        if isinstance(key, Document):
                            keyed[id(key)].append(value)
                except RuntimeError:
                    pass
        stop = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.CodeType)
        seen: set = set()
        rows = []
        for doc in list(_SERVERS[0].documents.values()):
            count: collections.Counter = collections.Counter()
            stack = [doc, *keyed.get(id(doc.document), [])]
            while stack:
                o = stack.pop()
                if (
                    id(o) in seen
                    or isinstance(o, stop)
                    or (isinstance(o, Document) and o is not doc.document)
                ):
                    continue
                seen.add(id(o))
                count[type(o).__name__] += 1
                stack.extend(gc.get_referents(o))
            rows.append((sum(count.values()), doc.uri.rsplit("/", 1)[-1], count))
        rows.sort(key=lambda r: -r[0])
        with open(out, "a") as sink:
            sink.write(
                f"census {time.strftime('%H:%M:%S')}: documents hold {sum(r[0] for r in rows):,} objects\n"
            )
            for n, name, count in rows[:8]:
                sink.write(
                    f"  {n:9,d} {name}: " + ", ".join(f"{k} {v}" for k, v in count.most_common(8)) + "\n"
                )

    def _capture_server() -> None:
        from landguard.lsp import server as server_module

        original = server_module.LandguardServer.__init__

        def init(self, *args, **kwargs):
            original(self, *args, **kwargs)
            _SERVERS.append(self)

        server_module.LandguardServer.__init__ = init

    def _census_forever(out: str) -> None:
        while True:
            time.sleep(120)
            try:
                _census(out)
            except Exception as exc:  # a probe must not take the server down
                with open(out, "a") as sink:
                    sink.write(f"census failed: {exc!r}\n")

    if os.environ.get("LANDGUARD_SOAK_CENSUS"):
        _capture_server()
        threading.Thread(target=_census_forever, args=(_OUT,), daemon=True).start()
    threading.Thread(target=_sample_forever, args=(_OUT,), daemon=True).start()
