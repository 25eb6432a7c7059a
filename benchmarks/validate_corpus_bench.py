"""Benchmark: no input makes `lz validate` exceed 200 MB or 5 s; the sample stays under 1 s.

Runs `lz validate` as a fresh process (what CI and the pre-commit hook pay) on every bad case in
tests/config/cases/ and on inputs built to sit just inside each parsing limit (the most work a
file can ask for without being refused), and reads each process's peak RSS from wait4. Every
bad input must also exit 2 without an `internal error:` line. Prints the numbers; not a timed test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from modules.core import yaml_loader as limits  # noqa: E402
from tests.config.test_bad_cases import CASE_NAMES, CASES, overlay  # noqa: E402
from tests.support import copy_sample  # noqa: E402

MAX_RSS_MB = 200
MAX_SECONDS = 5.0
SAMPLE_SECONDS = 1.0


def run_validate(directory: Path) -> tuple[int, float, float, float, str]:
    """(exit code, wall seconds, CPU seconds, peak RSS in MB, stderr) of one fresh `lz validate`.

    The time targets are judged on CPU time (user + system): `lz validate` is one thread, so on
    an idle machine its wall time is its CPU time, while on a shared machine under load the wall
    time measures the neighbours. Wall time is printed beside it, with the load average."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "modules.cli", "validate", "--dir", str(directory)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        rss = usage.ru_maxrss / 1024
        return process.returncode, seconds, cpu, rss, stderr.read().decode(errors="replace")


def near_limits() -> dict[str, Callable[[], bytes]]:
    """Files that pass every parsing limit with the least room to spare."""
    nodes = limits.MAX_NODES - 3
    depth = limits.MAX_DEPTH - 1
    return {
        "max-nodes": lambda: b"name: [" + b"1," * nodes + b"]\n",
        "max-file-bytes": lambda: b"name: dev\n" + b"#" * (limits.MAX_FILE_BYTES - 11) + b"\n",
        "max-depth": lambda: b"name: " + b"[" * depth + b"]" * depth + b"\n",
        "max-value": lambda: b"name: " + b"x" * limits.MAX_SCALAR_CHARS + b"\n",
        "max-alias-expansion": lambda: (
            b"base: &b [1]\nuses:\n" + b"  - *b\n" * (limits.MAX_ALIAS_EXPANSION // 2) + b"name: dev\n"
        ),
        "max-values-long": lambda: b"name: [" + (b"x" * 15 + b",") * 60_000 + b"]\n",
    }


def measure(label: str, directory: Path, *, bad: bool, budget: float) -> bool:
    code, seconds, cpu, rss, stderr = run_validate(directory)
    problems = []
    if rss > MAX_RSS_MB:
        problems.append(f"RSS {rss:.0f} MB > {MAX_RSS_MB}")
    if cpu > budget:
        problems.append(f"{cpu:.2f}s CPU > {budget}s")
    if bad and code != 2:
        problems.append(f"exit {code} (expected 2)")
    if "internal error:" in stderr:
        problems.append("internal error")
    verdict = "ok" if not problems else "FAIL: " + "; ".join(problems)
    print(f"  {label:<40} {seconds:6.3f}s wall {cpu:6.3f}s CPU {rss:6.1f} MB  exit {code}  {verdict}")
    return not problems


def main() -> int:
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        print(f"sample (target < {SAMPLE_SECONDS}s):")
        sample = copy_sample(Path(scratch) / "sample")
        results.append(measure("environments/ (sample)", sample, bad=False, budget=SAMPLE_SECONDS))
        print(f"bad-case corpus, {len(CASE_NAMES)} cases (target < {MAX_SECONDS}s, < {MAX_RSS_MB} MB):")
        for name in CASE_NAMES:
            target = overlay(CASES / name, Path(scratch) / name)
            results.append(measure(name, target, bad=True, budget=MAX_SECONDS))
        print("inputs just inside each parsing limit (dev.yaml replaced):")
        for name, content in near_limits().items():
            target = copy_sample(Path(scratch) / f"limit-{name}")
            (target / "dev.yaml").write_bytes(content())
            results.append(measure(name, target, bad=True, budget=MAX_SECONDS))
    failed = results.count(False)
    print(f"{len(results) - failed}/{len(results)} within targets (load average {os.getloadavg()[0]:.1f})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
