"""Rebuild the offline registry snapshot Landguard's dependency checks (LG501/LG502) use.

Usage::

    python server/landguard/data/build_registry_snapshot.py PYPI_TSV NPM_TSV [--out DIR] [--date YYYY-MM-DD]

Inputs are tab-separated package lists with a header line:

- PyPI: ``name  version  month  rank_among_15000_most_downloaded  summary``
- npm:  ``name  version  downloads_a_month  summary``

Outputs (in ``--out``, default: this folder):

- ``pypi-names.bin`` / ``npm-names.bin``: every normalized name as a 40-bit hash, sorted, so
  ``RegistrySnapshot`` can answer "does this name exist?" by binary search over an mmap without
  loading a million strings (see README.md for why and the measurements);
- ``pypi-popular.txt`` / ``npm-popular.txt``: the most downloaded names, one per line, most popular
  first (the line number is the rank); the look-alike check compares against these;
- ``snapshot.json``: date, sources and counts.

Only the standard library is used, and nothing is fetched: the lists are read from the paths given.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import re
import sys
from pathlib import Path

MAGIC = b"LGNAMES1"
HASH_BYTES = 5
POPULAR_COUNT = 15000

_PYPI_SEPARATORS = re.compile(r"[-_.]+")


def normalize_pypi(name: str) -> str:
    """PEP 503 normalization: case-insensitive, runs of - _ . are one '-'."""
    return _PYPI_SEPARATORS.sub("-", name.strip()).lower()


def normalize_npm(name: str) -> str:
    return name.strip().lower()


def name_hash(normalized: str) -> int:
    """40-bit hash of a normalized name; must match ``snapshot.name_hash``."""
    return int.from_bytes(hashlib.blake2b(normalized.encode("utf-8"), digest_size=HASH_BYTES).digest(), "big")


def write_name_set(names: set[str], path: Path) -> None:
    hashes = sorted({name_hash(n) for n in names})
    with path.open("wb") as out:
        out.write(MAGIC)
        out.write(len(hashes).to_bytes(4, "big"))
        out.write(bytes([HASH_BYTES]))
        out.write(b"".join(h.to_bytes(HASH_BYTES, "big") for h in hashes))


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        return header, [row for row in reader if row and row[0].strip()]


def build(pypi_tsv: Path, npm_tsv: Path, out: Path, date: str) -> dict:
    out.mkdir(parents=True, exist_ok=True)

    header, rows = read_rows(pypi_tsv)
    rank_column = header.index("rank_among_15000_most_downloaded")
    pypi_names = {normalize_pypi(row[0]) for row in rows}
    ranked = sorted(
        (int(row[rank_column]), normalize_pypi(row[0]))
        for row in rows
        if len(row) > rank_column and row[rank_column].strip().isdigit()
    )
    pypi_popular = list(dict.fromkeys(name for _, name in ranked))[:POPULAR_COUNT]
    write_name_set(pypi_names, out / "pypi-names.bin")
    (out / "pypi-popular.txt").write_text("\n".join(pypi_popular) + "\n", encoding="utf-8")

    header, rows = read_rows(npm_tsv)
    downloads_column = header.index("downloads_a_month")
    npm_names = {normalize_npm(row[0]) for row in rows}
    # Scopes too ("@babel/"), so a check can tell a scope nobody publishes under (a private registry's).
    npm_names |= {name.split("/", 1)[0] + "/" for name in npm_names if name.startswith("@") and "/" in name}
    by_downloads = sorted(
        (
            (-int(row[downloads_column]), normalize_npm(row[0]))
            for row in rows
            if row[downloads_column].isdigit()
        ),
    )
    npm_popular = list(dict.fromkeys(name for _, name in by_downloads))[:POPULAR_COUNT]
    least_downloads = min(
        (int(r[downloads_column]) for r in rows if r[downloads_column].isdigit()), default=0
    )
    write_name_set(npm_names, out / "npm-names.bin")
    (out / "npm-popular.txt").write_text("\n".join(npm_popular) + "\n", encoding="utf-8")

    meta = {
        "date": date,
        "hash": f"blake2b-{HASH_BYTES * 8}",
        "pypi": {
            "source": f"PyPI package list ({pypi_tsv.name}): every project name, rank among the 15,000 most "
            "downloaded",
            "names": len(pypi_names),
            "popular": len(pypi_popular),
            "complete": True,
        },
        "npm": {
            "source": f"npm registry package list ({npm_tsv.name}): packages with at least {least_downloads} "
            "downloads a month, with their monthly downloads",
            "names": len(npm_names),
            "popular": len(npm_popular),
            "min_monthly_downloads": least_downloads,
            # The list leaves out little-used packages, so "not in the snapshot" is weaker evidence on npm.
            "complete": False,
        },
    }
    (out / "snapshot.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pypi_tsv", type=Path)
    parser.add_argument("npm_tsv", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    parser.add_argument("--date", default=None, help="snapshot date (default: the newer input file's mtime)")
    args = parser.parse_args(argv)
    date = (
        args.date
        or datetime.date.fromtimestamp(
            max(args.pypi_tsv.stat().st_mtime, args.npm_tsv.stat().st_mtime)
        ).isoformat()
    )
    meta = build(args.pypi_tsv, args.npm_tsv, args.out, date)
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
