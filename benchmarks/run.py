"""Run every benchmark in this folder (`make bench`): each `*_bench.py` with a `main() -> int`.

Benchmarks print numbers next to their targets; they are not timed tests. Add one by dropping a
`<name>_bench.py` here. `python benchmarks/run.py review` runs only the ones whose name matches.

Each benchmark runs in a fresh interpreter: what one leaves in memory must not reach the next
(a child's peak RSS read from wait4 includes what its parent held when it forked).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmarks(selected: list[str]) -> list[Path]:
    found = sorted(HERE.glob("*_bench.py"))
    return [path for path in found if not selected or any(word in path.stem for word in selected)]


def run(path: Path) -> int:
    print(f"== {path.stem}", flush=True)
    return subprocess.run([sys.executable, __file__, "--one", str(path)], check=False).returncode


def run_here(path: Path) -> int:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        print(f"{path.name}: cannot load", file=sys.stderr)
        return 2
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return int(module.main())


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))  # benchmarks share helpers (e.g. the generated estate)
    if argv[:1] == ["--one"]:
        return run_here(Path(argv[1]))
    codes = [run(path) for path in benchmarks(argv)]
    return max(codes, default=0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
