"""Constrained types shared by every concern's config model.

Each type carries its own error message in terms a platform engineer reads ("expected ..."),
so the loader can print `file:line:col field: message` without knowing the type.
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from modules.core.errors import show
from modules.core.provider_enums import accepted

# Commercial regions (2025). A region outside this list is almost always a typo.
KNOWN_REGIONS: tuple[str, ...] = (
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$")
_PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]{0,40}$")
_IAM_ROLE_NAME = re.compile(r"^[\w+=,.@*-]{1,64}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def _custom(kind: str, message: str, **context: object) -> PydanticCustomError:
    # `value` is shown as YAML spells it (null, true, 'text'), cut when long: never Python's None.
    if "value" in context:
        context["value"] = show(context["value"])
    return PydanticCustomError(kind, message, dict(context))


def _account_id(value: object) -> object:
    # YAML reads an unquoted 012345678901 as a number and drops the leading zero: insist on quotes.
    if isinstance(value, int) and not isinstance(value, bool):
        raise _custom(
            "account_id_unquoted",
            "account id {value} is a number (expected a quoted 12-digit string, e.g. '{padded}')",
            value=value,
            padded=str(value).zfill(12),
        )
    if not isinstance(value, str) or not _ACCOUNT_ID.match(value):
        raise _custom(
            "account_id", "{value} is not an AWS account id (expected exactly 12 digits)", value=value
        )
    return value


def _region(value: object) -> object:
    if value not in KNOWN_REGIONS:
        from difflib import get_close_matches

        hint = get_close_matches(str(value), KNOWN_REGIONS, n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        raise _custom(
            "region",
            "{value} is not an AWS region (expected e.g. ap-northeast-1{suggestion})",
            value=value,
            suggestion=suggestion,
        )
    return value


def _cidr(value: object) -> object:
    if not isinstance(value, str):
        raise _custom("cidr", "{value} is not a CIDR block (expected e.g. 10.0.0.0/16)", value=value)
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise _custom(
            "cidr",
            "{value} is not a valid IPv4 CIDR block: {reason} (expected e.g. 10.0.0.0/16)",
            value=value,
            reason=str(error),
        ) from None
    if not 16 <= network.prefixlen <= 24:
        raise _custom(
            "cidr_size",
            "{value} has prefix /{prefix} (expected /16 to /24, the "
            "range AWS allows for a VPC and that leaves room for subnets)",
            value=value,
            prefix=network.prefixlen,
        )
    return value


def _pattern(kind: str, regex: re.Pattern[str], expected: str):  # type: ignore[no-untyped-def]
    def check(value: object) -> object:
        if not isinstance(value, str) or not regex.match(value):
            raise _custom(kind, "{value} is not valid (expected " + expected + ")", value=value)
        return value

    return check


# WithJsonSchema: editors get the same constraints the validators enforce.
AccountId = Annotated[
    str, BeforeValidator(_account_id), WithJsonSchema({"type": "string", "pattern": r"^\d{12}$"})
]
Region = Annotated[
    str, BeforeValidator(_region), WithJsonSchema({"type": "string", "enum": list(KNOWN_REGIONS)})
]
Cidr = Annotated[
    str, BeforeValidator(_cidr), WithJsonSchema({"type": "string", "pattern": r"^\d+\.\d+\.\d+\.\d+/\d+$"})
]
Email = Annotated[str, BeforeValidator(_pattern("email", _EMAIL, "an e-mail address like ops@example.com"))]
Name = Annotated[
    str,
    BeforeValidator(
        _pattern("name", _NAME, "lower-case letters, digits and dashes, 2-40 characters, e.g. 'prod'")
    ),
]
PascalName = Annotated[
    str,
    BeforeValidator(
        _pattern("pascal_name", _PASCAL, "a PascalCase name of letters and digits, e.g. 'Billing'")
    ),
]
IamRoleName = Annotated[
    str,
    BeforeValidator(
        _pattern("iam_role_name", _IAM_ROLE_NAME, "an IAM role name: up to 64 of letters, digits and +=,.@_-")
    ),
]
# Log retention in days: one year is the floor everywhere (LOG-3), and CloudWatch Logs takes only
# the values its provider lists (548 days, say, fails `terraform plan`). The same days set the S3
# expiry and Object Lock of the log buckets, which take any whole number: the list is the limit.
MIN_RETENTION_DAYS = 365


def retention_values() -> tuple[int, ...]:
    days = accepted("aws_cloudwatch_log_group.retention_in_days")
    return tuple(day for day in days if isinstance(day, int) and day >= MIN_RETENTION_DAYS)


def _retention_days(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int):
        return value  # the int type check reports it
    allowed = retention_values()
    if value not in allowed:
        below = value < MIN_RETENTION_DAYS
        reason = "below the one-year floor (LOG-3)" if below else "not a period CloudWatch Logs offers"
        nearest = min((day for day in allowed if day >= value), default=allowed[-1])
        raise _custom(
            "retention_days",
            "{value} days is {reason} (expected one of {allowed}; nearest: {nearest})",
            value=value,
            reason=reason,
            allowed=", ".join(map(str, allowed)),
            nearest=nearest,
        )
    return value


RetentionDays = Annotated[
    int,
    AfterValidator(_retention_days),
    WithJsonSchema({"type": "integer", "enum": list(retention_values())}),
]
# Session durations are ISO 8601 hours, as Identity Center takes them.
SessionDuration = Literal["PT1H", "PT2H", "PT4H", "PT8H", "PT12H"]


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise _custom("duplicate", "{value} is listed twice (expected each value once)", value=value)
        seen.add(value)
    return values


UniqueList = AfterValidator(_unique)


def listed_twice(values: list[str]) -> list[str]:
    """The values that occur more than once, sorted: for data tables whose names must be unique."""
    return sorted({value for value in values if values.count(value) > 1})


@cache
def time_zones() -> frozenset[str]:
    """IANA zone names from the pinned `tzdata` package (its IANA_VERSION is the data version),
    not the machine's /usr/share/zoneinfo: every machine and CI runner then agrees."""
    import importlib.resources

    return frozenset(importlib.resources.files("tzdata").joinpath("zones").read_text().split())


def _time_zone(value: object) -> object:
    if not isinstance(value, str):
        return value  # the str type check reports it
    if value not in time_zones():
        from difflib import get_close_matches

        hint = get_close_matches(value, sorted(time_zones()), n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        raise _custom(
            "time_zone",
            "{value} is not an IANA time zone (expected e.g. Asia/Tokyo or UTC{suggestion})",
            value=value,
            suggestion=suggestion,
        )
    return value


# Maintenance windows take IANA zone names; anything else AWS refuses at apply.
TimeZone = Annotated[str, AfterValidator(_time_zone), WithJsonSchema({"type": "string"})]
