"""Every member account the organization stack manages sits, as synthesized, in an OU whose
chain (Root, each OU above it, the account itself) carries SCP-1..5. Read from the Terraform the
stack will apply (`parent_id` of each account, `parent_id` of each OU, the SCP attachments), never
from the config's belief; in control_tower mode the region deny may be Control Tower's control."""

from collections.abc import Iterator

from modules.organization.guardrails import REQUIRED_GUARDRAILS, REQUIREMENT_OF
from modules.policy_catalog.synthesized import ROOT, ou_chain, target
from modules.review.checks import CheckContext, Outcome, check
from modules.review.model import StackView


def _reaching(stack: StackView, chain: list[str], account: str, account_id: str | None) -> set[str]:
    names = {a: str(b.get("name")) for a, b in stack.configured("resource", "aws_organizations_policy")}
    targets = {*chain, account} | ({account_id} if account_id else set())
    found = {
        names.get(target(body["policy_id"]), "")
        for _, body in stack.configured("resource", "aws_organizations_policy_attachment")
        if target(body["target_id"]) in targets
    }
    for _, body in stack.configured("resource", "aws_controltower_control"):
        if target(body.get("target_identifier")) in chain and "PV.1" in str(body.get("control_identifier")):
            found.add("region-deny")  # Control Tower's OU Region deny control stands in for SCP-2
    return found


@check("LZ_ORG_001", "Member accounts sit in an OU chain that carries SCP-1..5")
def accounts_sit_under_their_guardrails(ctx: CheckContext) -> Iterator[Outcome]:
    for stack in ctx.stacks.values():
        imports = {entry.get("to"): entry.get("id") for entry in stack.synthesized.get("import", [])}
        for address, body in stack.configured("resource", "aws_organizations_account"):
            chain = ou_chain(stack.synthesized, body.get("parent_id", ROOT))
            reaching = _reaching(stack, chain, address, imports.get(address))
            missing = [name for name in REQUIRED_GUARDRAILS if name not in reaching]
            where = " < ".join(chain)
            if missing:
                labels = ", ".join(f"{name} ({REQUIREMENT_OF[name]})" for name in missing)
                yield Outcome(stack.name, address, False, f"under {where}: not reached by {labels}")
            else:
                yield Outcome(stack.name, address, True, f"under {where}: SCP-1..5 reach it")
