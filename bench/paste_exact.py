"""Incremental == fresh on real files, for the pastes ``edit_curve.py`` makes: per file, 5 pastes each
of 1, 10 and 40 lines (lines copied from elsewhere in the file, pasted at the start of a line, then
removed), each followed by the incremental ``Analysis.run`` and a fresh analysis of the same text;
their findings must be equal wherever the incremental tree is the one a fresh parse gives (error
recovery may differ, as the property tests allow). Prints how many were compared.

    .venv/bin/python bench/paste_exact.py FILE...
"""

from __future__ import annotations

import argparse
from pathlib import Path

from places import paste_places

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document


def check(path: Path, config: Config) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    document = Document(text, path=str(path))
    analysis = Analysis(document, config)
    analysis.run()
    compared = skipped = 0
    for size in (1, 10, 40):
        for n, _source, block in paste_places(lines, size, 5):
            found = analysis.run([document.apply_change((n, 0, n, 0), block)])
            fresh = Document(document.text, path=str(path))
            if str(fresh.tree.root_node) == str(document.tree.root_node):
                if found != Analysis(fresh, config).run():
                    raise SystemExit(
                        f"{path.name}: a {size}-line paste at line {n + 1} differs from a fresh scan"
                    )
                compared += 1
            else:
                skipped += 1
            analysis.run([document.apply_change((n, 0, n + size, 0), "")])
    print(f"{path.name}: {compared} pastes equal to a fresh scan, {skipped} not compared (another tree)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    config = Config(dependencies=DependencySettings(online=False))
    for path in args.files:
        check(path, config)


if __name__ == "__main__":
    main()
