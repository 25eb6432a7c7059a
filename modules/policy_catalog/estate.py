"""Every policy document of an estate, named by its source file, checked against AWS's catalog.

SCPs (`policies/scp/`), permission-set inline policies (`policies/permission_sets/`) and the AWS
managed policies they attach (`policies/managed/`), the MFA policy (`policies/iam_baseline/`), and
the log archive's bucket and key policies (`modules/log_archive/documents.py`). `lz validate`
turns the problems into findings (modules/policy_catalog/rules.py); the review reports the same
list with the catalog version.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from modules.core.errors import Loc
from modules.policy_catalog.cache import cached_check
from modules.policy_catalog.check import CatalogFinding

if TYPE_CHECKING:
    from modules.config.models import Estate

# Stands in for accounts the organization stack has yet to create (the ARNs stay well-formed).
_NEW_ACCOUNT = "000000000000"


@dataclass(frozen=True)
class NamedDocument:
    name: str  # the file it is rendered from
    document: dict[str, Any]
    loc: Loc  # where in organization.yaml a fix starts


def estate_documents(estate: Estate) -> Iterator[NamedDocument]:
    """Every document the estate deploys; broken templates are reported by their own checks."""
    yield from _scps(estate)
    yield from _permission_sets(estate)
    from modules.iam_baseline.baseline import require_mfa_policy

    yield NamedDocument("policies/iam_baseline/require-mfa.json", require_mfa_policy(), ())
    yield from _log_archive(estate)


def _scps(estate: Estate) -> Iterator[NamedDocument]:
    from modules.organization import guardrails
    from modules.organization.scp import ScpError

    try:
        rendered = guardrails.render_estate_scps(estate)
    except ScpError:
        return
    for name, scp in rendered.items():
        yield NamedDocument(f"policies/scp/{name}.json.j2", scp.document, ("guardrails",))


def _permission_sets(estate: Estate) -> Iterator[NamedDocument]:
    from modules.identity_center.permission_sets import PermissionSetError, permission_sets

    try:
        found = permission_sets(estate)
    except (PermissionSetError, KeyError):
        return
    for permission_set in found:
        loc: Loc = ("identity_center", "job_roles", permission_set.job_role)
        if permission_set.inline_policy is not None:
            name = f"policies/permission_sets/{permission_set.template}.json.j2 ({permission_set.name})"
            yield NamedDocument(name, permission_set.inline_policy, loc)


def managed_documents() -> Iterator[NamedDocument]:
    """The AWS managed policies attached: AWS's text, checked for the record but never an error.

    AWS keeps actions of retired services in its own documents (ReadOnlyAccess names `iotevents:`,
    `iot1click:`; SecurityAudit `codestar:`, `deepracer:`), which the catalog no longer lists; we
    cannot change those documents, so their findings are notes in the review, not validation errors.
    """
    from modules.identity_center.managed import attached_policy_paths, managed_policy

    for path in attached_policy_paths():
        document = managed_policy(path).document
        yield NamedDocument(f"policies/managed/{path}.json", dict(document), ("identity_center", "job_roles"))


def _log_archive(estate: Estate) -> Iterator[NamedDocument]:
    from modules.log_archive import documents

    org = estate.organization
    accounts = {role: account.id or _NEW_ACCOUNT for role, account in estate.accounts().items()}
    context = documents.ArchiveContext(
        region=org.home_region,
        log_archive_account=accounts["log_archive"],
        management_account=accounts["management"],
        reader_accounts=(accounts["log_archive"], accounts["audit"]),
        estate_accounts=tuple(sorted(set(accounts.values()))),
        deployment_role_arn=f"arn:aws:iam::{accounts['log_archive']}:role/{org.deployment.role_name}",
        bucket=estate.log_bucket,
        access_log_bucket=estate.access_log_bucket,
    )
    source = "modules/log_archive/documents.py"
    yield NamedDocument(f"{source} (key policy)", documents.key_policy(context), ("log_archive",))
    yield NamedDocument(f"{source} (log bucket)", documents.log_bucket_policy(context), ("log_archive",))
    yield NamedDocument(
        f"{source} (access-log bucket)", documents.access_log_bucket_policy(context), ("log_archive",)
    )


def estate_catalog_findings(estate: Estate) -> list[tuple[NamedDocument, CatalogFinding]]:
    return [
        (named, finding)
        for named in estate_documents(estate)
        for finding in cached_check(named.document, named.name)
    ]
