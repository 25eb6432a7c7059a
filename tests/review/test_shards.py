"""Shard slices: deterministic, balanced by resource count, every stack in exactly one slice."""

from __future__ import annotations

import itertools

import pytest

from modules.review.shards import (
    MIN_RESOURCES_PER_SHARD,
    Shard,
    matrix,
    parse_shard,
    resource_count,
    shard_count,
    slice_of,
    slices,
)

ROLES = {"organization": 900, "log-archive": 120, "security": 300}


def estate(environments: int) -> dict[str, int]:
    return ROLES | {f"env{index:03d}": 200 + (index * 37) % 90 for index in range(environments)}


def test_a_shard_is_i_of_n() -> None:
    assert parse_shard("2/4") == Shard(2, 4) and str(parse_shard(" 4/4 ")) == "4/4"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0/4", "index must be between 1 and 4"),
        ("5/4", "index must be between 1 and 4"),
        ("1/0", "count must be between 1"),
        ("2", "expected I/N"),
        ("a/b", "expected I/N"),
        ("-1/2", "expected I/N"),
    ],
)
def test_a_bad_shard_says_what_was_expected(text: str, expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        parse_shard(text)


@pytest.mark.parametrize(("environments", "count"), [(3, 1), (3, 4), (30, 4), (100, 4), (100, 7), (2, 8)])
def test_every_stack_is_in_exactly_one_slice(environments: int, count: int) -> None:
    weights = estate(environments)
    parts = slices(weights, count)
    assert len(parts) == count
    flat = list(itertools.chain.from_iterable(parts))
    assert sorted(flat) == sorted(weights)  # none lost, none twice (role stacks included)
    assert [slice_of(weights, Shard(index, count)) for index in range(1, count + 1)] == parts


def test_slices_do_not_depend_on_the_order_stacks_are_listed_in() -> None:
    weights = estate(30)
    assert slices(dict(reversed(list(weights.items()))), 4) == slices(weights, 4)


def test_slices_are_balanced_by_resources() -> None:
    weights = estate(100)
    loads = [sum(weights[name] for name in part) for part in slices(weights, 4)]
    # Longest-first greedy: no slice exceeds the mean by more than the heaviest stack.
    assert max(loads) - sum(loads) / len(loads) <= max(weights.values())
    assert max(loads) <= 1.05 * sum(loads) / len(loads)


def test_the_matrix_has_one_job_per_slice_numbered_for_the_merge() -> None:
    jobs = matrix(estate(30), 4)
    assert [job["shard"] for job in jobs] == ["1/4", "2/4", "3/4", "4/4"]
    few = matrix({"organization": 5, "dev": 3}, 4)  # fewer stacks than shards: renumbered
    assert [job["shard"] for job in few] == ["1/2", "2/2"]
    assert sorted(name for job in few for name in job["stacks"]) == ["dev", "organization"]


def test_a_shard_is_worth_its_fixed_price() -> None:
    weights = estate(100)
    assert shard_count(weights, list(weights), 4) == 4
    assert shard_count(weights, ["env001"], 4) == 1  # one changed environment: one job
    assert shard_count({"a": 3 * MIN_RESOURCES_PER_SHARD}, ["a"], 8) == 3


def test_resources_and_data_sources_count() -> None:
    synthesized = {"resource": {"aws_s3_bucket": {"a": {}, "b": {}}}, "data": {"aws_region": {"r": {}}}}
    assert resource_count(synthesized) == 3
