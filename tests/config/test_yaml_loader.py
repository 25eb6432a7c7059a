"""The YAML loader keeps positions and refuses what PyYAML would silently accept."""

from __future__ import annotations

from pathlib import Path

from modules.core import yaml_loader as yl
from modules.core.yaml_loader import load_yaml


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "file.yaml"
    path.write_text(text)
    return path


def test_positions_of_keys_and_values(tmp_path: Path) -> None:
    loaded, issues = load_yaml(write(tmp_path, "a:\n  b: [1, 2]\n  c:\n    - d: x\n"))
    assert issues == []
    assert loaded.data == {"a": {"b": [1, 2], "c": [{"d": "x"}]}}
    assert loaded.key_positions[("a", "b")] == (2, 3)
    assert loaded.value_positions[("a", "b", 1)] == (2, 10)
    assert loaded.key_positions[("a", "c", 0, "d")] == (4, 7)


def test_unknown_location_falls_back_to_the_nearest_ancestor(tmp_path: Path) -> None:
    loaded, _ = load_yaml(write(tmp_path, "top:\n  inner: 1\n"))
    assert loaded.position(("top", "missing", "deeper")) == (2, 3)


def test_duplicate_keys_cite_both_lines(tmp_path: Path) -> None:
    _, issues = load_yaml(write(tmp_path, "a: 1\nb: 2\na: 3\n"))
    assert [(i.line, i.field) for i in issues] == [(3, "a")]
    assert "first defined on line 1" in issues[0].message


def test_merge_keys_are_resolved(tmp_path: Path) -> None:
    loaded, issues = load_yaml(write(tmp_path, "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n"))
    assert issues == []
    assert loaded.data["derived"] == {"x": 1, "y": 2}


def test_non_string_keys_are_rejected(tmp_path: Path) -> None:
    _, issues = load_yaml(write(tmp_path, "[1, 2]: value\n? true\n: x\n"))
    assert [issue.message for issue in issues] == [
        "a list is used as a key (expected a name)",
        "key true is not a name (expected a name; quote it to use it as text)",
    ]


def test_unreadable_bytes_are_an_issue_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "file.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    _, issues = load_yaml(path)
    assert [(i.line, i.column) for i in issues] == [(2, 7)]
    assert issues[0].message.startswith("byte 0xe9 is not UTF-8")


# --- Limits: each at its boundary (the limit passes, one more is refused) ----------------------


def messages(tmp_path: Path, text: str | bytes) -> list[tuple[int, int, str]]:
    path = tmp_path / "file.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    _, issues = load_yaml(path)
    return [(issue.line, issue.column, issue.message) for issue in issues]


def test_file_size_limit(tmp_path: Path) -> None:
    head = "a: "
    at_limit = head + "x" * (yl.MAX_FILE_BYTES - len(head) - 1) + "\n"
    # At the limit the file is read (its one value is then too long, a different limit).
    assert "bytes" not in messages(tmp_path, at_limit)[0][2]
    over = at_limit + "\n"
    assert messages(tmp_path, over) == [
        (
            1,
            1,
            f"file is {yl.MAX_FILE_BYTES + 1} bytes (expected at most {yl.MAX_FILE_BYTES}; a config "
            "file is a few KB)",
        )
    ]


def test_value_length_limit(tmp_path: Path) -> None:
    assert messages(tmp_path, "a: " + "x" * yl.MAX_SCALAR_CHARS + "\n") == []
    assert messages(tmp_path, "a: " + "x" * (yl.MAX_SCALAR_CHARS + 1) + "\n") == [
        (1, 4, f"value of {yl.MAX_SCALAR_CHARS + 1} characters (expected at most {yl.MAX_SCALAR_CHARS})")
    ]


def nested(levels: int) -> str:
    return "a: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"


def test_depth_limit(tmp_path: Path) -> None:
    assert messages(tmp_path, nested(yl.MAX_DEPTH)) == []
    assert messages(tmp_path, nested(yl.MAX_DEPTH + 1)) == [
        (1, 3 + yl.MAX_DEPTH, f"nested more than {yl.MAX_DEPTH} levels deep (expected a flatter config)")
    ]


def test_deep_nesting_far_beyond_the_recursion_limit_is_an_issue(tmp_path: Path) -> None:
    assert messages(tmp_path, nested(100_000))[0][2].startswith("nested more than")


