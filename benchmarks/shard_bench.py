"""Benchmark: one runner against the CI's job matrix, on 100 generated environments.

Measured side by side in one run, each figure next to its target:
- 100 environments reviewed cold on one 2-core machine: < 6 min, < 2 GiB PSS;
- the same 100 in 4 shards, as the example workflow runs them: the `matrix` job (`--matrix 4`,
  empty cache) synthesizes every stack to weigh it and leaves its synthesis cache; each shard
  (`--shard I/4`, run one after another here as four CI jobs would run side by side, each on its
  own machine) starts from that cache only: no plans, no checkov results. The slowest shard
  <= 35 % of the single runner's wall time;
- `--merge` of the four partial results: < 5 s (it plans nothing and runs no checkov);
- the merged reports equal the single run's (apart from wall times);
- the critical path (matrix job + slowest shard + merge) next to the single runner, no target.

A shard takes every stack from the matrix job's synthesis cache (its slice is computed from all
of them), then plans, scans and judges only its slice; see docs/review.md, "Sharded reviews".
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from review_bench import PYTHON, RSS_TARGET, measure, phases, prime_shared_plugin_cache, review
from validate_bench import generated_estate

ENVIRONMENTS, SHARDS = 100, 4
WALL_100_TARGET, SHARD_SHARE_TARGET, MERGE_TARGET = 360.0, 0.35, 5.0
REPORTS = ("report.json", "report.md", "report.sarif", "junit.xml")


def comparable(out: Path) -> dict[str, str]:
    found = {name: (out / name).read_text() for name in REPORTS}
    data = json.loads(found["report.json"])
    data.pop("timings_seconds", None)
    found["report.json"] = json.dumps(data, sort_keys=True)
    return found


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        prime_shared_plugin_cache(root / "primer")
        estate = generated_estate(root / "envs", ENVIRONMENTS)
        single = root / "single"
        wall, peak, code = review(estate, single, None, "--no-plan-cache")
        fits = wall < WALL_100_TARGET and peak < RSS_TARGET and code in (0, 1)
        ok &= fits
        print(
            f"review {ENVIRONMENTS} environments cold, one runner (exit {code}): {wall:.1f}s "
            f"(target < {WALL_100_TARGET:.0f}s), peak {peak / 1024**2:.0f} MiB (target < 2048 MiB)  "
            f"{verdict(fits)}"
        )
        print(f"  {phases(single)}")
        matrix_cache = root / "matrix-cache"
        matrix_wall, matrix_peak, matrix_code = review(
            estate, root / "matrix", None, "--plan-cache", str(matrix_cache), "--matrix", str(SHARDS)
        )
        ok &= matrix_code == 0 and matrix_peak < RSS_TARGET
        print(
            f"  matrix job (exit {matrix_code}): {matrix_wall:.1f}s, peak {matrix_peak / 1024**2:.0f} MiB "
            f"(synthesizes and weighs every stack; its synthesis cache goes to the shards)"
        )
        slowest, parts = 0.0, []
        for index in range(1, SHARDS + 1):
            out, cache = root / f"shard-{index}", root / f"shard-{index}-cache"
            shutil.copytree(matrix_cache, cache)  # what the job restores: the matrix job's cache
            shard_wall, shard_peak, shard_code = review(
                estate, out, None, "--plan-cache", str(cache), "--shard", f"{index}/{SHARDS}"
            )
            ok &= shard_code == 0 and shard_peak < RSS_TARGET
            slowest = max(slowest, shard_wall)
            parts.append(out)
            manifest = json.loads((out / "partial" / "manifest.json").read_text())
            print(
                f"  shard {index}/{SHARDS} (exit {shard_code}): {shard_wall:.1f}s, peak "
                f"{shard_peak / 1024**2:.0f} MiB, {len(manifest['slice'])} stack(s), "
                f"phases {manifest['timings']}"
            )
        share = slowest / wall
        ok &= share <= SHARD_SHARE_TARGET
        print(
            f"slowest of {SHARDS} shards: {slowest:.1f}s = {share:.0%} of the single runner "
            f"(target <= {SHARD_SHARE_TARGET:.0%})  {verdict(share <= SHARD_SHARE_TARGET)}"
        )
        merged = root / "merged"
        command = [PYTHON, "-m", "modules.cli", "review", "--dir", str(estate), "--out", str(merged)]
        merge_wall, merge_peak, merge_code = measure([*command, "--merge", *map(str, parts)])
        same = merge_code == code and comparable(merged) == comparable(single)
        ok &= merge_wall < MERGE_TARGET and same
        print(
            f"merge of {SHARDS} partial results (exit {merge_code}): {merge_wall:.1f}s "
            f"(target < {MERGE_TARGET:.0f}s), peak {merge_peak / 1024**2:.0f} MiB; reports equal to "
            f"the single run's: {same}  {verdict(merge_wall < MERGE_TARGET and same)}"
        )
        path = matrix_wall + slowest + merge_wall
        print(
            f"critical path, matrix job + slowest shard + merge: {path:.1f}s = {path / wall:.0%} of the "
            f"single runner (no target)"
        )
    return 0 if ok else 1
