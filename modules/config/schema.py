"""JSON Schemas for editors (yaml-language-server), generated from the models."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from modules.config.models import EnvironmentConfig, OrganizationConfig

SCHEMAS: dict[str, type[BaseModel]] = {
    "organization.schema.json": OrganizationConfig,
    "environment.schema.json": EnvironmentConfig,
}


def render_schema(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, model in SCHEMAS.items():
        path = directory / file_name
        path.write_text(render_schema(model), encoding="utf-8")
        written.append(path)
    return written
