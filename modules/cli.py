"""`lz`: the command line. Imports stay lazy so `lz validate` never loads cdktf or the bindings."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from modules.core.errors import ConfigError
from modules.review.errors import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from modules.config.models import Estate
    from modules.review.shards import Shard

DEFAULT_ENVIRONMENTS = Path("environments")


class UsageError(Exception):
    """Bad input that is not a config file problem (missing tool, bad flag value)."""


def print_config_error(error: ConfigError) -> None:
    for issue in error.issues:
        print(issue, file=sys.stderr)
    count = len(error.issues)
    print(
        f"\n{count} error{'s' if count != 1 else ''} in the configuration; nothing was changed.",
        file=sys.stderr,
    )


def cmd_validate(args: argparse.Namespace) -> int:
    from modules.config import load_estate
    from modules.config.topology import topology

    estate = load_estate(args.dir, only_env=args.env)
    plan = topology(estate)
    envs = ", ".join(sorted(estate.environments))
    print(
        f"OK: {args.dir}: organization '{estate.organization.name}' and "
        f"{len(estate.environments)} environment(s) ({envs}) are valid; "
        f"stacks: {', '.join(plan.names)}"
    )
    for name in plan.pending:
        print(
            f"note: stack '{name}' waits for its account id (the organization stack creates "
            "the account; then set its id in the config)"
        )
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from modules.config.schema import SCHEMAS, render_schema, write_schemas

    if args.check:
        stale = [
            name
            for name, model in SCHEMAS.items()
            if not (args.out / name).is_file()
            or (args.out / name).read_text(encoding="utf-8") != render_schema(model)
        ]
        for name in stale:
            print(f"{args.out / name}: out of date; run `lz schema`", file=sys.stderr)
        return EXIT_FINDINGS if stale else EXIT_OK
    for path in write_schemas(args.out):
        print(f"wrote {path}")
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    from modules.config.reference import render_reference

    text = render_reference()
    if args.check:
        if not args.out.is_file() or args.out.read_text(encoding="utf-8") != text:
            print(f"{args.out}: out of date; run `lz docs`", file=sys.stderr)
            return EXIT_FINDINGS
        return EXIT_OK
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return EXIT_OK


def cmd_synth(args: argparse.Namespace) -> int:
    from modules.config import load_estate
    from modules.config.topology import require_environment
    from modules.synth import synthesize

    estate = load_estate(args.dir)
    require_environment(estate, args.env, args.dir)
    if args.stack and args.env:
        raise UsageError("--stack names the stacks, --env selects them: give one of them")
    _check_stacks(args.stack, estate)
    endpoint = args.emulator
    _check_emulator(endpoint)
    stacks = synthesize(
        estate, args.out, only_env=args.env, stacks=args.stack or None, emulator_endpoint=endpoint
    )
    print(f"synthesized {len(stacks)} stack(s) into {args.out}: {', '.join(stacks)}")
    return EXIT_OK


def _check_stacks(names: list[str], estate: Estate) -> None:
    from modules.config.topology import topology

    known = topology(estate).names
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise UsageError(f"--stack {name}: no such stack{hint}; the stacks: {', '.join(known)}")


def cmd_review(args: argparse.Namespace) -> int:
    from modules import synth
    from modules.review.command import review
    from modules.review.errors import ToolError

    _check_review_modes(args)
    synthesize = _child_synthesis(args)

    def synthesize_base(config: Path, out: Path, env: str | None, code: Path) -> list[str]:
        try:
            return synth.synthesize_in_child(config, out, only_env=env, code=code)
        except synth.SynthesisError as error:
            raise ToolError(
                f"the base could not be synthesized with its own code and this checkout's packages "
                f"(review against a later base, or give recorded state with --state-dir): {error}"
            ) from None

    return review(args, synthesize, synthesize_base)


def _check_review_modes(args: argparse.Namespace) -> None:
    """--merge judges what shards made: it plans nothing, so no option that shapes planning."""
    if args.merge:
        given = [
            flag
            for flag, value in (
                ("--shard", args.shard),
                ("--matrix", args.matrix),
                ("--changed", args.changed),
                ("--base", args.base),
                ("--state-dir", args.state_dir),
                ("--live", args.live),
            )
            if value
        ]
        if given:
            raise UsageError(f"--merge takes the shards' results as they are: drop {', '.join(given)}")
    if args.shard is not None and args.matrix is not None:
        raise UsageError("--matrix lists the shards; --shard runs one: give one of them")


def _child_synthesis(args: argparse.Namespace) -> Callable[[Estate, Path, list[str]], list[str]]:
    from modules import synth
    from modules.review.errors import ToolError

    def synthesize(estate: Estate, out: Path, stacks: list[str]) -> list[str]:
        # In a child process: the plans that follow get the bindings' memory back.
        try:
            return synth.synthesize_in_child(
                args.dir, out, stacks=stacks, emulator=getattr(args, "emulator", None)
            )
        except synth.SynthesisError as error:
            raise ToolError(f"synthesis failed: {error}") from None

    return synthesize


def cmd_drift(args: argparse.Namespace) -> int:
    from modules.review.command import drift

    _check_emulator(args.emulator)
    return drift(args, _child_synthesis(args))


def _check_emulator(endpoint: str | None) -> None:
    if endpoint is not None:
        from modules.targets.emulator import validate_endpoint

        try:
            validate_endpoint(endpoint)
        except ValueError as error:
            raise UsageError(str(error)) from None


def cmd_tfrc(args: argparse.Namespace) -> int:
    """The Terraform CLI config the review uses, for the cdktf CLI and plain terraform."""
    from modules.review.errors import ToolError
    from modules.review.terraform_cli import provider_source, write_cli_config

    try:
        config = write_cli_config(args.out, provider_source())
    except ToolError as error:
        raise UsageError(str(error)) from None
    print(config.path.resolve())
    return EXIT_OK


def cmd_roles(args: argparse.Namespace) -> int:
    """The job roles (IAM-2/3): permission set, policies and groups per environment account."""
    from modules.config import load_estate
    from modules.identity_center.mapping import render_markdown, role_table

    print(render_markdown(role_table(load_estate(args.dir))), end="")
    return EXIT_OK


def cmd_access(args: argparse.Namespace) -> int:
    """The access matrix: sensitive actions per account and principal; exit 1 on an unexpected Allow."""
    import json

    from modules.config import load_estate
    from modules.policy_catalog.access import access_matrix, render_text

    matrix = access_matrix(load_estate(args.dir))
    print(json.dumps(matrix.as_json(), indent=1) if args.json else render_text(matrix), end="\n" * args.json)
    return EXIT_FINDINGS if matrix.findings else EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lz", description="Secure AWS multi-account baseline from YAML: validate, synthesize, review."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str, with_env: bool = True
    ) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        command.add_argument(
            "--dir", type=Path, default=DEFAULT_ENVIRONMENTS, help="config folder (default: environments)"
        )
        if with_env:
            command.add_argument("--env", help="only this environment (plus the role stacks)")
        return command

    add("validate", cmd_validate, "check every config file; no cdktf involved")
    schema = add("schema", cmd_schema, "write the JSON Schemas editors use", with_env=False)
    schema.add_argument("--out", type=Path, default=DEFAULT_ENVIRONMENTS / "schema")
    schema.add_argument("--check", action="store_true", help="fail if the committed schema is stale")
    docs = add("docs", cmd_docs, "write the generated config field reference", with_env=False)
    docs.add_argument("--out", type=Path, default=Path("docs/configuration.md"))
    docs.add_argument("--check", action="store_true", help="fail if the committed reference is stale")
    tfrc = add(
        "tfrc",
        cmd_tfrc,
        "write the Terraform CLI config (provider mirror or registry, plugin cache); prints its path",
        with_env=False,
    )
    tfrc.add_argument("--out", type=Path, default=Path(".build"), help="folder for terraform.tfrc")
    add("roles", cmd_roles, "print the job-role table: permission sets, policies, grants", with_env=False)
    access = add(
        "access", cmd_access, "print the access matrix; exit 1 on an unexpected Allow", with_env=False
    )
    access.add_argument("--json", action="store_true", help="the matrix as JSON")
    synth = add("synth", cmd_synth, "synthesize Terraform JSON for every stack, atomically")
    synth.add_argument("--out", type=Path, default=Path("cdktf.out"))
    synth.add_argument(
        "--stack",
        action="append",
        default=[],
        metavar="NAME",
        help="synthesize only this stack (repeatable); the review synthesizes what its cache lacks",
    )
    synth.add_argument(
        "--emulator",
        metavar="URL",
        help="point every provider at a local AWS emulator (http://127.0.0.1:PORT)",
    )
    review = add("review", cmd_review, "the PR verdict: synth, offline plans, checkov and our checks, report")
    review.add_argument("--out", type=Path, default=Path("review-out"), help="reports and work files")
    review.add_argument("--workers", type=_positive, default=2, help="parallel terraform plans (default 2)")
    review.add_argument("--policies", type=Path, default=Path("policies"), help="checks and policy files")
    review.add_argument("--state-dir", type=Path, help="<stack>.tfstate files to diff against (read only)")
    review.add_argument(
        "--plan-cache",
        type=Path,
        help="reuse plans whose config, state and tools did not change (default: OUT/plan-cache)",
    )
    review.add_argument("--no-plan-cache", action="store_true", help="plan every stack again")
    review.add_argument(
        "--base",
        metavar="REF",
        help="git ref whose planned state is the prior state (e.g. origin/main); 'auto': the pull "
        "request's base ($GITHUB_BASE_REF) or where HEAD left the default branch",
    )
    review.add_argument(
        "--live",
        action="store_true",
        help="plan against each stack's deployed state (its backend, read only, refreshed; "
        "needs credentials)",
    )
    review.add_argument("--role", metavar="NAME", help="with --live: the read-only plan role to assume")
    review.add_argument(
        "--changed",
        action="store_true",
        help="plan and scan only the stacks whose synthesized config differs from the base's (and "
        "the role stacks); the others are reported unchanged, with their cached results",
    )
    review.add_argument(
        "--shard",
        type=_shard,
        metavar="I/N",
        help="review the I-th of N balanced slices of the stacks into OUT/partial (see --merge)",
    )
    review.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        metavar="DIR",
        help="the verdict of every shard's partial result (each shard's OUT or OUT/partial)",
    )
    review.add_argument(
        "--matrix",
        type=_positive,
        metavar="MAX",
        help="print the CI job matrix (at most MAX shards, as JSON) and stop",
    )
    drift = add(
        "drift", cmd_drift, "plan the deployed estate with refresh: 0 no drift, 1 drift, 2 could not run"
    )
    drift.add_argument("--out", type=Path, default=Path("drift-out"), help="reports and work files")
    drift.add_argument("--workers", type=_positive, default=2, help="parallel terraform plans (default 2)")
    drift.add_argument(
        "--role", metavar="NAME", help="read-only plan role to assume (default: deployment role)"
    )
    drift.add_argument("--emulator", metavar="URL", help="a local AWS emulator (http://127.0.0.1:PORT)")
    return parser


def _shard(text: str) -> Shard:
    from modules.review.shards import parse_shard

    try:
        return parse_shard(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigError as error:
        print_config_error(error)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    except Exception as error:  # a bug or an unforeseen environment problem: say what, not a traceback
        if os.environ.get("LZ_DEBUG"):
            raise
        print(
            f"internal error: {type(error).__name__}: {error} (rerun with LZ_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
