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
            if n % 4 == 0:
                now = collections.Counter(type(o).__name__ for o in gc.get_objects())
                if counts is not None:
                    grown = sorted(((k, now[k] - counts.get(k, 0)) for k in now), key=lambda kv: -kv[1])
                    line += " | " + ", ".join(f"{k} {d:+d}" for k, d in grown[:10])
                counts = now
            with open(out, "a") as sink:
                sink.write(line + "\n")

    threading.Thread(target=_sample_forever, args=(_OUT,), daemon=True).start()
