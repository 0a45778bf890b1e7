"""Run every benchmark in sequence and print their markdown tables (`make bench`).

Results go to docs/benchmarks.md by hand, with the date and machine, after reviewing them.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

for script in ("rule_timing.py", "lsp_latency.py", "cli_throughput.py"):
    if (HERE / script).exists():
        print(f"\n## {script}\n", flush=True)
        subprocess.run([sys.executable, str(HERE / script)], check=True)
