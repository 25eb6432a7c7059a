"""The YAML loader keeps positions and refuses what PyYAML would silently accept."""

from __future__ import annotations

from pathlib import Path

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
    _, issues = load_yaml(write(tmp_path, "[1, 2]: value\n"))
    assert "keys must be strings" in issues[0].message


def test_unreadable_bytes_are_an_issue_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "file.yaml"
    path.write_bytes(b"\xff\xfe\x00bad")
    _, issues = load_yaml(path)
    assert issues and "cannot read file" in issues[0].message
