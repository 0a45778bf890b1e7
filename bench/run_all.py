"""Run every benchmark in sequence and print their markdown tables (`make bench`).

Results go to docs/benchmarks.md by hand, with the date and machine, after reviewing them.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def write_clean_javascript() -> Path:
    """A 5,000-line JavaScript file of ordinary, finding-free code: the good corpus repeated, each copy
    in its own block. The generated bench5000.js is the opposite: dense with findings (272)."""
    files = sorted((HERE.parent / "tests" / "corpus" / "javascript").rglob("*.js"))
    parts: list[str] = []
    while sum(part.count("\n") for part in parts) < 5000:
        parts.append("{\n" + files[len(parts) % len(files)].read_text(encoding="utf-8") + "\n}\n")
    target = HERE / ".work" / "corpus5000.js"
    target.write_text("".join(parts), encoding="utf-8")
    return target


print("\n## rule_timing.py\n", flush=True)
subprocess.run([sys.executable, str(HERE / "rule_timing.py")], check=True)
# rule_timing.py wrote the generated JavaScript and Java files to bench/.work/.
for target in (
    None,
    HERE / ".work" / "bench5000.js",
    write_clean_javascript(),
    HERE / ".work" / "Bench5000.java",
):
    print("\n## lsp_latency.py\n", flush=True)
    subprocess.run(
        [sys.executable, str(HERE / "lsp_latency.py"), *(["--file", str(target)] if target else [])],
        check=True,
    )
print("\n## cli_throughput.py\n", flush=True)
subprocess.run([sys.executable, str(HERE / "cli_throughput.py")], check=True)
