"""Change safety: which destroys, replaces and orphans fail the review, and what waives them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from modules.review.change_safety import (
    Change,
    ChangeContext,
    load_change_safety,
    orphaned,
)
from tests.support import ROOT

TODAY = dt.date(2026, 12, 1)
CONTEXT = ChangeContext(
    prevent_destroy={"dev": frozenset({"aws_s3_bucket.keep"})}, production=frozenset({"prod"})
)


def failed(
    changes: list[Change], rules: Path = ROOT / "policies" / "change_safety.yaml"
) -> set[tuple[str, str]]:
    safety = load_change_safety(rules, today=TODAY)
    return {(r.check_id, r.key) for r in safety.results(changes, CONTEXT) if r.status == "failed"}


def test_each_unsafe_change_fails_with_its_own_check() -> None:
    changes = [
        Change("log-archive", "aws_kms_key.logs", "aws_kms_key", "replace", ("key_usage",)),
        Change("dev", "aws_s3_bucket.keep", "aws_s3_bucket", "destroy"),  # prevent_destroy
        Change("prod", "aws_vpc.main", "aws_vpc", "replace", ("cidr_block",)),
        Change("dev", "aws_vpc.main", "aws_vpc", "replace"),  # not production: fine
        Change("dev", "aws_vpc.osaka", "aws_vpc", "destroy", region_removed="ap-northeast-3"),
        Change("prod", "aws_vpc.other", "aws_vpc", "update"),
    ]
    assert failed(changes) == {
        ("LZ_CHG_001", "log-archive:aws_kms_key.logs"),
        ("LZ_CHG_001", "dev:aws_s3_bucket.keep"),
        ("LZ_CHG_002", "prod:aws_vpc.main"),
        ("LZ_CHG_003", "dev:aws_vpc.osaka"),
    }


def test_a_removed_stack_is_one_finding_naming_its_resources() -> None:
    state = {
        "resources": [
            {"mode": "managed", "type": "aws_vpc", "name": "main", "instances": [{"attributes": {}}]},
            {"mode": "managed", "type": "aws_subnet", "name": "a", "instances": [{}, {"index_key": 1}]},
        ]
    }
    changes = orphaned("stg", state)
    assert [change.address for change in changes] == ["aws_vpc.main", "aws_subnet.a", "aws_subnet.a[1]"]
    safety = load_change_safety(ROOT / "policies" / "change_safety.yaml", today=TODAY)
    (result,) = safety.results(changes, CONTEXT)
    assert (result.check_id, result.stack, result.status) == ("LZ_CHG_004", "stg", "failed")
    assert "holds 3 resource(s) (aws_vpc.main, aws_subnet.a, aws_subnet.a[1])" in result.message


def test_an_allow_entry_waives_exactly_what_it_names(tmp_path: Path) -> None:
    rules = tmp_path / "change_safety.yaml"
    rules.write_text(
        (ROOT / "policies" / "change_safety.yaml")
        .read_text()
        .replace(
            "allow: []",
            "allow:\n"
            "  - resource: 'prod:aws_vpc.main'\n    actions: [replace]\n"
            "    reason: The VPC moves to a larger CIDR range, planned with the network team.\n"
            "    owner: platform-team\n    expires: 2027-01-31\n"
            "  - resource: 'stg:*'\n    actions: [orphan]\n"
            "    reason: The staging account is closed by hand after the state is archived.\n"
            "    owner: platform-team\n    expires: 2027-01-31\n",
        )
    )
    changes = [
        Change("prod", "aws_vpc.main", "aws_vpc", "replace"),
        Change("prod", "aws_vpc.main2", "aws_vpc", "replace"),
        *orphaned(
            "stg", {"resources": [{"mode": "managed", "type": "aws_vpc", "name": "x", "instances": [{}]}]}
        ),
    ]
    assert failed(changes, rules) == {("LZ_CHG_002", "prod:aws_vpc.main2")}
