"""Precision on real code: scan pinned real projects fetched from the package registries.

    python bench/realworld.py             fetch what is missing, scan what has no stored result, print
    python bench/realworld.py --rescan    scan every project again (after changing Landguard)
    python bench/realworld.py --report    print the tables from the stored results only (no fetch, no scan)
    python bench/realworld.py --project flask --list   every finding of one project, with its verdict
    python bench/realworld.py --report --markdown      the tables as Markdown, for docs/precision.md

Sources come through the registries' ordinary clients: ``pip download --no-binary :all: --no-deps
NAME==VER`` (sdists carry tests and docs), ``npm pack NAME@VER``, and ``apt-get download`` of
Debian's ``openjdk-17-source`` (a few Java packages out of its ``src.zip``). Everything is pinned
and cached outside the repository, in ``/work/realworld-cache`` (``LANDGUARD_REALWORLD_CACHE``
overrides): ``dl/`` the downloads, ``src/`` the unpacked trees, ``results/`` Landguard's JSON
report per project. Needs the network only for the first fetch; not part of ``make test``.

Findings are split by the engine's own test-code judgement (``properties.testCode``), and
matched against ``bench/realworld_judgements.json``: verdicts (``tp`` / ``debatable`` / ``fp``)
given by reading the code, keyed by project, file, rule and a hash of the finding's line (the file
keeps the line only masked), so a re-run after a change reports which findings are new and which
were judged. ``--report`` re-prints the tables from the stored results in about a second.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
JUDGEMENTS = REPO / "bench" / "realworld_judgements.json"
CACHE = Path(os.environ.get("LANDGUARD_REALWORLD_CACHE", "/work/realworld-cache"))
CODE_SUFFIXES = {".py", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".java"}


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    source: str  # pypi | npm | debian
    kind: str
    subset: tuple[str, ...] = ()  # for debian: folders inside src.zip

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"


PROJECTS = (
    Project("flask", "3.0.3", "pypi", "Python web framework"),
    Project("fastapi", "0.115.0", "pypi", "Python web framework"),
    Project("starlette", "0.38.6", "pypi", "Python web framework"),
    Project("djangorestframework", "3.15.2", "pypi", "Python web framework (Django)"),
    Project("bottle", "0.13.2", "pypi", "Python web framework"),
    Project("requests", "2.32.3", "pypi", "Python HTTP client"),
    Project("httpx", "0.27.2", "pypi", "Python HTTP client"),
    Project("urllib3", "2.2.3", "pypi", "Python HTTP client"),
    Project("click", "8.1.7", "pypi", "Python CLI framework"),
    Project("pyjwt", "2.9.0", "pypi", "Python security library"),
    Project("django", "5.1.3", "pypi", "Python web framework"),
    Project("tornado", "6.4.1", "pypi", "Python web framework and HTTP client"),
    Project("aiohttp", "3.10.10", "pypi", "Python web framework and HTTP client"),
    Project("werkzeug", "3.0.4", "pypi", "Python WSGI library"),
    Project("jinja2", "3.1.4", "pypi", "Python template engine"),
    Project("paramiko", "3.5.0", "pypi", "Python SSH library"),
    Project("express", "4.21.1", "npm", "Express-style JS"),
    Project("koa", "2.15.3", "npm", "Express-style JS"),
    Project("fastify", "4.28.1", "npm", "Node web framework (JS, tests, TS types)"),
    Project("axios", "1.7.7", "npm", "JS HTTP client"),
    Project("sequelize", "6.37.3", "npm", "JS ORM"),
    Project("ejs", "3.1.10", "npm", "JS template engine"),
    Project("jsonwebtoken", "9.0.2", "npm", "JS security library"),
    Project("passport", "0.7.0", "npm", "Express authentication middleware"),
    Project("multer", "1.4.5-lts.1", "npm", "Express middleware (uploads)"),
    Project("@sveltejs/kit", "2.6.1", "npm", "JS/TS web framework (src/)"),
    Project("rxjs", "7.8.1", "npm", "TypeScript library (src/)"),
    Project("@trpc/server", "10.45.2", "npm", "TypeScript web framework (src/)"),
    # Added in the second precision pass (kinds not in the set before): a Flask extension, a
    # FastAPI extension, a Django app, Express middleware, Java servlets.
    Project("flask-login", "0.6.3", "pypi", "Flask extension (authentication)"),
    Project("fastapi-users", "13.0.0", "pypi", "FastAPI extension (users and auth routes)"),
    Project("django-filter", "24.3", "pypi", "Django app (filters for views and DRF)"),
    Project("express-session", "1.18.1", "npm", "Express middleware (sessions)"),
    Project(
        "tomcat10-examples",
        "10.1.60-1~deb12u1",
        "debian",
        "Java servlets and JSP examples (Tomcat 10)",
        subset=("usr/share/tomcat10-examples/",),
    ),
    Project(
        "openjdk-17-source",
        "17.0.21.1+2-1~deb12u1",
        "debian",
        "Java libraries (JDK: java.net, java.util.zip, javax.xml, httpserver)",
        subset=(
            "java.base/java/net/",
            "java.base/java/util/zip/",
            "java.xml/javax/xml/",
            "jdk.httpserver/",
            "java.sql/",
            "java.naming/",
            "java.base/java/security/",
            "java.base/javax/crypto/",
            "java.base/java/io/",
        ),
    ),
)


# ---------------------------------------------------------------------------- fetching


def _run(cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")


def _archive(folder: Path, before: set[Path], project: Project) -> Path:
    """The archive just downloaded, or the one a previous run left (pip and apt skip a re-download)."""
    new = [p for p in folder.iterdir() if p not in before and p.is_file()]
    if new:
        return max(new, key=lambda p: p.stat().st_mtime)
    stem = re.sub(r"[-_.]+", "[-_.]", project.name.lstrip("@").replace("/", "-"))
    version = re.escape(project.version.replace(":", "%3a"))
    for path in sorted(folder.iterdir()):
        if path.is_file() and re.match(rf"(?i)^{stem}[-_]{version}", path.name):
            return path
    raise RuntimeError(f"nothing was downloaded into {folder} for {project.key}")


def _safe_members(names: list[str]) -> None:
    for name in names:
        if name.startswith("/") or ".." in Path(name).parts:
            raise RuntimeError(f"refusing archive member outside the target: {name}")


def _unpack(archive: Path, target: Path) -> None:
    """Unpack an sdist/npm tarball or zip into ``target``, dropping the single top folder."""
    staging = target.with_name(target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as z:
            _safe_members(z.namelist())
            z.extractall(staging)
    else:
        with tarfile.open(archive) as t:
            _safe_members(t.getnames())
            t.extractall(staging, filter="data")
    children = list(staging.iterdir())
    inner = children[0] if len(children) == 1 and children[0].is_dir() else staging
    shutil.rmtree(target, ignore_errors=True)
    shutil.move(str(inner), str(target))
    shutil.rmtree(staging, ignore_errors=True)


def fetch(project: Project) -> Path:
    target = CACHE / "src" / project.key.replace("/", "__")
    if target.is_dir():
        return target
    downloads = CACHE / "dl" / project.source
    downloads.mkdir(parents=True, exist_ok=True)
    before = set(downloads.iterdir())
    print(f"fetching {project.name} {project.version} from {project.source} ...", file=sys.stderr)
    if project.source == "pypi":
        _run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps",
             "-d", str(downloads), f"{project.name}=={project.version}"],
            downloads,
        )  # fmt: skip
        _unpack(_archive(downloads, before, project), target)
    elif project.source == "npm":
        _run(["npm", "pack", "--silent", f"{project.name}@{project.version}"], downloads)
        _unpack(_archive(downloads, before, project), target)
    elif project.source == "debian":
        _run(["apt-get", "download", f"{project.name}={project.version}"], downloads)
        deb = _archive(downloads, before, project)
        extracted = downloads / (deb.stem + ".x")
        if not extracted.is_dir():
            _run(["dpkg-deb", "-x", str(deb), str(extracted)], downloads)
        src_zip = next(extracted.rglob("src.zip"), None)
        if src_zip is None:
            # A package shipping sources as files (tomcat10-examples): the folders in ``subset``.
            for folder in project.subset:
                shutil.copytree(extracted / folder, target / folder, symlinks=True)
            return target
        target.mkdir(parents=True)
        with zipfile.ZipFile(src_zip) as z:
            names = [n for n in z.namelist() if n.startswith(project.subset)]
            _safe_members(names)
            z.extractall(target, names)
    else:
        raise ValueError(project.source)
    return target


# ---------------------------------------------------------------------------- scanning


def count_loc(root: Path) -> int:
    """Non-blank lines of code files (the files Landguard's code rules read)."""
    total = 0
    for path in root.rglob("*"):
        if path.suffix in CODE_SUFFIXES and path.is_file():
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
    return total


def result_path(project: Project) -> Path:
    return CACHE / "results" / (project.key.replace("/", "__") + ".json")


def scan(project: Project, tree: Path) -> dict:
    landguard = shutil.which("landguard", path=str(Path(sys.executable).parent)) or "landguard"
    started = time.perf_counter()
    done = subprocess.run(
        [landguard, "check", ".", "--format", "json", "--offline", "--no-cache", "--fail-on", "never"],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"landguard failed on {project.key}:\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    report["bench"] = {
        "project": project.name,
        "version": project.version,
        "kind": project.kind,
        "loc": count_loc(tree),
        "seconds": round(time.perf_counter() - started, 1),
        "notices": done.stderr.splitlines(),
        "date": time.strftime("%Y-%m-%d"),
    }
    out = result_path(project)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    return report


# ---------------------------------------------------------------------------- judgements


_LONG_TOKEN = re.compile(r"[A-Za-z0-9+/=_\-.%#@!$]{12,}")


def line_text(project: Project, finding: dict) -> str:
    """The finding's line and the two after it, whitespace-collapsed: what a judgement is keyed by
    (through a hash), so that two `cursor.execute(` calls in one file stay apart, while a finding
    whose code moved up or down is still recognised."""
    path = CACHE / "src" / project.key.replace("/", "__") / finding["path"]
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    start = finding["start"]["line"] - 1
    return " ⏎ ".join(" ".join(line.split()) for line in lines[start : start + 3])


def masked(text: str, rule: str) -> str:
    """The line for display and for the judgements file; on secrets findings long tokens are
    shortened (`eyJh…PZg`), so no secret-looking value is ever repeated whole."""
    if rule.startswith("LG1"):
        text = _LONG_TOKEN.sub(lambda m: m.group(0)[:4] + "…" + m.group(0)[-3:], text)
    return text[:140]


def context_hash(context: str) -> str:
    return hashlib.sha256(context.encode()).hexdigest()[:16]


def judgement_key(project: str, path: str, rule: str, context: str) -> str:
    return f"{project}|{path}|{rule}|{context_hash(context)}"


def load_judgements() -> dict[str, dict]:
    if not JUDGEMENTS.is_file():
        return {}
    rows = json.loads(JUDGEMENTS.read_text())
    return {f"{r['project']}|{r['path']}|{r['rule']}|{r['line_hash']}": r for r in rows}


# ---------------------------------------------------------------------------- report


def is_test(finding: dict) -> bool:
    return bool(finding.get("properties", {}).get("testCode"))


def _table(headers: list[str], rows: list[list], markdown: bool) -> str:
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    if markdown:
        lines = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(headers)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in cells[1:]])
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    return "\n".join(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in cells
    )


