"""Render the SCP templates in `policies/scp/` and prove each document fits AWS's rules.

Pure Python (Jinja2 + json): `lz validate`, the review checks and the construct all render through
`render_scp`, so what is validated is byte for byte what is deployed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from modules.core.policy_eval import PolicyError, validate_policy
from modules.core.policy_templates import DESCRIPTION, RenderedPolicy, compiled, sid_problem

SCP_DIR = Path(__file__).resolve().parents[2] / "policies" / "scp"
TEMPLATE_SUFFIX = ".json.j2"
# AWS Organizations quotas: characters of the minified document; policies per target incl. FullAWSAccess.
MAX_SCP_CHARS = 5120
MAX_SCPS_PER_TARGET = 5

# Actions the region deny never blocks: services that are global (served from us-east-1 whatever
# region is asked for) or have no regional endpoint. Modelled on AWS's Region-deny example and
# Control Tower's region deny control, trimmed to what this estate relies on.
GLOBAL_SERVICE_ACTIONS: tuple[str, ...] = (
    "access-analyzer:*",
    "account:*",
    "acm:*",  # CloudFront certificates live in us-east-1
    "aws-marketplace:*",
    "aws-portal:*",
    "budgets:*",
    "ce:*",
    "cloudfront:*",
    "cur:*",
    "directconnect:*",
    "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways",
    "fms:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "networkmanager:*",
    "organizations:*",
    "pricing:*",
    "route53:*",
    "route53domains:*",
    "s3:GetAccountPublic*",
    "s3:ListAllMyBuckets",
    "s3:PutAccountPublic*",
    "shield:*",
    "sts:*",
    "support:*",
    "trustedadvisor:*",
    "waf:*",
    "wafv2:*",
    "wellarchitected:*",
)

# Template syntax or a <PLACEHOLDER> surviving in a value means a variable was never filled.
_LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|<[A-Z][A-Z0-9_]*>")


class ScpError(ValueError):
    """A template that does not render to a valid SCP; the message names the template."""


@dataclass(frozen=True)
class ScpContext:
    """Everything the templates may use; built from config by `guardrails.scp_context`."""

    approved_regions: tuple[str, ...]
    global_actions: tuple[str, ...]
    region_exempt_principal_arns: tuple[str, ...]
    log_bucket_names: tuple[str, ...]
    log_admin_principal_arns: tuple[str, ...]
    security_admin_principal_arns: tuple[str, ...]

    def variables(self) -> dict[str, Any]:
        buckets = [f"arn:aws:s3:::{name}" for name in self.log_bucket_names]
        return {
            "approved_regions": list(self.approved_regions),
            "global_actions": list(self.global_actions),
            "region_exempt_principal_arns": list(self.region_exempt_principal_arns),
            "log_bucket_arns": buckets,
            "log_object_arns": [f"{arn}/*" for arn in buckets],
            "log_admin_principal_arns": list(self.log_admin_principal_arns),
            "security_admin_principal_arns": list(self.security_admin_principal_arns),
        }


RenderedScp = RenderedPolicy


def available_scps(directory: Path = SCP_DIR) -> tuple[str, ...]:
    """Template names (`region-deny`, ...) in `directory`, sorted."""
    return tuple(
        sorted(path.name.removesuffix(TEMPLATE_SUFFIX) for path in directory.glob(f"*{TEMPLATE_SUFFIX}"))
    )


def render_scp(name: str, context: ScpContext, directory: Path = SCP_DIR) -> RenderedScp:
    """Render one template; raise `ScpError` if it is missing, broken or not a valid SCP."""
    source = _template_source(directory, name)
    try:
        text = compiled(source).render(context.variables())
    except (jinja2.TemplateError, TypeError) as error:  # TypeError: `| tojson` of an undefined name
        raise ScpError(f"SCP template '{name}' does not render: {error}") from None
    document = check_document(name, text)
    return RenderedScp(name=name, description=_description(name, source), document=document)


def check_document(name: str, text: str) -> dict[str, Any]:
    """Valid JSON, no placeholder left, a well-formed policy, unique alphanumeric Sids."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScpError(f"SCP '{name}' is not valid JSON: {error.msg} at line {error.lineno}") from None
    for value in _strings(document):
        leftover = _LEFTOVER.search(value)
        if leftover:
            raise ScpError(f"SCP '{name}' still contains placeholder '{leftover.group()}' in {value!r}")
    if not isinstance(document, dict) or document.get("Version") != "2012-10-17":
        raise ScpError(f'SCP \'{name}\' needs "Version": "2012-10-17" at the top level')
    try:
        validate_policy(document)
    except PolicyError as error:
        raise ScpError(f"SCP '{name}' is not a valid policy: {error}") from None
    problem = sid_problem(document["Statement"])
    if problem:
        raise ScpError(f"SCP '{name}': {problem}")
    return document


def _strings(value: Any) -> Iterator[str]:
    """Every key and string value of a JSON document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _template_source(directory: Path, name: str) -> str:
    path = directory / f"{name}{TEMPLATE_SUFFIX}"
    if not path.is_file():
        known = ", ".join(available_scps(directory)) or "none"
        raise ScpError(f"no SCP template '{name}' in {directory} (known: {known})")
    return path.read_text(encoding="utf-8")


def _description(name: str, source: str) -> str:
    match = DESCRIPTION.match(source)
    if not match:
        raise ScpError(f"SCP template '{name}' must start with {{#- description: ... -#}}")
    return match.group("text")
