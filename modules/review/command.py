"""`lz review` glue: options from argparse, the pipeline, the reports, the printed verdict.

Exit codes: 0 passed, 1 findings (failed checks, policy issues), 2 bad input or tool failure
(config errors are raised to the CLI, which prints them like `lz validate`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from modules.core.errors import ConfigError
from modules.review.checks import CheckLoadError
from modules.review.errors import EXIT_BAD_INPUT, EXIT_OK, ToolError
from modules.review.judge import finish
from modules.review.model import SEVERITIES, Result
from modules.review.partial import ShardRun, write_failed, write_partial
from modules.review.pipeline import Options, Synthesize, SynthesizeBase, collect, run_merge
from modules.review.progress import progress
from modules.review.reports import FILES, write_not_completed, write_reports
from modules.review.verdict import Review

SHOWN = 25


def review(args: argparse.Namespace, synthesize: Synthesize, synthesize_base: SynthesizeBase) -> int:
    options = Options(
        config_dir=args.dir,
        out=args.out,
        env=args.env,
        workers=args.workers,
        policies=args.policies,
        state_dir=args.state_dir,
        plan_cache=None if args.no_plan_cache else (args.plan_cache or args.out / "plan-cache"),
        base=args.base,
        live=args.live,
        role_name=args.role,
        changed=args.changed,
        shard=args.shard,
        matrix=args.matrix,
    )
    # No stale verdict: the previous run's reports go before anything can fail.
    for name in FILES:
        (options.out / name).unlink(missing_ok=True)
    if args.merge:
        return _merge(options, args.merge)
    try:
        collected = collect(options, synthesize, progress(), synthesize_base)
        if collected.matrix is not None:
            print(json.dumps({"include": collected.matrix}))
            return EXIT_OK
        if options.shard is not None:
            run = ShardRun(options.shard, collected.identity, collected.stacks, collected.selected)
            folder = write_partial(options.out, run, collected.judged)
            print(
                f"shard {options.shard}: judged {len(collected.selected)} of {len(collected.stacks)} "
                f"stack(s) into {folder}; the verdict is `lz review --merge` over every shard's folder"
            )
            return EXIT_OK
        verdict = finish(collected.estate, collected.policies, collected.judged)
    except (ToolError, CheckLoadError) as error:
        return _not_completed(options, str(error))
    except ConfigError as error:
        _record_failure(options, "\n".join(str(issue) for issue in error.issues))
        raise
    return _report(verdict, options)


def _merge(options: Options, directories: list[Path]) -> int:
    try:
        verdict = run_merge(options.config_dir, options.policies, options.env, directories, progress())
    except (ToolError, CheckLoadError) as error:
        return _not_completed(options, str(error))
    except ConfigError as error:
        write_not_completed(options.out, "\n".join(str(issue) for issue in error.issues))
        raise
    return _report(verdict, options)


def _report(verdict: Review, options: Options) -> int:
    written = write_reports(verdict, options.out)
    print_verdict(verdict)
    print(f"reports: {', '.join(str(path) for path in written)}")
    return verdict.exit_code


def _not_completed(options: Options, error: str) -> int:
    print(f"error: {error}", file=sys.stderr)
    print("review not completed (exit 2): fix the tool or input above, then rerun", file=sys.stderr)
    _record_failure(options, error)
    return EXIT_BAD_INPUT


def _record_failure(options: Options, error: str) -> None:
    """The not-completed report, and for a shard a failed partial result the merge will name."""
    write_not_completed(options.out, error)
    if options.shard is not None:
        write_failed(options.out, options.shard, error)


def drift(args: argparse.Namespace, synthesize: Synthesize) -> int:
    from modules.review.drift import DriftOptions, run_drift

    options = DriftOptions(args.dir, args.out, args.env, args.role, args.workers)
    for name in FILES:
        (options.out / name).unlink(missing_ok=True)
    try:
        verdict = run_drift(options, synthesize, progress())
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        print("drift check not completed (exit 2): fix the tool or access above, then rerun", file=sys.stderr)
        write_not_completed(options.out, str(error))
        return EXIT_BAD_INPUT
    written = write_reports(verdict, options.out)
    for result in verdict.failed:
        print(f"DRIFT{_line(result)}")
    drifted = len(verdict.failed)
    print(
        f"{'DRIFT' if drifted else 'NO DRIFT'}: {drifted} resource(s) changed outside Terraform "
        f"on {len(verdict.stacks)} stack(s)"
    )
    print(f"reports: {', '.join(str(path) for path in written)}")
    return verdict.exit_code


def _severity(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _line(result: Result) -> str:
    return f"  {result.check_id} {result.key}: {result.title}" + (
        f" ({result.message})" if result.message else ""
    )


def print_verdict(verdict: Review) -> None:
    for issue in verdict.policy_issues:
        print(f"policy: {issue}")
    # The most severe first: a protected destroy (CRITICAL) is never below the cut.
    for result in sorted(verdict.failed, key=lambda result: _severity(result.severity))[:SHOWN]:
        print(f"FAILED{_line(result)}")
    if len(verdict.failed) > SHOWN:
        print(f"  … and {len(verdict.failed) - SHOWN} more failed results (see report.md)")
    for result in verdict.suppressed[:SHOWN]:
        reason = result.waiver.reason if result.waiver else ""
        print(f"suppressed{_line(result)} — {reason}")
    for entry in verdict.unused_suppressions:
        print(f"note: suppression '{entry}' matches no failed result; remove it?")
    if verdict.prior_state:
        print(f"prior state: {verdict.prior_state}")
    for change in verdict.destructive[:SHOWN]:
        print(f"{change.action.upper()} {change.stack}:{change.address}")
    if len(verdict.destructive) > SHOWN:
        print(f"  … and {len(verdict.destructive) - SHOWN} more destroy/replace/orphan (see report.md)")
    if verdict.uncovered:
        print(f"requirements without a check yet: {', '.join(verdict.uncovered)}")
    print(verdict.headline())
