"""The check engine: loading check files, refusing broken ones, running checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.config import Estate
from modules.review.checks import CheckContext, CheckLoadError, load_checks, run_checks
from modules.review.model import StackView

GOOD = """
from modules.review.checks import Outcome, check

@check("LZ_TEST_001", "every stack has a name")
def stacks_are_named(ctx):
    for stack in ctx.stacks.values():
        yield Outcome(stack.name, "stack", bool(stack.name))
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text)
    return directory


def test_loads_one_check_per_file_and_skips_helpers(tmp_path: Path, sample_estate: Estate) -> None:
    write(tmp_path, "_helpers.py", "raise RuntimeError('helpers are not checks')")
    (check,) = load_checks(write(tmp_path, "stacks_are_named.py", GOOD))
    assert (check.id, check.path) == ("LZ_TEST_001", tmp_path / "stacks_are_named.py")
    results = run_checks([check], CheckContext(sample_estate, {"dev": StackView("dev", {}, {})}))
    assert [(r.source, r.check_id, r.key, r.passed) for r in results] == [
        ("lz", "LZ_TEST_001", "dev:stack", True)
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("LZ_TEST_001", "CKV_AWS_1"), "must look like LZ_<AREA>_<NNN>"),
        (GOOD.replace('"every stack has a name")', '"x", severity="SEVERE")'), "severity 'SEVERE'"),
        # What a check proves is said in baseline.yaml only; the old keyword stops the load by name.
        (GOOD.replace('name")', 'name", requirements=["OPS-3"])'), "unexpected keyword argument"),
        (GOOD + GOOD.replace("def stacks_are_named", "def other"), "defines 2 checks"),
        ("import nonexistent_module_xyz\n", "cannot load (ModuleNotFoundError"),
        ("def broken(:\n", "cannot load (SyntaxError"),
    ],
)
def test_broken_check_files_stop_the_review_with_their_path(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "bad_check.py", text)
    with pytest.raises(CheckLoadError, match=r"bad_check\.py") as error:
        load_checks(tmp_path)
    assert message in str(error.value)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a_check.py", GOOD)
    write(tmp_path, "b_check.py", GOOD)
    with pytest.raises(CheckLoadError, match="LZ_TEST_001 is already used"):
        load_checks(tmp_path)


def test_a_crashing_check_is_a_tool_failure_naming_the_check(tmp_path: Path, sample_estate: Estate) -> None:
    crashing = GOOD.replace("bool(stack.name)", "stack.plan['missing']")
    checks = load_checks(write(tmp_path, "crashes.py", crashing))
    with pytest.raises(CheckLoadError, match=r"check LZ_TEST_001 .* crashed: KeyError"):
        run_checks(checks, CheckContext(sample_estate, {"dev": StackView("dev", {}, {})}))


def test_missing_check_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CheckLoadError, match="check folder not found"):
        load_checks(tmp_path / "nope")


def test_stack_view_reads_planned_values_unknowns_and_references() -> None:
    plan = {
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_s3_bucket.logs",
                        "mode": "managed",
                        "type": "aws_s3_bucket",
                        "name": "logs",
                        "values": {"bucket": "b"},
                    },
                ],
                "child_modules": [
                    {
                        "resources": [
                            {
                                "address": "module.m.aws_s3_bucket_object_lock_configuration.lock",
                                "mode": "managed",
                                "type": "aws_s3_bucket_object_lock_configuration",
                                "name": "lock",
                                "values": {},
                            }
                        ]
                    }
                ],
            }
        },
        "resource_changes": [{"address": "aws_s3_bucket.logs", "change": {"after_unknown": {"arn": True}}}],
        "configuration": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_s3_bucket_object_lock_configuration.lock",
                        "expressions": {
                            "bucket": {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}
                        },
                    }
                ]
            }
        },
    }
    view = StackView("log-archive", {}, plan)
    assert [r.address for r in view.planned()] == [
        "aws_s3_bucket.logs",
        "module.m.aws_s3_bucket_object_lock_configuration.lock",
    ]
    (bucket,) = view.planned("aws_s3_bucket")
    assert bucket.is_unknown("arn") and not bucket.is_unknown("bucket")
    assert view.references("aws_s3_bucket_object_lock_configuration.lock", "bucket") == ["aws_s3_bucket.logs"]
