"""AWS Config, GuardDuty and Security Hub run in every approved region.

Config: a recorder, an enabled recorder status and a delivery channel to the central log bucket per
approved region in every account's stack; in control_tower mode only in the management account
(`organization` stack), because Control Tower owns the recorders of the accounts it enrolls.
GuardDuty (an enabled detector) and Security Hub (the hub account) per approved region in the
audit account's `security` stack, the delegated administrator that auto-enables the members.
A resource's region is its provider's (AWS provider 5 has no per-resource region).
"""

from collections.abc import Callable, Iterator

from modules.config.topology import ORGANIZATION
from modules.review.checks import CheckContext, Outcome, check
from modules.review.model import PlannedResource, StackView

Requirement = tuple[str, Callable[[PlannedResource], bool]]  # (resource type, what makes it count)


def _config(log_bucket: str) -> dict[str, Requirement]:
    return {
        "config recorder": ("aws_config_configuration_recorder", lambda r: True),
        "enabled config recorder status": (
            "aws_config_configuration_recorder_status",
            lambda r: r.values.get("is_enabled") is True,
        ),
        f"config delivery channel to {log_bucket}": (
            "aws_config_delivery_channel",
            lambda r: r.values.get("s3_bucket_name") == log_bucket,
        ),
    }


SECURITY_SERVICES: dict[str, dict[str, Requirement]] = {
    "guardduty": {
        "enabled guardduty detector": (
            "aws_guardduty_detector",
            lambda r: r.values.get("enable") is not False,
        )
    },
    "security-hub": {"security hub": ("aws_securityhub_account", lambda r: True)},
}


def _regions_by_address(stack: StackView) -> dict[str, str]:
    """Each configured resource's region, from its provider configuration in the plan."""
    configuration = stack.plan.get("configuration", {})
    regions = {
        key: str(((provider.get("expressions") or {}).get("region") or {}).get("constant_value"))
        for key, provider in (configuration.get("provider_config") or {}).items()
    }
    return {
        resource["address"]: regions.get(resource.get("provider_config_key", "aws"), "unknown")
        for resource in configuration.get("root_module", {}).get("resources", [])
    }


def _expected(ctx: CheckContext, stack: StackView) -> dict[str, dict[str, Requirement]]:
    spec = ctx.spec(stack.name)
    control_tower = ctx.estate.control_tower_mode
    expected: dict[str, dict[str, Requirement]] = {}
    if not control_tower or stack.name == ORGANIZATION:
        expected["config"] = _config(ctx.estate.log_bucket)
    if spec is not None and spec.account_key == "audit":
        expected.update(SECURITY_SERVICES)
    return expected


def _missing(
    stack: StackView, region: str, regions: dict[str, str], parts: dict[str, Requirement]
) -> list[str]:
    missing = []
    for label, (resource_type, counts) in parts.items():
        present = [r for r in stack.planned(resource_type) if regions.get(r.address) == region and counts(r)]
        if not present:
            missing.append(label)
    return missing


@check(
    "LZ_DET_002",
    "Config, GuardDuty and Security Hub run in every approved region of the accounts they belong to",
)
def detection_services_in_every_approved_region(ctx: CheckContext) -> Iterator[Outcome]:
    approved = ctx.estate.organization.approved_regions
    for stack in ctx.stacks.values():
        regions = _regions_by_address(stack)
        for service, parts in _expected(ctx, stack).items():
            for region in approved:
                missing = _missing(stack, region, regions, parts)
                message = f"no {', '.join(missing)} in {region}" if missing else f"{service} on in {region}"
                yield Outcome(stack.name, f"{service}/{region}", not missing, message)
