"""Old tree-sitter trees kept alive by the analysis of open documents, in process (issue #15's soak).

Every incremental edit gives a document a new ``tree_sitter.Tree``; the old one shares the
unchanged subtrees, so it costs only its changed part, but only if nothing holds it. A ``Node``
holds its whole tree, and neither ``Tree`` nor ``Node`` is tracked by the garbage collector, so
``tracemalloc``, ``gc.get_objects()`` and ``gc.get_referrers`` do not show them: the native
memory of a kept tree looks like nothing in Python. This counts them directly: each tree a
document parses is recorded, and a tree whose reference count is above what the record itself
holds is kept by someone else (the document's current tree, or an old one pinned by a ``Node``).

Opens ``--documents`` documents per language (``_pydecimal.py``, ``xregexp.js``,
``ConcurrentHashMap.java`` from ``--cache``, ``--lines`` lines each), runs ``bench/soak.py``'s
random edits spread over them (each followed by the incremental analysis, as the server does),
and every ``--every`` edits prints, per language, the old trees still alive; then closes every
document and counts again (a tree alive after that is leaked for good: nothing Python can reach
holds it).

    .venv/bin/python bench/tree_retention.py [--documents 2] [--edits 300] [--every 100]
    PYTHONPATH=/tmp/before/server .venv/bin/python bench/tree_retention.py   # another version
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from soak import apply, random_edit  # noqa: E402

FILES = {"_pydecimal.py": "python", "xregexp.js": "javascript", "ConcurrentHashMap.java": "java"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path("/work/realworld-cache"))
    parser.add_argument("--documents", type=int, default=2, help="documents per language")
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--every", type=int, default=100)
    args = parser.parse_args()

    from landguard.engine.analyze import Analysis
    from landguard.engine.config import Config
    from landguard.engine.document import Document
    from landguard.engine.registry import all_checks

    # Every tree a document of this run parses, with its language (the record holds one reference).
    recorded: list[tuple[object, str]] = []
    parse = Document._parse

    def recording_parse(self: Document, old_tree: object) -> None:
        parse(self, old_tree)
        if self._tree is not None and (self.path or "").startswith("retention-"):
            recorded.append((self._tree, self.language))

    Document._parse = recording_parse  # type: ignore[method-assign]
    all_checks()
    config = Config()
    open_documents = []
    for name, language in FILES.items():
        path = args.cache / "edit-curve" / name
        if not path.exists():
            sys.exit(f"missing {path} (bench/edit_curve.py describes where it comes from)")
        text = "\n".join(path.read_text(encoding="utf-8").split("\n")[: args.lines]) + "\n"
        for index in range(args.documents):
            comment = "#" if language == "python" else "//"
            copy = f"{comment} copy {index}\n{text}"
            document = Document(copy, path=f"retention-{index}-{name}", language=language)
            analysis = Analysis(document, config)
            analysis.run()
            open_documents.append([document, analysis, copy])

    def alive(current: set[int]) -> Counter:
        gc.collect()
        probe = [object()]
        baseline = [sys.getrefcount(item) for item in probe][0]  # the record, the loop name, the call
        counts: Counter = Counter()
        for tree, language in recorded:
            if id(tree) not in current and sys.getrefcount(tree) > baseline:
                counts[language] += 1
        return counts

    rng = random.Random(1)
    for n in range(args.edits):
        entry = open_documents[rng.randrange(len(open_documents))]
        document, analysis, text = entry
        change, new_text = random_edit(rng, text)
        entry[2] = apply(text, change, new_text)
        start, end = change["start"], change["end"]
        line_change = document.apply_change(
            (start["line"], start["character"], end["line"], end["character"]), new_text
        )
        analysis.run([line_change])
        if (n + 1) % args.every == 0:
            current = {id(d._tree) for d, _, _ in open_documents}
            counts = alive(current)
            print(
                f"{n + 1:6d} edits, {len(recorded)} trees parsed: old trees alive "
                + ", ".join(f"{language} {counts[language]}" for language in FILES.values()),
                flush=True,
            )
    del open_documents, document, analysis, entry
    counts = alive(set())
    print(
        "all closed: trees alive "
        + ", ".join(f"{language} {counts[language]}" for language in FILES.values())
    )


if __name__ == "__main__":
    main()
