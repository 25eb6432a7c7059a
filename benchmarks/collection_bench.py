"""Benchmark: collecting the whole test suite (`pytest --collect-only -q`) in a fresh process.

Target: under 20 s. Collection is what every pytest run pays before the first test, including
`make fast` and a single `-k` run. A test module that imports a construct (or anything that loads
the provider bindings) at import time pays for the bindings during collection; the count of
bindings modules loaded is printed to show it (0 when no test module imports them at collection).
Wall and CPU time as in validate_bench.py: on a busy machine wall time measures the neighbours.
Prints the numbers; it is not a timed test.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 20.0
RUNS = 3

# Collects as `pytest --collect-only -q` does, then counts what collection left in sys.modules.
PROBE = """
import sys, pytest
code = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider"])
loaded = sum(1 for m in sys.modules if m.split(".")[0] == "cdktf_cdktf_provider_aws")
print(f"BINDINGS {loaded}")
sys.exit(code)
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def collect() -> tuple[float, float, str, int]:
    """(wall seconds, CPU seconds, pytest's summary line, bindings modules loaded) of one run."""
    started, cpu = time.perf_counter(), _children_cpu()
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"},
    )
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if result.returncode != 0:
        raise SystemExit(f"collection failed (exit {result.returncode}):\n{result.stdout[-3000:]}")
    lines = result.stdout.splitlines()
    summary = next((line for line in reversed(lines) if " collected" in line), "?")
    bindings = int(next(line for line in lines if line.startswith("BINDINGS ")).split()[1])
    return wall, cpu, summary, bindings


def main() -> int:
    runs = [collect() for _ in range(RUNS)]
    wall = statistics.median(run[0] for run in runs)
    cpu = statistics.median(run[1] for run in runs)
    ok = wall < TARGET_SECONDS
    print(
        f"collect whole suite  median {wall:.1f}s  max {max(run[0] for run in runs):.1f}s  cpu {cpu:.1f}s  "
        f"load {os.getloadavg()[0]:.1f}  bindings modules {runs[-1][3]}  ({runs[-1][2]})  "
        f"(target < {TARGET_SECONDS:.0f}s, fresh process)  {'ok' if ok else 'OVER TARGET'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
