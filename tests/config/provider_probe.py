"""Derive the value lists the AWS provider enforces, from the provider itself (not retyped).

`terraform validate` on resources given a value no list contains makes the provider's own
validation answer "expected <attribute> to be one of [...]": the list is read from there. The
result is committed as modules/core/data/provider_enums.json, so `lz validate` never runs
Terraform. Refresh it after a provider upgrade (offline, from the provider mirror):

    uv run python -m tests.config.provider_probe --write
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from modules.core.provider_enums import DATA_FILE
from modules.review.plugin_cache import PROVIDER, PROVIDER_VERSION
from modules.review.terraform_cli import Terraform, find_mirror, write_cli_config

BAD = "not-a-value"
# resource type -> (attribute path as validate reports it, the resource's body with the probe in it)
PROBES: dict[str, tuple[str, dict[str, Any]]] = {
    "aws_cloudwatch_log_group": ("retention_in_days", {"name": "p", "retention_in_days": -1}),
    "aws_flow_log": (
        "max_aggregation_interval",
        {
            "vpc_id": "vpc-1",
            "traffic_type": "ALL",
            "log_destination": "arn:aws:s3:::b",
            "max_aggregation_interval": -1,
        },
    ),
    "aws_ssm_patch_baseline": ("operating_system", {"name": "probe", "operating_system": BAD}),
    "aws_s3_bucket_object_lock_configuration": (
        "mode",
        {"bucket": "b", "rule": [{"default_retention": [{"mode": BAD, "days": 1}]}]},
    ),
    "aws_budgets_budget": (
        "time_unit",
        {"budget_type": "COST", "limit_amount": "1", "limit_unit": "USD", "time_unit": BAD},
    ),
}
_ONE_OF = re.compile(r"expected (?:\S+\.)?(\w+) to be one of \[(.*)\], got")
_VALUE = re.compile(r'"([^"]*)"|(-?\d+)')


def probe_config() -> dict[str, Any]:
    return {
        "terraform": {
            "required_providers": {"aws": {"source": "hashicorp/aws", "version": PROVIDER_VERSION}}
        },
        "provider": {"aws": [{"region": "us-east-1"}]},
        "resource": {kind: {"probe": body} for kind, (_, body) in PROBES.items()},
    }


def parse_lists(diagnostics: list[dict[str, Any]]) -> dict[str, list[int | str]]:
    found: dict[str, list[int | str]] = {}
    for diagnostic in diagnostics:
        match = _ONE_OF.search(diagnostic.get("summary", ""))
        address = diagnostic.get("address", "")
        if not match or not address.endswith(".probe"):
            continue
        kind = address.removesuffix(".probe")
        values = [text if text or not number else int(number) for text, number in _VALUE.findall(match[2])]
        found[f"{kind}.{match[1]}"] = values
    return found


def derive() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        terraform = Terraform(write_cli_config(work / "build", find_mirror()))
        (work / "main.tf.json").write_text(json.dumps(probe_config()), encoding="utf-8")
        init = terraform.run(work, "init", "-input=false", "-no-color")
        if init.returncode != 0:
            raise RuntimeError(f"terraform init failed: {init.stderr[-2000:]}")
        result = terraform.run(work, "validate", "-json", "-no-color")
        enums = parse_lists(json.loads(result.stdout)["diagnostics"])
    missing = sorted(f"{kind}.{attribute}" for kind, (attribute, _) in PROBES.items())
    missing = [key for key in missing if key not in enums]
    if missing:
        raise RuntimeError(f"the provider did not list accepted values for {', '.join(missing)}")
    return {
        "provider": PROVIDER,
        "version": PROVIDER_VERSION,
        "derived_by": "tests/config/provider_probe.py (terraform validate; the provider's own validation)",
        "enums": dict(sorted(enums.items())),
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2) + "\n"


def main(argv: list[str]) -> int:
    text = render(derive())
    if "--write" in argv:
        DATA_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {DATA_FILE}")
        return 0
    current = DATA_FILE.read_text(encoding="utf-8") == text
    print(f"{DATA_FILE}: {'current' if current else 'out of date; run with --write'}")
    return 0 if current else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
