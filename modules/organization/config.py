"""`organization.yaml`: accounts, OU layout, landing zone mode, alternate contacts (ORG-1..5)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from modules.core.base import StrictModel
from modules.core.types import AccountId, Email

_OU_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{0,63}$")


def _ou_name(value: object) -> object:
    from pydantic_core import PydanticCustomError

    if not isinstance(value, str) or not _OU_NAME.match(value):
        raise PydanticCustomError(
            "ou_name",
            "{value!r} is not a valid OU name (expected letters, "
            "digits, space, _ or -, starting with a letter)",
            {"value": value},
        )
    return value


OuName = Annotated[str, BeforeValidator(_ou_name)]


class Account(StrictModel):
    """An AWS account: existing ones carry their `id`; without one the organization stack creates it."""

    name: str = Field(min_length=1, max_length=50, description="Account name as shown in Organizations.")
    email: Email = Field(description="Root e-mail address; unique across the organization.")
    id: AccountId | None = Field(default=None, description="12-digit id (quoted) of an existing account.")


class CoreAccounts(StrictModel):
    """The three accounts every estate has (ORG-3): management, log archive, audit."""

    management: Account
    log_archive: Account
    audit: Account


class OrganizationalUnit(StrictModel):
    name: OuName
    children: list[OrganizationalUnit] = Field(default_factory=list)


class ControlTowerConfig(StrictModel):
    """Only read in `control_tower` mode."""

    version: str = Field(default="3.3", pattern=r"^\d+\.\d+$", description="Landing zone version.")


class LandingZoneConfig(StrictModel):
    """ORG-2: plain Organizations, or Control Tower (which then owns trail, Config, region deny)."""

    mode: Literal["organizations", "control_tower"] = "organizations"
    control_tower: ControlTowerConfig = Field(default_factory=ControlTowerConfig)


class Contact(StrictModel):
    name: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=50)
    email: Email
    phone: str = Field(pattern=r"^\+?[0-9 ()-]{6,25}$", description="E.g. +81 3 1234 5678.")


class ContactsConfig(StrictModel):
    """ORG-5: alternate contacts set on every account."""

    security: Contact
    billing: Contact
    operations: Contact


def ou_paths(units: list[OrganizationalUnit], parent: str = "") -> list[str]:
    """Every OU as a path (`Workloads/Prod`), parents before children."""
    paths: list[str] = []
    for unit in units:
        path = f"{parent}/{unit.name}" if parent else unit.name
        paths.append(path)
        paths.extend(ou_paths(unit.children, path))
    return paths
