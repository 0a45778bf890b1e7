"""Detection never imports libcst: it is needed only to build Python quick fixes (issue #15, cold
start). Loading it costs a fresh process a few hundred milliseconds before its first diagnostics,
so it is imported by the code that builds a fix, when a finding has one. Loading the checks also
leaves out what only dependency version ranges and registry lookups need."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import landguard.lsp

# Findings of Python code rules without a fix (LG202 and LG204 offer none here), a secret (its fix is
# plain text), a JavaScript and a Java file: everything runs, nothing needs libcst.
NO_LIBCST_FIX = textwrap.dedent(
    """
    import os, pickle
    from flask import Flask, request
    app = Flask(__name__)
    AWS_KEY = "AKIAIOSFODNN7EXAMPLQ"

    @app.route("/run")
    def run():
        data = request.args["d"]
        obj = pickle.loads(data)
        os.system("ls " + data)
        return str(obj)
    """
)
# Needed only to order dependency versions (packaging, nodesemver) and to ask a registry.
ONLY_ON_DEMAND = ["packaging", "nodesemver", "http.client"]
# LG206 (weak hash) fixes `hashlib.md5(...)` with a libcst rewrite.
LIBCST_FIX = "import hashlib\n\ndigest = hashlib.md5(b'data').hexdigest()\n"

PROBE = """
import json, sys
from landguard.engine.analyze import analyze_text
from landguard.engine.config import Config
from landguard.engine.registry import all_checks

all_checks()
report = {"after_loading_checks": "libcst" in sys.modules}
report["others_after_loading"] = [m for m in sys.argv[3:] if m in sys.modules]
findings = analyze_text(sys.argv[1], Config(), path="app.py")
findings += analyze_text("el.innerHTML = location.hash;\\n", Config(), path="a.js")
findings += analyze_text(
    "class A { Object f() throws Exception { return java.security.MessageDigest.getInstance(\\"MD5\\"); } }\\n",
    Config(),
    path="A.java",
)
report["after_detection"] = "libcst" in sys.modules
report["findings"] = sorted({(f.rule_id, len(f.fixes)) for f in findings})
fixed = analyze_text(sys.argv[2], Config(), path="fix.py")
report["fix_edits"] = [e.new_text for f in fixed for fix in f.fixes for e in fix.edits]
report["after_fix"] = "libcst" in sys.modules
print(json.dumps(report))
"""


def _probe() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, NO_LIBCST_FIX, LIBCST_FIX, *ONLY_ON_DEMAND],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_detection_does_not_import_libcst_and_fixes_still_do():
    report = _probe()
    rules = {rule for rule, _ in report["findings"]}
    # Detection really ran: Python code rules, secrets, JavaScript and Java all reported.
    assert {"LG101", "LG202", "LG204"} <= rules, report
    assert any(rule.startswith("LG3") for rule in rules), report
    assert any(rule.startswith("LG4") for rule in rules), report
    assert not report["after_loading_checks"], "loading the checks imported libcst"
    assert not report["others_after_loading"], "loading the checks imported them"
    assert not report["after_detection"], "detecting (no libcst fix built) imported libcst"
    # A finding with a libcst fix still gets it, built on demand.
    assert any("usedforsecurity=False" in text for text in report["fix_edits"]), report
    assert report["after_fix"]


# The language server's start (issue #15, cold start): importing it loads pygls and our handlers,
# not the checks (discovered while the client starts up) nor what only fixes and lookups need;
# and the generated-code cache is installed before pygls' types are imported, or it serves nothing.
SERVER_PROBE = """
import json, sys
import landguard.lsp.generated_code as generated_code

installed_before_types = "lsprotocol" not in sys.modules and "attr" not in sys.modules
import landguard.lsp.server

