"""Run every benchmark in sequence and print their markdown tables (`make bench`).

Results go to docs/benchmarks.md by hand, with the date and machine, after reviewing them.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

print("\n## rule_timing.py\n", flush=True)
subprocess.run([sys.executable, str(HERE / "rule_timing.py")], check=True)
# rule_timing.py wrote the generated JavaScript and Java files to bench/.work/.
for target in (None, HERE / ".work" / "bench5000.js", HERE / ".work" / "Bench5000.java"):
    print("\n## lsp_latency.py\n", flush=True)
    subprocess.run(
        [sys.executable, str(HERE / "lsp_latency.py"), *(["--file", str(target)] if target else [])],
        check=True,
    )
print("\n## cli_throughput.py\n", flush=True)
subprocess.run([sys.executable, str(HERE / "cli_throughput.py")], check=True)
