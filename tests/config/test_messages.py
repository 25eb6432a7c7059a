"""Values in messages read as YAML (never Python's None/True) and long ones are cut, length shown."""

from __future__ import annotations

import pytest

from modules.core.errors import MAX_SHOWN_CHARS, format_loc, show


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (float("inf"), ".inf"),
        (float("-inf"), "-.inf"),
        (float("nan"), ".nan"),
        (548, "548"),
        ("ap-northeast-1", "'ap-northeast-1'"),
        ({"a": 1}, "a mapping"),
        (["ssm", None, True], "['ssm', null, true]"),
    ],
)
def test_values_are_shown_as_yaml_spells_them(value: object, shown: str) -> None:
    assert show(value) == shown


def test_long_text_is_cut_with_its_length() -> None:
    assert show("x" * MAX_SHOWN_CHARS) == repr("x" * MAX_SHOWN_CHARS)
    assert show("x" * 5_000_000) == f"{'x' * MAX_SHOWN_CHARS!r}... (5000000 characters)"


def test_long_lists_are_cut_with_their_item_count() -> None:
    assert show(list(range(100))).endswith("... (100 items)")


def test_long_keys_are_cut_in_field_paths() -> None:
    assert format_loc(("network", "k" * 300, 0)) == f"network.{'k' * MAX_SHOWN_CHARS}...[0]"
