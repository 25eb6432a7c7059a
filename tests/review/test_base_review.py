"""`lz review --base REF`: the head planned against the state its base's plans leave behind.

Real synthesis (the base with its own code, from a git commit), real Terraform, real checkov. The
base side is made once per session and copied into each test's plan cache, as CI restores it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from modules.cli import main
from tests.support import ROOT

pytestmark = [pytest.mark.synth, pytest.mark.terraform]
PROJECT_FILES = ("modules", "policies", "environments", "main.py", "cdktf.json", "pyproject.toml")
Files = dict[str, Any]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding this checkout's code and the sample; its HEAD is the base."""
    repo = tmp_path_factory.mktemp("base") / "repo"
    repo.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "fixtures"))
        else:
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "-c", "user.email=lz@example.test", "-c", "user.name=lz", "commit", "-q", "-m", "base")
    return repo


@pytest.fixture(scope="module")
def base_cache(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan cache after a review of the unchanged sample: the base's states and plans."""
    root = tmp_path_factory.mktemp("base-cache")
    code = review(project, root / "out", root / "cache")
    assert code == 0, (root / "out" / "report.md").read_text()[:3000]
    return root / "cache"


def review(repo: Path, out: Path, cache: Path, *extra: str) -> int:
    args = ["review", "--dir", str(repo / "environments"), "--out", str(out), "--plan-cache", str(cache)]
    return main([*args, "--base", "HEAD", *extra])


def head(
    project: Path, base_cache: Path, tmp_path: Path, edit: Callable[[Path], None], *extra: str
) -> tuple[int, dict[str, Any], str]:
    """Review the base's repository with `edit` applied to its working tree (not committed)."""
    repo = tmp_path / "repo"
    shutil.copytree(project, repo)
    edit(repo / "environments")
    cache = tmp_path / "cache"
    shutil.copytree(base_cache, cache)
    out = tmp_path / "out"
    code = review(repo, out, cache, *extra)
    markdown = (out / "report.md").read_text()
    return code, json.loads((out / "report.json").read_text()), markdown


def destructive(data: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (change["action"], change["stack"], change["address"])
        for change in data["changes"]
        if change["action"] in ("replace", "destroy", "orphan")
    }


def failed(data: dict[str, Any]) -> set[tuple[str, str]]:
    return {(r["check_id"], r["stack"]) for r in data["results"] if r["status"] == "failed"}


def test_an_unchanged_head_plans_to_zero_changes(
    project: Path, base_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, markdown = head(project, base_cache, tmp_path, lambda envs: None)
    assert code == 0, capsys.readouterr().err[-3000:]
    assert data["changes"] == []  # not one create, update, replace or destroy
    assert "base `HEAD`" in data["summary"]["prior_state"]
    assert all(stack["plan_reused"] for stack in data["stacks"].values())  # the base's own plans
    assert "Nothing is destroyed or replaced." in markdown


def edit_yaml(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def destroy_everything(envs: Path) -> None:
    edit_yaml(envs / "organization.yaml", "name: acme\n", "name: acme2\n")  # replaces the log buckets
    edit_yaml(envs / "organization.yaml", "[ap-northeast-1, ap-northeast-3]", "[ap-northeast-1]")
    edit_yaml(envs / "prod.yaml", "cidr: 10.10.0.0/16", "cidr: 10.40.0.0/16")  # replaces the VPC
    (envs / "stg.yaml").unlink()


def test_destructive_changes_are_named_and_fail_the_review(
    project: Path, base_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, markdown = head(project, base_cache, tmp_path, destroy_everything)
    assert code == 1, capsys.readouterr().err[-3000:]
    changes = destructive(data)
    # The estate rename replaces both log buckets (protected, prevent_destroy).
    buckets = {address for action, stack, address in changes if stack == "log-archive"}
    assert {"aws_s3_bucket.log-archive_log-bucket_D189E5CE"} <= buckets
    assert ("replace", "prod", "aws_vpc.network_vpc_4E8F0223") in changes
    # The removed region's resources are destroyed (Terraform could not: provider gone).
    assert ("destroy", "prod", "aws_accessanalyzer_analyzer.access_analyzer_ap-northeast-3") in changes
    # The deleted environment's resources would be orphaned.
    assert ("orphan", "stg", "aws_vpc.network_vpc_4E8F0223") in changes
    assert ("LZ_CHG_004", "stg") in failed(data)  # one result for the stack, all resources listed
    assert {
        ("LZ_CHG_001", "log-archive"),
        ("LZ_CHG_002", "prod"),
        ("LZ_CHG_003", "prod"),
        ("LZ_CHG_004", "stg"),
    } <= failed(data)
    top = markdown.split("<details", 1)[0]  # named before anything is folded
    assert "What this change does" in top
    # Replaces first, by name while the comment has room (log-archive leads), then counted by type.
    assert "aws_s3_bucket.log-archive_log-bucket_D189E5CE" in top
    assert "aws_vpc.network_vpc_4E8F0223" in top or "aws_vpc ×" in top
    vpc = next(c for c in data["changes"] if c["stack"] == "prod" and c["type"] == "aws_vpc")
    assert vpc["replace_paths"] == ["cidr_block"]
    assert vpc["origin"].endswith("prod.yaml:24:9 network.cidr")  # the YAML key that caused it
    assert "network.cidr" in top
    bucket = next(
        c for c in data["changes"] if c["address"] == "aws_s3_bucket.log-archive_log-bucket_D189E5CE"
    )
    assert "organization.yaml" in bucket["origin"]  # the renamed estate's name
    region = next(c for c in data["changes"] if c["region_removed"] == "ap-northeast-3")
    assert region["origin"].endswith("approved_regions")


def test_one_environment_never_shows_the_others_destroyed(
    project: Path, base_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, _ = head(project, base_cache, tmp_path, lambda envs: None, "--env", "prod")
    assert code == 0, capsys.readouterr().err[-3000:]
    assert set(data["stacks"]) == {"organization", "log-archive", "security", "prod"}
    assert destructive(data) == set() and data["removed_stacks"] == []


def raise_dev_budget(envs: Path) -> None:
    edit_yaml(envs / "dev.yaml", "monthly_limit_usd: 800", "monthly_limit_usd: 900")


def verdict_of(data: dict[str, Any]) -> tuple[Any, ...]:
    results = Counter((r["check_id"], r["stack"], r["address"], r["status"]) for r in data["results"])
    compliance = [(row["id"], row["verdict"], row["per_stack"]) for row in data["compliance"]]
    return data["verdict"], results, compliance, data["changes"]


def test_changed_plans_only_what_the_change_touches_and_takes_the_rest_from_the_cache(
    project: Path, base_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, markdown = head(project, base_cache, tmp_path / "changed", raise_dev_budget, "--changed")
    assert code == 0, capsys.readouterr().err[-3000:]
    assert data["changed_stacks"] == ["dev"]
    unchanged = {name for name, stack in data["stacks"].items() if stack["unchanged"]}
    assert unchanged == {"prod", "stg"}  # the role stacks are judged again: their checks read them
    assert set(data["stacks"]) == {"organization", "log-archive", "security", "prod", "stg", "dev"}
    assert "(unchanged: cached results)" in markdown and "**Changed since the base:** `dev`" in markdown
    # Counted in the compliance map from their cached results: the verdict of a full review.
    full_code, full, _ = head(project, base_cache, tmp_path / "full", raise_dev_budget)
    assert (code, verdict_of(data)) == (full_code, verdict_of(full))


def test_changed_needs_a_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["review", "--out", str(tmp_path / "out"), "--changed", "--state-dir", str(tmp_path)])
    assert code == 2 and "--changed compares every stack with a base" in capsys.readouterr().err