def test_node_count_limit(tmp_path: Path) -> None:
    # The mapping, its key and the list count as three nodes.
    assert messages(tmp_path, "a: [" + "1," * (yl.MAX_NODES - 3) + "]\n") == []
    over = messages(tmp_path, "a: [" + "1," * (yl.MAX_NODES - 2) + "]\n")
    assert over[0][2] == f"more than {yl.MAX_NODES} values in one file (expected a config, not a data dump)"


def test_document_limit(tmp_path: Path) -> None:
    assert messages(tmp_path, "---\na: 1\n...\n") == []
    assert messages(tmp_path, "a: 1\n---\nb: 2\n") == [
        (2, 1, "more than one YAML document (expected exactly one)")
    ]


def aliases(reuses: int) -> str:
    """An anchored list of one value, reused `reuses` times: each reuse builds 2 values again."""
    return "base: &b [1]\nuses:\n" + "".join("  - *b\n" for _ in range(reuses))


def test_alias_expansion_limit(tmp_path: Path) -> None:
    assert messages(tmp_path, aliases(yl.MAX_ALIAS_EXPANSION // 2)) == []
    over = messages(tmp_path, aliases(yl.MAX_ALIAS_EXPANSION // 2 + 1))
    assert over == [
        (
            3 + yl.MAX_ALIAS_EXPANSION // 2,
            5,
            f"aliases expand to more than {yl.MAX_ALIAS_EXPANSION} values (expected a few reuses of an "
            "anchor, not an alias bomb)",
        )
    ]


def test_billion_laughs_stops_at_the_expansion_limit(tmp_path: Path) -> None:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    assert messages(tmp_path, "\n".join(lines) + "\n")[0][2].startswith("aliases expand to more than")


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    assert messages(tmp_path, "a: &x [1, *x]\n") == [
        (1, 11, "an alias refers to the value that contains it (expected no cycles)")
    ]


def test_merge_key_values_written_out_win_without_a_duplicate_error(tmp_path: Path) -> None:
    loaded, issues = load_yaml(write(tmp_path, "base: &b {x: 1, y: 1}\nderived:\n  <<: *b\n  y: 2\n"))
    assert issues == []
    assert loaded.data["derived"] == {"x": 1, "y": 2}
    assert loaded.key_positions[("derived", "y")] == (4, 3)


def test_merge_key_needs_a_mapping(tmp_path: Path) -> None:
    assert messages(tmp_path, "a:\n  <<: [1]\n") == [
        (2, 8, "the merge key << takes a mapping or a list of mappings (expected e.g. <<: *defaults)")
    ]


def test_control_characters_are_positioned(tmp_path: Path) -> None:
    assert messages(tmp_path, "a: 1\nb: x\x07y\n") == [
        (
            2,
            5,
            "control character U+0007 is not allowed (expected printable text; delete it, or write "
            "it as an escape in a double-quoted string)",
        )
    ]


def test_text_direction_controls_are_refused(tmp_path: Path) -> None:
    assert messages(tmp_path, "a: x\u202ey\n")[0][:2] == (1, 5)


def test_utf16_is_named(tmp_path: Path) -> None:
    assert messages(tmp_path, "a: 1\n".encode("utf-16")) == [
        (1, 1, "file is encoded as UTF-16 (expected UTF-8; save it as UTF-8)")
    ]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    assert messages(tmp_path, b"\xef\xbb\xbfa: 1\n") == []


def test_python_tags_are_refused_wherever_they_are(tmp_path: Path) -> None:
    for text in (
        "a: !!python/name:os.system x\n",
        "a: !!python/object/apply:os.system [ls]\n",
        "a: !!binary eA==\n",
    ):
        assert messages(tmp_path, text)[0][2].startswith("tag !!"), text
    assert messages(tmp_path, "a: !!str 1\n") == []


def test_directory_and_broken_link_are_named(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    (tmp_path / "link.yaml").symlink_to(tmp_path / "gone.yaml")
    assert load_yaml(tmp_path / "dir.yaml")[1][0].message == "is a directory (expected a YAML file)"
    assert load_yaml(tmp_path / "link.yaml")[1][0].message == (
        f"is a broken symbolic link to '{tmp_path / 'gone.yaml'}' (expected a file, or a link to one)"
    )