print(json.dumps({
    "installed_before_types": installed_before_types,
    "loaded": [m for m in sys.argv[1:] if m in sys.modules],
}))
"""
NOT_AT_SERVER_START = ["libcst", "detect_secrets", "landguard.checks", *ONLY_ON_DEMAND]


def test_the_server_starts_without_checks_fixes_or_lookups_and_caches_generated_code():
    result = subprocess.run(
        [sys.executable, "-c", SERVER_PROBE, *NOT_AT_SERVER_START],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout)
    assert report["installed_before_types"], "the generated-code cache module imports pygls' types"
    assert report["loaded"] == [], report
    main = (Path(landguard.lsp.__file__).parent / "__main__.py").read_text(encoding="utf-8")
    assert main.index("generated_code.install()") < main.index("landguard.lsp.server"), (
        "python -m landguard.lsp imports the server before installing the generated-code cache"
    )


PRELOAD_PROBE = """
import json, sys
from landguard.batch import _preload
_preload([(path, path, None) for path in sys.argv[1:]])
print(json.dumps({name: name in sys.modules for name in ("detect_secrets", "libcst")}))
"""


def _preloaded(*paths: str) -> dict[str, bool]:
    done = subprocess.run(
        [sys.executable, "-c", PRELOAD_PROBE, *paths], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_a_parallel_check_loads_what_the_checks_import_lazily_before_forking() -> None:
    """``landguard check`` over many files loads, before forking its workers, what the checks of
    the files' languages would each import on first use: once, shared, instead of once per worker.
    libcst only when there are Python files (their fixes build with it)."""
    assert _preloaded("lib/a.js", "lib/b.js") == {"detect_secrets": True, "libcst": False}
    assert _preloaded("lib/a.js", "pkg/mod.py") == {"detect_secrets": True, "libcst": True}


BATCH_PROBE = """
import json, sys
from landguard import batch
from landguard.engine.config import Config
result = batch.run_check(sys.argv[1:], Config(), use_cache=False, jobs=1)
print(json.dumps({
    "findings": sorted({f.rule_id for file in result.files for f in file.findings}),
    # Packages with a rule module loaded (helpers such as checks.python._web serve other languages too).
    "packages": sorted({
        m.split(".")[2] for m in sys.modules
        if m.startswith("landguard.checks.") and m.count(".") == 3 and not m.split(".")[3].startswith("_")
    }),
}))
"""


def _batch(*paths: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", BATCH_PROBE, *map(str, paths)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_a_batch_loads_the_checks_of_its_files_languages_only(tmp_path: Path) -> None:
    """``landguard check`` of a tree loads the common checks and those of the languages its files
    are in: a tree of JavaScript does not import the Python and Java rules; with a Python file among
    them, the Python rules load (and run) too."""
    (tmp_path / "a.js").write_text("el.innerHTML = location.hash;\n", encoding="utf-8")
    (tmp_path / "b.js").write_text("const x = 1;\n", encoding="utf-8")
    report = _batch(tmp_path / "a.js", tmp_path / "b.js")
    assert "java" not in report["packages"] and "python" not in report["packages"], report
    assert "javascript" in report["packages"] and "secrets" in report["packages"], report
    assert any(rule.startswith("LG3") for rule in report["findings"]), report
    (tmp_path / "c.py").write_text(NO_LIBCST_FIX, encoding="utf-8")
    report = _batch(tmp_path / "a.js", tmp_path / "b.js", tmp_path / "c.py")
    assert "python" in report["packages"] and "java" not in report["packages"], report
    assert any(rule.startswith("LG2") for rule in report["findings"]), report


CHECK_PROBE = """
import io, json, sys
from landguard.cli import main
out = sys.stdout
sys.stdout = io.StringIO()
code = main(["check", *sys.argv[2:], "--no-cache", "--offline", "--format", "json", "-j", "1"])
report = json.loads(sys.stdout.getvalue())
sys.stdout = out
print(json.dumps({
    "code": code,
    "rules": sorted({f["rule"] for f in report["findings"]}),
    "loaded": [m for m in sys.argv[1].split(",") if m in sys.modules],
}))
"""
# What only a parallel scan (worker processes), --fix/--diff, --diff-base/--staged, registry
# lookups (sockets, a thread pool) need; and, the files being JavaScript, Python's syntax and rules
# (the dependency checks read Python imports, LG321 asks whether a name holds a secret).
NOT_IN_A_PLAIN_CHECK = [
    "landguard.languages.python",
    "landguard.languages.python_syntax",
    "landguard.checks.python._web",
    "multiprocessing",
    "concurrent.futures.process",
    "concurrent.futures.thread",
    "difflib",
    "landguard.changed_lines",
    "socket",
    "tomllib",  # no project file to read, and the shipped models' TOML comes from the start-up cache
]


def test_a_one_process_check_imports_none_of_what_only_other_options_use(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("el.innerHTML = location.hash;\n", encoding="utf-8")
    (tmp_path / "b.js").write_text("const x = 1;\n", encoding="utf-8")
    for paths in ([tmp_path / "a.js"], [tmp_path]):
        done = subprocess.run(
            [sys.executable, "-c", CHECK_PROBE, ",".join(NOT_IN_A_PLAIN_CHECK), *map(str, paths)],
            capture_output=True,
            text=True,
            check=True,
        )
        report = json.loads(done.stdout)
        assert report["code"] == 1 and any(rule.startswith("LG3") for rule in report["rules"]), report
        assert report["loaded"] == [], report
