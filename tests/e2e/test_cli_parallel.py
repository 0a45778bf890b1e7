"""``landguard check`` over many files in worker processes reports exactly what one process does.

The parallel scan hands files to workers largest first and collects them as they finish, so the
order of work differs from run to run; the reports must not. Checked byte for byte in JSON and
SARIF, cold, from the cache, after an edit, and against a baseline.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

LANDGUARD = shutil.which("landguard", path=str(Path(sys.executable).parent)) or "landguard"
EXAMPLES = Path(__file__).parents[2] / "examples"


def run(*args, cwd, cache):
    return subprocess.run(
        [LANDGUARD, *args, "--offline", "--fail-on", "never"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "LANDGUARD_CACHE_DIR": str(cache)},
    )


@pytest.fixture
def tree(tmp_path):
    """The bundled examples (secrets, dangerous calls in Python, JS, TS and Java, manifests) copied
    into sub-folders, at several sizes so that largest-first order differs from path order."""
    root = tmp_path / "project"
    for n in range(12):
        folder = root / f"pkg{n:02d}"
        shutil.copytree(EXAMPLES, folder)
        padding = "\n".join(f"value_{i} = {i}" for i in range(40 * n))
        app = folder / "app.py"
        app.write_text(padding + "\n" + app.read_text() if n % 2 else app.read_text() + padding + "\n")
    (root / "data.bin").write_bytes(b"\x00\x01binary")
    # The project's root manifest: the dependency checks look no further up (into the shared /tmp).
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\ndependencies = ["requests"]\n')
    return root


def report(tree, cache, jobs, fmt, *extra):
    done = run("check", ".", "--format", fmt, "-j", str(jobs), *extra, cwd=tree, cache=cache)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    # How many files came from the cache is the one thing allowed to differ.
    return re.sub(r'"cached": \d+', '"cached": N', done.stdout)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_parallel_report_is_byte_identical_to_one_process(tree, tmp_path, fmt):
    serial = report(tree, tmp_path / "c1", 1, fmt, "--no-cache")
    assert serial.count('"LG') > 100  # the examples' findings, twelve times over
    assert report(tree, tmp_path / "c2", 3, fmt, "--no-cache") == serial
    # Through the cache: filled in parallel, then every file read back from it.
    assert report(tree, tmp_path / "c3", 3, fmt) == serial
    assert report(tree, tmp_path / "c3", 3, fmt) == serial


def test_cache_and_baseline_give_the_same_report_in_parallel(tree, tmp_path):
    cache = tmp_path / "cache"
    report(tree, cache, 3, "json")  # fill the cache
    with (tree / "pkg05" / "app.py").open("a") as handle:
        handle.write("\nimport os\nos.system(input())\n")
    fresh = report(tree, tmp_path / "other", 1, "json", "--no-cache")
    assert report(tree, cache, 3, "json") == fresh  # the edited file re-analysed, the rest cached

    baseline = tmp_path / "baseline.json"
    made = subprocess.run(
        [LANDGUARD, "baseline", "create", ".", "-o", str(baseline), "--offline", "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "LANDGUARD_CACHE_DIR": str(tmp_path / "b")},
    )
    assert made.returncode == 0, made.stderr
    shutil.copy(EXAMPLES / "app.py", tree / "pkg07" / "new_module.py")  # findings the baseline lacks
    serial = report(tree, tmp_path / "s", 1, "json", "--no-cache", "--baseline", str(baseline))
    parallel = report(tree, cache, 3, "json", "--baseline", str(baseline))
    assert parallel == serial and '"pkg07/new_module.py"' in serial


def _children(pid: int) -> list[str]:
    """The scan's forked workers: children running the parent's own command line. Other
    children (a ``git`` listing the files) come earlier, before the SIGTERM handler is set."""
    try:
        own = Path(f"/proc/{pid}/cmdline").read_bytes()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    workers = []
    for child in children:
        try:
            if Path(f"/proc/{child}/cmdline").read_bytes() == own:
                workers.append(child)
        except OSError:
            pass
    return workers


def _scan_with_workers(tmp_path: Path) -> tuple[subprocess.Popen, list[str]]:
    """A parallel scan of 2,000 files, in its own process group, once its workers are running.

    The scan takes several seconds on a quiet machine: the test's signal must arrive while it runs
    even when a loaded machine wakes the test late (with 400 files it once came after the scan had
    ended and its SIGTERM handler was gone: exit -15 instead of 143)."""
    root = tmp_path / "big"
    root.mkdir()
    body = (EXAMPLES / "app.py").read_text()
    for n in range(2000):
        (root / f"m{n:04d}.py").write_text(
            body + "".join(f"\ndef f{i}(x):\n    return x + {i}\n" for i in range(60))
        )
    process = subprocess.Popen(
        [LANDGUARD, "check", ".", "--no-cache", "--offline", "-j", "2"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        env={**os.environ, "LANDGUARD_CACHE_DIR": str(tmp_path / "c")},
    )
    deadline = time.monotonic() + 120
    while not _children(process.pid) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    workers = _children(process.pid)
    assert workers, "the scan finished before its workers could be stopped"
    time.sleep(0.5)
    return process, workers


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to see the workers")
def test_ctrl_c_stops_the_workers_without_a_traceback(tmp_path):
    process, workers = _scan_with_workers(tmp_path)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "interrupted" in stderr and "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert all(not Path(f"/proc/{pid}").exists() or _zombie(pid) for pid in workers)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to see the workers")
def test_sigterm_ends_the_workers_with_the_parent(tmp_path):
    # A CI runner or supervisor stops the parent only; its forked workers used to outlive it.
    process, workers = _scan_with_workers(tmp_path)
    process.terminate()  # SIGTERM to the parent alone
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, (process.returncode, stderr[-600:])
    assert "terminated" in stderr and "Traceback" not in stderr
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(
        not Path(f"/proc/{pid}").exists() or _zombie(pid) for pid in workers
    ):
        time.sleep(0.1)
    assert all(not Path(f"/proc/{pid}").exists() or _zombie(pid) for pid in workers)


def _zombie(pid: str) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True
