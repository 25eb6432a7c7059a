"""Config rule of the policy catalog: every document of the estate within AWS's catalog (IAM-10)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from modules.core.errors import Loc
from modules.core.findings import Finding
from modules.core.rules import rule
from modules.policy_catalog import catalog
from modules.policy_catalog.estate import estate_catalog_findings

if TYPE_CHECKING:
    from modules.config.models import Estate


@rule("LZ_RULE_POL_001")
def policies_match_aws_catalog(estate: Estate) -> Iterator[Finding]:
    """Every policy document's actions, condition keys and ARNs exist in AWS's catalog."""
    try:
        version = catalog.version()
    except catalog.CatalogUnavailableError as error:
        yield Finding("organization", (), str(error))
        return
    for named, finding in estate_catalog_findings(estate):
        yield Finding(
            "organization", _written_at(estate, named.loc, finding.entry), f"{finding} [catalog {version}]"
        )


def _written_at(estate: Estate, loc: Loc, entry: str) -> Loc:
    """The YAML entry an offending value was copied from, where the config wrote it (an extra
    global action of the region deny); otherwise the section the document is rendered from."""
    extra = estate.organization.guardrails.extra_global_actions
    if loc == ("guardrails",) and entry in extra:
        return ("guardrails", "extra_global_actions", extra.index(entry))
    return loc
