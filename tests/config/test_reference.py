"""The generated field reference (`lz docs`): every field explained, every default shown as YAML."""

from __future__ import annotations

import re

from pydantic import BaseModel

from modules.config.models import EnvironmentConfig, OrganizationConfig
from modules.config.reference import _models, render_reference
from modules.organization.config import DEFAULT_ROOT_SCPS
from tests.support import ROOT

# A table row: | `key` | type | default | meaning |, the type and meaning may hold escaped pipes.
_ROW = re.compile(r"^\| `(?P<key>[a-z0-9_]+)` \| .+? \| (?P<default>\*\*required\*\*|`(?:[^`])*`) \| ")


def _every_model() -> list[type[BaseModel]]:
    return list(dict.fromkeys([*_models(OrganizationConfig), *_models(EnvironmentConfig)]))


def test_every_field_has_a_description() -> None:
    missing = [
        f"{model.__module__}.{model.__name__}.{name}"
        for model in _every_model()
        for name, field in model.model_fields.items()
        if not (field.description or "").strip()
    ]
    assert missing == [], "fields without description=: " + ", ".join(missing)


def test_every_default_is_required_or_a_yaml_value() -> None:
    rows = [line for line in render_reference().splitlines() if line.startswith("| `")]
    fields = sum(len(model.model_fields) for model in _every_model())
    shown = [match for line in rows if (match := _ROW.match(line))]
    unshown = [line for line in rows if not _ROW.match(line)]
    assert unshown == [], "rows without a required marker or a YAML default:\n" + "\n".join(unshown)
    assert len(shown) >= fields  # models reached from both files (Account, AccessGrant) appear twice
    assert "(computed)" not in render_reference()


def test_factory_defaults_show_the_built_value() -> None:
    reference = render_reference()
    assert f"| `root` | list of str | `[{', '.join(DEFAULT_ROOT_SCPS)}]` |" in reference
    assert "| `{type: local}` |" in reference  # a union's default names its discriminator
    assert "| `{schedule: 'cron(0 17 * * ? *)', retention_days: 35}` |" in reference


def test_committed_reference_is_current() -> None:
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == render_reference(), "docs/configuration.md is stale: run `lz docs`"
