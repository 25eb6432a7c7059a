"""The offline target: a synthesized stack rewritten so Terraform can plan it without AWS.

Offline planning needs a provider that never calls AWS: dummy credentials, the skip flags, no
assume-role (the provider would call STS) and a local backend. Those changes are made to a copy
of the synthesized JSON (the review's plan folder); the synthesized stack itself keeps the real
settings, and the review's own checks read both. Pure functions on the synthesized JSON.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from modules.review import prior_state

OFFLINE_PROVIDER_SETTINGS = {
    "access_key": "offline-plan",
    "secret_key": "offline-plan",
    "skip_credentials_validation": True,
    "skip_requesting_account_id": True,
    "skip_metadata_api_check": True,
    "skip_region_validation": True,
}
REGION_ALIAS = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")


def offline_copy(synthesized: dict[str, Any], *, state: dict[str, Any] | None = None) -> dict[str, Any]:
    """The stack as Terraform can plan it here: same resources, provider and backend made offline.

    `prevent_destroy` is dropped: with it, Terraform stops at the first destroy of such a resource
    with an error and no plan. Without it the plan shows every destroy, and change safety fails
    the review for each resource that carries it in the synthesized stack (`protected_addresses`).
    With `state`, a provider the state's resources were made with but the stack no longer has (a
    removed region) is added back, offline, so Terraform plans their destroy instead of failing;
    change safety names them (`missing_providers`).
    """
    offline = copy.deepcopy(synthesized)
    providers = offline.setdefault("provider", {}).setdefault("aws", [])
    for provider in providers:
        provider.pop("assume_role", None)
        provider.pop("allowed_account_ids", None)  # unknowable without calling STS
        provider.update(OFFLINE_PROVIDER_SETTINGS)
    for alias in missing_providers(synthesized, state or {}):
        region = alias if REGION_ALIAS.match(alias) else providers[0].get("region", "us-east-1")
        providers.append({"alias": alias, "region": region, **OFFLINE_PROVIDER_SETTINGS})
    drop_prevent_destroy(offline)
    offline.setdefault("terraform", {})["backend"] = {"local": {"path": "terraform.tfstate"}}
    # An import reads the real resource from AWS: offline it plans as a create, which
    # change_safety.plan_changes reports as "import" (the synthesized import blocks say which).
    offline.pop("import", None)
    return offline


def drop_prevent_destroy(config: dict[str, Any]) -> None:
    """Remove `prevent_destroy` from every resource of a stack meant for planning only."""
    for named in config.get("resource", {}).values():
        for body in named.values():
            lifecycle = body.get("lifecycle")
            if isinstance(lifecycle, dict):
                lifecycle.pop("prevent_destroy", None)
                if not lifecycle:
                    body.pop("lifecycle")


def protected_addresses(synthesized: dict[str, Any]) -> list[str]:
    """Resources the synthesized stack marks `prevent_destroy` (the offline copy drops it)."""
    return sorted(
        f"{kind}.{name}"
        for kind, named in synthesized.get("resource", {}).items()
        for name, body in named.items()
        if (body.get("lifecycle") or {}).get("prevent_destroy") is True
    )


def missing_providers(synthesized: dict[str, Any], state: dict[str, Any]) -> list[str]:
    """Aliases of AWS providers the state's resources need but the stack no longer configures."""
    configured = {
        f"aws.{provider['alias']}" if provider.get("alias") else "aws"
        for provider in synthesized.get("provider", {}).get("aws", [])
    }
    needed = prior_state.state_providers(state)
    return sorted(key.split(".", 1)[1] for key in needed - configured if "." in key)
