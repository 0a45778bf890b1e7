"""The AI-era rules (LG601-LG606) on real projects' sources and documentation: how quiet they stay.

Security writing is where prompt-injection phrases occur most in honest text (Django's security
docs, cryptography's, a README that warns about `curl | sh`), so these are the files LG603 must
stay quiet on. The sources are the packages' sdists from PyPI, fetched once with
`pip download --no-binary :all: --no-deps NAME==VERSION` into /work/realworld-cache/sdist (never
committed) and unpacked next to it. Every finding is printed, to be judged by reading it.

Usage: .venv/bin/python bench/ai_realworld.py [--cache /work/realworld-cache]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import time
from collections import Counter
from pathlib import Path

from landguard.engine.analyze import analyze_text
from landguard.engine.config import Config, DependencySettings
from landguard.engine.languages import detect_language

PACKAGES = [
    "django==5.0.6",
    "cryptography==42.0.8",
    "requests==2.32.3",
    "flask==3.0.3",
    "pip==24.0",
    "langchain-core==0.2.10",
]
PROSE = {"markdown", "text"}
PROSE_SUFFIXES = (".rst", ".txt", ".md", ".html")
CODE_SUFFIXES = (".py", ".js", ".ts", ".sh", ".json", ".toml", ".yaml", ".yml", ".cfg")


def fetch(cache: Path) -> list[Path]:
    sdists = cache / "sdist"
    sdists.mkdir(parents=True, exist_ok=True)
    folders = []
    for spec in PACKAGES:
        name, version = spec.split("==")
        stem = f"{name.replace('-', '_')}-{version}"
        found = [p for p in sdists.iterdir() if p.name.lower().startswith(stem.lower()) and p.suffix == ".gz"]
        if not found:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-binary",
                    ":all:",
                    "--no-deps",
                    spec,
                    "-d",
                    str(sdists),
                ],
                check=True,
            )
            found = [p for p in sdists.iterdir() if p.name.lower().startswith(stem.lower())]
        target = cache / "extracted"
        folder = target / found[0].name.removesuffix(".tar.gz")
        if not folder.exists():
            with tarfile.open(found[0]) as archive:
                archive.extractall(target, filter="data")
        folders.append(folder)
    return folders


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path("/work/realworld-cache"))
    args = parser.parse_args()
    config = Config(select=("LG6",), dependencies=DependencySettings(online=False))
    totals: Counter[str] = Counter()
    findings_by_rule: Counter[str] = Counter()
    started = time.perf_counter()
    for folder in fetch(args.cache):
        per_project: Counter[str] = Counter()
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or not path.name.endswith(PROSE_SUFFIXES + CODE_SUFFIXES):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            kind = "prose" if detect_language(str(path)) in PROSE or path.suffix == ".rst" else "code"
            totals[f"{kind} files"] += 1
            totals[f"{kind} lines"] += text.count("\n") + 1
            per_project[kind] += 1
            for finding in analyze_text(text, config, path=str(path)):
                findings_by_rule[finding.rule_id] += 1
                line = text.splitlines()[finding.span.start_line].strip()[:140] if text else ""
                print(
                    f"{path.relative_to(folder.parent)}:{finding.span.start_line + 1}: {finding.rule_id} {finding.message}"
                )
                print(f"    {line}")
        print(f"# {folder.name}: {per_project['prose']} prose files, {per_project['code']} code files")
    print(f"# totals: {dict(totals)}; findings: {dict(findings_by_rule) or 'none'}")
    print(f"# {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
