"""One content cache for plans and checkov results: keyed by content, evicted only where asked."""

from __future__ import annotations

from pathlib import Path

from modules.review.content_cache import ContentCache


def test_a_key_is_the_identity_and_every_named_input(tmp_path: Path) -> None:
    cache = ContentCache(tmp_path, "tools A")
    base = cache.key([("cdk.tf.json", b"{}"), ("terraform.tfstate", None)])
    assert cache.key([("cdk.tf.json", b"{}"), ("terraform.tfstate", None)]) == base
    assert cache.key([("cdk.tf.json", b"{}"), ("terraform.tfstate", b"")]) != base  # empty is not absent
    assert cache.key([("main.tf.json", b"{}"), ("terraform.tfstate", None)]) != base  # names count
    assert (
        ContentCache(tmp_path, "tools B").key([("cdk.tf.json", b"{}"), ("terraform.tfstate", None)]) != base
    )


def test_entries_are_grouped_and_only_what_was_used_is_kept_where_asked(tmp_path: Path) -> None:
    earlier = ContentCache(tmp_path, "tools")
    for group in ("dev", "prod"):
        earlier.put(group, [("plan", b"old")], b"old result")
        earlier.put(group, [("plan", b"new")], b"new result")
    (tmp_path / "0123abcd.json").write_text("{}")  # an entry of the flat layout of older reviews

    later = ContentCache(tmp_path, "tools")
    entry = later.get("dev", [("plan", b"new")])
    assert entry is not None and entry.read_bytes() == b"new result"
    assert later.get("dev", [("plan", b"other")]) is None
    later.evict_unused(["dev"])  # a review of dev only: prod's entries stay
    assert sorted(path.name for path in (tmp_path / "dev").iterdir()) == [entry.name]
    assert len(list((tmp_path / "prod").iterdir())) == 2
    assert (tmp_path / "0123abcd.json").is_file()

    later.evict_unused()  # a review of everything: what it did not use goes
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dev"]
    assert [path.name for path in (tmp_path / "dev").iterdir()] == [entry.name]


def test_a_missing_folder_evicts_nothing(tmp_path: Path) -> None:
    ContentCache(tmp_path / "never-written", "tools").evict_unused()
    ContentCache(tmp_path / "never-written", "tools").evict_unused(["dev"])
    assert not (tmp_path / "never-written").exists()
