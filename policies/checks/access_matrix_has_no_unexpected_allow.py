"""The access matrix on the synthesized estate has no unexpected Allow.

Each account's SCP and RCP chains are read from the synthesized organization stack (the OU its
`aws_organizations_account` is placed in, that OU's parents, the root, with the policies' planned
content); identity policies are the permission sets (AWS's real managed documents plus the inline
policy) and the fixed principals. Probes: `policies/access-probes.yaml`. A failure names the
account, principal, probe and the statement that allowed it."""

from collections.abc import Iterator

from modules.policy_catalog.access import access_matrix
from modules.policy_catalog.synthesized import chains, rcp_chains
from modules.review.checks import CheckContext, Outcome, check


@check(
    "LZ_SCP_004",
    "Access matrix: no unexpected Allow under each account's real SCP and RCP chains",
)
def access_matrix_has_no_unexpected_allow(ctx: CheckContext) -> Iterator[Outcome]:
    for stack in ctx.stacks.values():
        if "aws_organizations_account" not in stack.synthesized.get("resource", {}):
            continue
        synthesized = stack.synthesized
        matrix = access_matrix(ctx.estate, chains=chains(synthesized), rcp_chains=rcp_chains(synthesized))
        for account in dict.fromkeys(cell.account for cell in matrix.cells):
            cells = [cell for cell in matrix.cells if cell.account == account]
            bad = [cell for cell in cells if cell.unexpected]
            for cell in bad:
                message = f"{cell.decision} for {cell.principal} ({cell.requirement}) by {cell.because}"
                yield Outcome(stack.name, f"access/{account}/{cell.principal}/{cell.probe}", False, message)
            if not bad:
                message = f"{len(cells)} evaluations under OU {cells[0].ou}: no unexpected Allow"
                yield Outcome(stack.name, f"access/{account}", True, message)
