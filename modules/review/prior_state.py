"""A Terraform state made from a plan: what the estate holds once that plan has been applied.

The base-aware review plans the pull request's head against the state its base would leave
behind, so Terraform itself decides what is updated, replaced or destroyed. Without AWS nobody
knows the values only AWS computes (ids, ARNs, timestamps): `after_unknown` in the plan. They get
placeholders that are

- typed by the provider's schema (a number is a number, a block is a list of objects),
- shaped like what AWS returns where the provider validates the shape (an ARN for `arn`/`*_arn`,
  twelve digits for an account id, `r-…` / `ou-…` for organization roots and OUs), so a
  reference to them still passes the provider's validation in the head's plan,
- deterministic (a hash of stack, address and attribute path), and kept from the previous state
  where it had one, so two states made from the same config are byte for byte the same.

A value that was unknown only because it depends on another unknown (a bucket policy naming the
bucket's ARN) is settled by planning again against the state: Terraform evaluates it from the
placeholders and plans an update; that update's `after` goes into the next state. `settled`
tells when a plan against the state changes nothing: then the state is what applying the config
would have left, as far as anything offline can know.

Pure JSON: Terraform runs elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.review.model import module_resources

PROVIDER_SOURCE = "registry.terraform.io/hashicorp/aws"
STATE_LINEAGE = "lz-review-base"
# Placeholders that must look like AWS's own values because the provider validates them where a
# reference carries them into another resource (checked against provider 5.100.0's validators).
_SHAPED: dict[tuple[str, str], str] = {
    ("aws_organizations_organization", "roots.id"): "root",
    ("aws_organizations_organizational_unit", "id"): "ou",
    ("aws_organizations_account", "id"): "account",
    ("aws_organizations_organization", "master_account_id"): "account",
    ("aws_organizations_organization", "accounts.id"): "account",
    ("aws_organizations_organization", "non_master_accounts.id"): "account",
    ("aws_organizations_organizational_unit", "accounts.id"): "account",
    ("aws_organizations_policy", "id"): "policy",
    ("aws_kms_key", "key_id"): "uuid",
    ("aws_kms_key", "id"): "uuid",
    ("aws_vpc", "id"): "vpc",
    ("aws_subnet", "id"): "subnet",
    ("aws_security_group", "id"): "sg",
    ("aws_internet_gateway", "id"): "igw",
    ("aws_nat_gateway", "id"): "nat",
    ("aws_route_table", "id"): "rtb",
    ("aws_network_acl", "id"): "acl",
    ("aws_eip", "id"): "eipalloc",
    ("aws_eip", "allocation_id"): "eipalloc",
    ("aws_vpc_endpoint", "id"): "vpce",
    ("aws_guardduty_detector", "id"): "hex32",
    ("aws_guardduty_detector", "account_id"): "account",
    ("aws_ssm_patch_baseline", "id"): "pb",
}


# ARNs in AWS's own format for the types whose ARNs the stacks write into policy documents: the
# review checks those documents' resources against AWS's catalog, as it would the real values.
_ARNS = {
    "aws_cloudwatch_log_group": "arn:aws:logs:{region}:{account}:log-group:{name}",
    "aws_iam_role": "arn:aws:iam::{account}:role/{name}",
    "aws_iam_service_linked_role": "arn:aws:iam::{account}:role/aws-service-role/{name}",
    "aws_kms_key": "arn:aws:kms:{region}:{account}:key/{uuid}",
    "aws_sns_topic": "arn:aws:sns:{region}:{account}:{name}",
    "aws_sqs_queue": "arn:aws:sqs:{region}:{account}:{name}",
    "aws_s3_bucket": "arn:aws:s3:::{name}",
    "aws_ce_anomaly_monitor": "arn:aws:ce::{account}:anomalymonitor/{uuid}",
    "aws_ssoadmin_permission_set": "arn:aws:sso:::permissionSet/ssoins-{digest}/ps-{digest}",
    "aws_cloudtrail": "arn:aws:cloudtrail:{region}:{account}:trail/{name}",
    "aws_backup_vault": "arn:aws:backup:{region}:{account}:backup-vault:{name}",
}

# Computed lists the stacks read by index.
_ONE_ELEMENT = frozenset({("aws_organizations_organization", "roots")})


class Schemas:
    """Attribute types and schema versions of the provider's resource types (from
    `terraform providers schema -json`)."""

    def __init__(self, resource_schemas: Mapping[str, Any]) -> None:
        self.resources = resource_schemas

    @classmethod
    def from_file(cls, path: Path) -> Schemas:
        data = json.loads(path.read_text(encoding="utf-8"))
        schemas = data.get("resource_schemas")
        if schemas is None:  # the full `providers schema -json` document
            schemas = data["provider_schemas"][PROVIDER_SOURCE]["resource_schemas"]
        return cls(schemas)

    def type_of(self, resource_type: str) -> Any:
        """The resource's object type in Terraform's JSON type notation."""
        return _block_type(self.resources[resource_type]["block"])

    def version(self, resource_type: str) -> int:
        return int(self.resources[resource_type].get("version", 0))

    def defaulted(self, resource_type: str) -> frozenset[str]:
        """Dotted paths of attributes that are optional and computed: AWS fills them when the config
        does not. Unknown, they stay null (not set), never a made-up value that means something:
        a route's `instance_id`, a bucket's legacy `object_lock_configuration`."""
        # The SDK declares every resource's `id` optional and computed; it is the identity.
        return frozenset(_defaulted(self.resources[resource_type]["block"], ())) - {"id"}


def _defaulted(block: Mapping[str, Any], path: tuple[str, ...]) -> Iterator[str]:
    for name, attribute in (block.get("attributes") or {}).items():
        if attribute.get("optional") and attribute.get("computed"):
            yield ".".join((*path, name))
    for name, nested in (block.get("block_types") or {}).items():
        yield from _defaulted(nested["block"], (*path, name))


def _block_type(block: Mapping[str, Any]) -> Any:
    attributes: dict[str, Any] = {}
    for name, attribute in (block.get("attributes") or {}).items():
        attributes[name] = attribute["type"] if "type" in attribute else _nested(attribute["nested_type"])
    for name, nested in (block.get("block_types") or {}).items():
        inner = _block_type(nested["block"])
        mode = nested.get("nesting_mode", "list")
        attributes[name] = inner if mode in ("single", "group") else [_COLLECTION[mode], inner]
    return ["object", attributes]


_COLLECTION = {"list": "list", "set": "set", "map": "map"}


def _nested(nested: Mapping[str, Any]) -> Any:
    inner = _block_type({"attributes": nested.get("attributes") or {}})
    mode = nested.get("nesting_mode", "single")
    return inner if mode == "single" else [_COLLECTION[mode], inner]


@dataclass(frozen=True)
class _Site:
    stack: str
    address: str
    resource_type: str
    region: str
    defaulted: frozenset[str] = frozenset()
    referenced: frozenset[str] = frozenset()  # attributes of this type other resources read
    account: str = ""  # the stack's account (its provider's assume-role ARN), for ARNs
    known: Mapping[str, Any] = field(default_factory=dict)  # the resource's known values (its name)


# `${aws_vpc.main.id}`, `${aws_organizations_organization.org.roots[0].id}`: a value that is
# exactly another resource's attribute takes that attribute's placeholder at once, which saves a
# plan per level of such references (VPC -> subnet -> NAT gateway -> route).
_REFERENCE = re.compile(r"^\$\{(aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)((?:\.[a-z0-9_]+|\[\d+\])+)\}$")
_STEP = re.compile(r"\.([a-z0-9_]+)|\[(\d+)\]")


def state_from_plan(
    plan: Mapping[str, Any],
    schemas: Schemas,
    *,
    stack: str,
    previous: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
    terraform_version: str = "1.11.4",
) -> dict[str, Any]:
    """The state (format 4) that applying `plan` would leave, unknowns filled (see module doc).

    `previous`: the state the plan was made against; its values fill what is unknown again (a
    replaced resource's new id keeps the placeholder it had). `config`: the stack's synthesized
    JSON, for its providers' regions (ARN placeholders) and its plain references.
    """
    builder = _Builder(plan, schemas, stack, previous or {}, config or {})
    resources: dict[tuple[str, str], dict[str, Any]] = {}
    for address, change in builder.changes.items():
        resource_type = change["type"]
        entry = resources.setdefault(
            (change.get("module_address", ""), address.rsplit("[", 1)[0]),
            {
                **({"module": change["module_address"]} if change.get("module_address") else {}),
                "mode": "managed",
                "type": resource_type,
                "name": change["name"],
                "provider": _provider_reference(builder.provider_key(change)),
                "instances": [],
            },
        )
        instance: dict[str, Any] = {
            "schema_version": schemas.version(resource_type),
            "attributes": builder.attributes(address),
            # Terraform compares sensitivity too: a value marked in the plan but not in the state
            # is planned as an update that changes nothing else.
            "sensitive_attributes": list(_sensitive_paths(change["change"].get("after_sensitive"), [])),
        }
        if "index" in change:
            instance = {"index_key": change["index"], **instance}
        entry["instances"].append(instance)
    return {
        "version": 4,
        "terraform_version": terraform_version,
        "serial": 1,
        "lineage": STATE_LINEAGE,
        "outputs": {},
        "resources": [resources[key] for key in sorted(resources)],
        "check_results": None,
    }


class _Builder:
    """Fills one plan's resources, each once, following plain references between them."""

    def __init__(
        self,
        plan: Mapping[str, Any],
        schemas: Schemas,
        stack: str,
        previous: Mapping[str, Any],
        config: Mapping[str, Any],
    ) -> None:
        self.schemas, self.stack, self.config = schemas, stack, config
        self.before = _instances(previous)
        self.keys = _provider_keys(plan)
        self.regions = _regions(config)
        self.account = _account(config)
        self.changes = {
            change["address"]: change
            for change in plan.get("resource_changes", [])
            if change.get("mode") == "managed" and (change.get("change") or {}).get("actions") != ["delete"]
        }
        self.done: dict[str, Any] = {}
        self.busy: set[str] = set()
        self.referenced = _referenced(config)

    def provider_key(self, change: Mapping[str, Any]) -> str:
        return self.keys.get(_config_address(change), "aws")

    def attributes(self, address: str) -> Any:
        if address in self.done:
            return self.done[address]
        self.busy.add(address)
        change = self.changes[address]
        resource_type = change["type"]
        site = _Site(
            self.stack,
            address,
            resource_type,
            self.regions.get(self.provider_key(change), ""),
            self.schemas.defaulted(resource_type),
            self.referenced.get(resource_type, frozenset()),
            self.account,
            change["change"].get("after") or {},
        )
        body = change["change"]
        after, unknown = self._resolved(address, body.get("after"), body.get("after_unknown"))
        filled = _fill(
            after,
            unknown,
            self.schemas.type_of(resource_type),
            site,
            (),
            self.before.get(address, {}).get("attributes"),
        )
        self.busy.discard(address)
        self.done[address] = filled
        return filled

    def _resolved(self, address: str, after: Any, unknown: Any) -> tuple[Any, Any]:
        """`after` and its unknown mask with the plain references filled in."""
        written = _written(self.config, address)
        if not isinstance(unknown, dict) or not isinstance(after, dict) or not written:
            return after, unknown
        after, mask = dict(after), dict(unknown)
        for name, flag in unknown.items():
            value = self._reference(written.get(name)) if flag is True else None
            if value is not None:
                after[name] = value
                mask.pop(name)
        return after, mask

    def _reference(self, written: Any) -> Any:
        if isinstance(written, list):
            values = [self._reference(item) for item in written]
            return values if all(value is not None for value in values) else None
        match = _REFERENCE.match(written) if isinstance(written, str) else None
        if match is None or match.group(1) not in self.changes or match.group(1) in self.busy:
            return None
        value: Any = self.attributes(match.group(1))
        for name, index in _STEP.findall(match.group(2)):
            if index:
                value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
            else:
                value = value.get(name) if isinstance(value, dict) else None
        return value


_ANY_REFERENCE = re.compile(r"\$\{(aws_[a-z0-9_]+)\.[A-Za-z0-9_-]+\.([a-z0-9_]+)")


def _referenced(config: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """type -> the attributes of resources of that type the stack refers to anywhere."""
    found: dict[str, set[str]] = {}
    for resource_type, attribute in _ANY_REFERENCE.findall(json.dumps(config.get("resource") or {})):
        found.setdefault(resource_type, set()).add(attribute)
    return {resource_type: frozenset(names) for resource_type, names in found.items()}


def _written(config: Mapping[str, Any], address: str) -> dict[str, Any]:
    """The resource's body as synthesized (None for one with an index: never written so)."""
    kind, _, name = address.partition(".")
    body: dict[str, Any] = (config.get("resource") or {}).get(kind, {}).get(name) or {}
    return body


def _account(config: Mapping[str, Any]) -> str:
    for provider in (config.get("provider") or {}).get("aws", []):
        for assume in provider.get("assume_role") or []:
            parts = str(assume.get("role_arn", "")).split(":")
            if len(parts) > 4 and parts[4].isdigit():
                return parts[4]
    return ""


def _regions(config: Mapping[str, Any]) -> dict[str, str]:
    return {
        (f"aws.{provider['alias']}" if provider.get("alias") else "aws"): str(provider.get("region", ""))
        for provider in (config.get("provider") or {}).get("aws", [])
    }


def settled(plan: Mapping[str, Any]) -> bool:
    """Whether a plan against a state changes nothing (every managed resource a no-op)."""
    return all(
        (change.get("change") or {}).get("actions") in (["no-op"], ["read"])
        for change in plan.get("resource_changes", [])
        if change.get("mode") == "managed"
    )


def state_addresses(state: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(address, type) of every managed resource instance a state holds."""
    found = []
    for resource in state.get("resources", []):
        if resource.get("mode") != "managed":
            continue
        prefix = f"{resource['module']}." if resource.get("module") else ""
        base = f"{prefix}{resource['type']}.{resource['name']}"
        for instance in resource.get("instances", []):
            index = instance.get("index_key")
            found.append((base if index is None else f"{base}[{json.dumps(index)}]", resource["type"]))
    return found


def state_resource_providers(state: Mapping[str, Any]) -> dict[str, str]:
    """address -> provider config key (`aws`, `aws.eu-west-1`) of each instance in the state."""
    found = {}
    for resource in state.get("resources", []):
        if resource.get("mode") != "managed":
            continue
        key = _provider_key(str(resource.get("provider", "")))
        prefix = f"{resource['module']}." if resource.get("module") else ""
        base = f"{prefix}{resource['type']}.{resource['name']}"
        for instance in resource.get("instances", []):
            index = instance.get("index_key")
            found[base if index is None else f"{base}[{json.dumps(index)}]"] = key
    return found


def state_providers(state: Mapping[str, Any]) -> set[str]:
    """Provider config keys (`aws`, `aws.eu-west-1`) the state's resources were made with."""
    return {_provider_key(str(resource.get("provider", ""))) for resource in state.get("resources", [])}


def _provider_key(reference: str) -> str:
    alias = reference.rsplit("]", 1)[1].lstrip(".") if "]" in reference else ""
    return f"aws.{alias}" if alias else "aws"


def _provider_reference(key: str) -> str:
    alias = key.split(".", 1)[1] if "." in key else ""
    return f'provider["{PROVIDER_SOURCE}"]' + (f".{alias}" if alias else "")


def _config_address(change: Mapping[str, Any]) -> str:
    address = str(change["address"])
    return address.rsplit("[", 1)[0] if address.endswith("]") else address


def _provider_keys(plan: Mapping[str, Any]) -> dict[str, str]:
    root = (plan.get("configuration") or {}).get("root_module") or {}
    return {
        resource["address"]: resource.get("provider_config_key", "aws")
        for resource in module_resources(root)
        if resource.get("mode") == "managed"
    }


def _instances(state: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    instances = [
        instance
        for resource in state.get("resources", [])
        if resource.get("mode") == "managed"
        for instance in resource.get("instances", [])
    ]
    return {
        address: instance for (address, _), instance in zip(state_addresses(state), instances, strict=True)
    }


def _fill(value: Any, unknown: Any, kind: Any, site: _Site, path: tuple[str, ...], old: Any) -> Any:
    """`value` with every unknown part replaced: the old value where there is one, else a placeholder."""
    if unknown is True:
        return _unknown(kind, site, path, old)
    if isinstance(kind, list) and kind[0] == "object":
        if value is None:
            return None
        fields: dict[str, Any] = kind[1]
        return {
            name: _fill(
                value.get(name),
                unknown.get(name) if isinstance(unknown, dict) else None,
                field_kind,
                site,
                (*path, name),
                old.get(name) if isinstance(old, dict) else None,
            )
            for name, field_kind in fields.items()
        }
    if isinstance(kind, list) and kind[0] in ("list", "set") and isinstance(value, list):
        masks = unknown if isinstance(unknown, list) else []
        olds = old if isinstance(old, list) else []
        return [
            _fill(
                item,
                masks[index] if index < len(masks) else None,
                kind[1],
                site,
                path,
                olds[index] if index < len(olds) else None,
            )
            for index, item in enumerate(value)
        ]
    if isinstance(kind, list) and kind[0] == "map" and isinstance(value, dict):
        key_masks: dict[str, Any] = unknown if isinstance(unknown, dict) else {}
        key_olds: dict[str, Any] = old if isinstance(old, dict) else {}
        return {
            key: _fill(item, key_masks.get(key), kind[1], site, (*path, key), key_olds.get(key))
            for key, item in value.items()
        }
    return value


def _unknown(kind: Any, site: _Site, path: tuple[str, ...], old: Any) -> Any:
    if old is not None:
        return old
    if ".".join(path) in site.defaulted:
        # Not set: null for a single value; an empty collection, which the provider would
        # otherwise plan as unknown again and again (an IAM role's `managed_policy_arns`).
        collection = kind[0] if isinstance(kind, list) else ""
        return {"list": [], "set": [], "map": {}}.get(collection)
    return _placeholder(kind, site, path)


def _sensitive_paths(mask: Any, path: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """`after_sensitive` as the state's list of paths (`get_attr` / `index` steps)."""
    if mask is True:
        yield path
    elif isinstance(mask, dict):
        for name, inner in mask.items():
            yield from _sensitive_paths(inner, [*path, {"type": "get_attr", "value": name}])
    elif isinstance(mask, list):
        for index, inner in enumerate(mask):
            step = {"type": "index", "value": {"value": index, "type": "number"}}
            yield from _sensitive_paths(inner, [*path, step])


_PRIMITIVES: dict[str, Any] = {"number": 0, "bool": False}


def _placeholder(kind: Any, site: _Site, path: tuple[str, ...]) -> Any:
    if kind == "string":
        return _string(site, path)
    if not isinstance(kind, list):
        return _PRIMITIVES.get(kind)  # dynamic: null is a valid value of any type
    collection, inner = kind
    if collection in ("list", "set"):
        # Read by index (`roots[0].id`): one element. Any other list is empty, a neutral value.
        listed = (site.resource_type, ".".join(path)) in _ONE_ELEMENT
        return [_placeholder(inner, site, path)] if listed else []
    if collection == "object":
        return {name: _placeholder(item, site, (*path, name)) for name, item in inner.items()}
    return {}  # map


def _digest(site: _Site, path: tuple[str, ...]) -> str:
    return hashlib.sha256(f"{site.stack}\0{site.address}\0{'.'.join(path)}".encode()).hexdigest()


def _string(site: _Site, path: tuple[str, ...]) -> str:
    digest = _digest(site, path)
    attribute = path[-1] if path else ""
    shape = _SHAPED.get((site.resource_type, ".".join(path)))
    if shape is not None:
        return _shaped(shape, digest)
    if path == ("arn",) and site.resource_type in _ARNS:
        return _ARNS[site.resource_type].format(
            region=site.region,
            account=site.account or _digits(digest),
            name=site.known.get("name") or site.known.get("bucket") or f"lz-base-{digest[:12]}",
            uuid=_SHAPES["uuid"](digest),
            digest=digest[:16],
        )
    if attribute == "arn" or attribute.endswith("_arn"):
        service = site.resource_type.removeprefix("aws_").split("_", 1)[0]
        return f"arn:aws:{service}:{site.region}:{site.account or _digits(digest)}:lz-base/{digest[:16]}"
    if attribute == "id" or (attribute in site.referenced and len(path) == 1):
        return _digits(digest) if attribute.endswith("account_id") else f"lz-base-{digest[:16]}"
    # Any other computed value: what AWS would report is unknowable, and made-up values mean
    # something (a route's `instance_id` is a route to an instance; an SNS topic's FIFO scope is
    # refused on a standard topic): the empty string is what the provider treats as "not set".
    return ""


_SHAPES: dict[str, Callable[[str], str]] = {
    "account": lambda digest: _digits(digest),
    "root": lambda digest: f"r-{digest[:4]}",
    "ou": lambda digest: f"ou-{digest[:4]}-{digest[4:12]}",
    "policy": lambda digest: f"p-{digest[:8]}",
    "uuid": lambda d: f"{d[:8]}-{d[8:12]}-4{d[13:16]}-8{d[17:20]}-{d[20:32]}",
    "hex32": lambda digest: digest[:32],
}


def _shaped(shape: str, digest: str) -> str:
    make = _SHAPES.get(shape)
    # vpc-, subnet-, pb-, …: a prefix and 17 hex digits, as EC2 and SSM ids are.
    return make(digest) if make is not None else f"{shape}-{digest[:17]}"


def _digits(digest: str) -> str:
    return str(int(digest[:15], 16) % 10**12).zfill(12)
