"""The declarative EC2 policy (ORG-7): rendered per target from `declarative_policies:`, and judged.

Pure Python. The root gets `declarative_policies.root`; an OU listed under `ous` gets its own policy
whose settings replace the root's for that OU and below (a child's `@@assign` wins over its parent's,
so a setting switched off in an OU is written out as the relaxed value, not left out, else the root's
would still be inherited).

`blocks()` answers the evaluation tables' question: does the effective policy of an account stop
this EC2 operation? It reads the rendered document, so the tables test what is deployed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from modules.core.policy_templates import RenderedPolicy, render_document
from modules.organization.guardrails import ROOT, Target, account_ou
from modules.organization.perimeter_config import Ec2Settings

if TYPE_CHECKING:
    from modules.config.models import Estate

TEMPLATE = Path(__file__).resolve().parents[2] / "policies" / "declarative" / "ec2.json.j2"
# AWS Organizations quota for declarative policies (characters of the minified document).
MAX_DECLARATIVE_CHARS = 10_000
LOC = ("declarative_policies",)

Operation = Literal[
    "launch_with_imdsv1",
    "make_ami_public",
    "make_snapshot_public",
    "serial_console_connect",
    "internet_ingress_to_vpc",
    "internet_egress_from_vpc",
]
OPERATIONS: tuple[Operation, ...] = (
    "launch_with_imdsv1",
    "make_ami_public",
    "make_snapshot_public",
    "serial_console_connect",
    "internet_ingress_to_vpc",
    "internet_egress_from_vpc",
)


class DeclarativeError(ValueError):
    """The template does not render to a valid declarative policy."""


@dataclass(frozen=True)
class RenderedDeclarative(RenderedPolicy):
    target: Target


def _values(settings: Ec2Settings, *, explicit: bool) -> dict[str, Any]:
    """Template variables; a setting that is off is omitted at the root, relaxed below it."""

    def pick(on: bool, enforced: str, relaxed: str) -> str | None:
        return enforced if on else (relaxed if explicit else None)

    vpc_mode = settings.vpc_block_public_access
    return {
        "http_tokens": pick(settings.imdsv2_required, "required", "no_preference"),
        "hop_limit": settings.imds_hop_limit,
        "image_block_public_access": pick(
            settings.block_public_ami_sharing, "block_new_sharing", "unblocked"
        ),
        "snapshot_block_public_access": pick(
            settings.block_public_snapshot_sharing, "block_all_sharing", "unblocked"
        ),
        "serial_console_access": pick(settings.serial_console_disabled, "disabled", "enabled"),
        "vpc_block_public_access": vpc_mode if vpc_mode != "off" else ("off" if explicit else None),
        "allowed_image_providers": list(settings.allowed_image_providers),
    }


def policy_name(target: Target) -> str:
    return "ec2-baseline" if target.kind == "root" else f"ec2-{target.slug}"


def render(target: Target, settings: Ec2Settings) -> RenderedDeclarative:
    source = TEMPLATE.read_text(encoding="utf-8")
    variables = _values(settings, explicit=target.kind != "root")
    description, document = render_document(source, variables, TEMPLATE.name, DeclarativeError)
    if set(document) != {"ec2_attributes"}:
        raise DeclarativeError(f"{TEMPLATE.name}: a DECLARATIVE_POLICY_EC2 has one key, ec2_attributes")
    return RenderedDeclarative(
        name=policy_name(target), description=description, document=document, target=target
    )


def declarative_policies(estate: Estate) -> list[RenderedDeclarative]:
    """Root first, then the OU overrides in config order; empty when the feature is off."""
    config = estate.organization.declarative_policies
    if not config.enabled:
        return []
    rendered = [render(Target("root", ROOT), config.root)]
    rendered += [render(Target("ou", path), settings) for path, settings in config.ous.items()]
    return rendered


def effective_attributes(estate: Estate, account: str) -> dict[str, Any]:
    """The EC2 attributes an account ends up with: root, then each OU on its path (child wins)."""
    by_target = {policy.target: policy.document["ec2_attributes"] for policy in declarative_policies(estate)}
    parts = account_ou(estate)[account].split("/")
    chain = [Target("root", ROOT), *(Target("ou", "/".join(parts[:i])) for i in range(1, len(parts) + 1))]
    merged: dict[str, Any] = {}
    for target in chain:
        merged.update(by_target.get(target, {}))
    return merged


def _assigned(attributes: dict[str, Any], *path: str) -> str | None:
    value: Any = attributes
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value.get("@@assign") if isinstance(value, dict) else None


def blocks(attributes: dict[str, Any], operation: Operation) -> bool:
    """Whether EC2 refuses `operation` in an account with these effective attributes."""
    if operation == "launch_with_imdsv1":
        return _assigned(attributes, "instance_metadata_defaults", "http_tokens") == "required"
    if operation == "make_ami_public":
        return _assigned(attributes, "image_block_public_access", "state") == "block_new_sharing"
    if operation == "make_snapshot_public":
        return _assigned(attributes, "snapshot_block_public_access", "state") in (
            "block_all_sharing",
            "block_new_sharing",
        )
    if operation == "serial_console_connect":
        return _assigned(attributes, "serial_console_access", "status") == "disabled"
    mode = _assigned(attributes, "vpc_block_public_access", "internet_gateway_block", "mode")
    if operation == "internet_ingress_to_vpc":
        return mode in ("block_ingress", "block_bidirectional")
    return mode == "block_bidirectional"