def _rate(counter: Counter) -> str:
    judged = counter["tp"] + counter["debatable"] + counter["fp"]
    return f"{100 * counter['fp'] / judged:.1f} %" if judged else "-"


def report(projects: list[Project], list_findings: bool = False, markdown: bool = False) -> None:
    judged = load_judgements()
    per_rule: dict[str, Counter] = defaultdict(Counter)
    areas: dict[str, Counter] = defaultdict(Counter)  # the judgements' `area`: whose rules the findings are
    totals: Counter = Counter()
    project_rows = []
    for project in projects:
        path = result_path(project)
        if not path.is_file():
            print(f"{project.name}: no stored result (run without --report)")
            continue
        data = json.loads(path.read_text())
        bench = data["bench"]
        row: Counter = Counter()
        for finding in data["findings"]:
            rule = finding["rule"]
            if is_test(finding):
                per_rule[rule]["tests"] += 1
                row["tests"] += 1
                continue
            context = line_text(project, finding)
            verdict = judged.get(judgement_key(project.name, finding["path"], rule, context))
            label = verdict["verdict"] if verdict else "new"
            if verdict:
                areas[verdict.get("area", "?")][label] += 1
            per_rule[rule]["out"] += 1
            per_rule[rule][label] += 1
            row["out"] += 1
            row[label] += 1
            if list_findings:
                print(f"  [{label}] {finding['path']}:{finding['start']['line']} {rule} "
                      f"{finding['severity']}: {finding['message'][:110]}\n      | {masked(context, rule)}")  # fmt: skip
        totals.update(row)
        totals["loc"] += bench["loc"]
        kloc = bench["loc"] / 1000
        project_rows.append(
            [project.name, project.version, project.kind, f"{kloc:.1f}", row["out"],
             f"{row['out'] / max(kloc, 0.001):.2f}", row["tests"], row["tp"], row["debatable"], row["fp"],
             _rate(row), row["new"], f"{bench['seconds']:.1f}"]
        )  # fmt: skip
    kloc = totals["loc"] / 1000
    project_rows.append(
        ["total", "", "", f"{kloc:.1f}", totals["out"], f"{totals['out'] / max(kloc, 0.001):.2f}",
         totals["tests"], totals["tp"], totals["debatable"], totals["fp"], _rate(totals), totals["new"], ""]
    )  # fmt: skip
    headers = ["project", "version", "kind", "kLOC", "outside tests", "per kLOC", "in tests",
               "TP", "debatable", "FP", "FP rate", "new", "seconds"]  # fmt: skip
    print(_table(headers, project_rows, markdown))
    print()
    rule_rows = [
        [rule, c["out"], c["tests"], c["tp"], c["debatable"], c["fp"], _rate(c), c["new"]]
        for rule, c in sorted(per_rule.items())
    ]
    print(
        _table(
            ["rule", "outside tests", "in tests", "TP", "debatable", "FP", "FP rate", "new"],
            rule_rows,
            markdown,
        )
    )
    if areas:
        print()
        area_rows = [
            [area, c["tp"] + c["debatable"] + c["fp"], c["tp"], c["debatable"], c["fp"], _rate(c)]
            for area, c in sorted(areas.items())
        ]
        print(
            _table(["area (whose rules)", "judged", "TP", "debatable", "FP", "FP rate"], area_rows, markdown)
        )
    judged_count = totals["tp"] + totals["debatable"] + totals["fp"]
    if judged_count:
        print(
            f"\nFP rate outside tests: {_rate(totals)} of {judged_count} judged ({totals['new']} not judged yet)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", action="store_true", help="print from stored results only")
    parser.add_argument("--rescan", action="store_true", help="scan every project again")
    parser.add_argument("--project", action="append", help="only these projects (by name)")
    parser.add_argument("--list", action="store_true", help="list every finding outside tests")
    parser.add_argument(
        "--markdown", action="store_true", help="print the tables as Markdown (docs/precision.md)"
    )
    args = parser.parse_args(argv)
    projects = [p for p in PROJECTS if not args.project or p.name in args.project]
    if not args.report:
        for project in projects:
            tree = fetch(project)
            if args.rescan or not result_path(project).is_file():
                print(f"scanning {project.key} ...", file=sys.stderr)
                scan(project, tree)
    report(projects, list_findings=args.list, markdown=args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
