"""Benchmark: `lz validate` on the sample estate and on a generated 30-environment estate.

Target: well under one second for the sample, as a fresh process (what a user or a
pre-commit hook pays). Prints the numbers; it is not a timed test. Besides wall time it prints
the child's CPU time (user + system) and the load average: on a busy machine the wall time
measures the neighbours, the CPU time is what an idle machine would pay.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the generated estate is the tests' (tests/support.py)
from tests.support import generated_estate  # noqa: E402

SAMPLE = ROOT / "environments"
TARGET_SECONDS = 1.0
RUNS = 5


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_validate(directory: Path) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds) per fresh `lz validate` process."""
    walls, cpus = [], []
    for _ in range(RUNS):
        started, cpu = time.perf_counter(), _children_cpu()
        subprocess.run(
            [sys.executable, "-m", "modules.cli", "validate", "--dir", str(directory)],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        walls.append(time.perf_counter() - started)
        cpus.append(_children_cpu() - cpu)
    return walls, cpus


def report(label: str, samples: tuple[list[float], list[float]]) -> bool:
    walls, cpus = samples
    median = statistics.median(walls)
    verdict = "ok" if median < TARGET_SECONDS else "OVER TARGET"
    print(
        f"validate {label:<22} median {median:.3f}s  max {max(walls):.3f}s  "
        f"cpu {statistics.median(cpus):.3f}s  load {os.getloadavg()[0]:.1f}  "
        f"(target < {TARGET_SECONDS:.1f}s, fresh process)  {verdict}"
    )
    return median < TARGET_SECONDS


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        results = [
            report("sample (3 envs)", time_validate(SAMPLE)),
            report("generated (30 envs)", time_validate(generated_estate(Path(scratch) / "envs", 30))),
        ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
