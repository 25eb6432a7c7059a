"""Policy YAML files (suppressions, change-safety allow-list, compliance map): strict shape, and
the governance every exception needs (reason, owner, expiry in the future).

Shape errors (YAML syntax, unknown keys, wrong types) are bad input: `file:line:col` and exit 2,
like `lz validate`. A missing reason or a past expiry is a review finding instead (exit 1): the
file is readable, but the exception it grants is not acceptable.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, Field, ValidationError

from modules.config.pydantic_errors import to_issues
from modules.core.base import StrictModel
from modules.core.errors import ConfigError, ConfigIssue, Loc
from modules.core.yaml_loader import LoadedYaml, load_yaml
from modules.review.model import Result, Waiver

Model = TypeVar("Model", bound=BaseModel)
MIN_REASON_CHARS = 15


def load_policy(path: Path, model: type[Model]) -> tuple[Model, LoadedYaml]:
    """Parse and shape-check one policy file; every problem at once as a `ConfigError`."""
    if not path.is_file():
        raise ConfigError([ConfigIssue(str(path), 1, 1, "<document>", "file not found")])
    source, issues = load_yaml(path)
    if issues:
        raise ConfigError(issues)
    try:
        return model.model_validate(source.data), source
    except ValidationError as error:
        raise ConfigError(to_issues(error, model, source)) from None


class Justified(StrictModel):
    """Fields every reasoned exception carries; checked by `governance_issues`, not by shape."""

    reason: str = Field(default="", description="Why this is acceptable, in a sentence a reviewer can judge.")
    owner: str = Field(default="", description="Who answers for it (team or person).")
    expires: dt.date | None = Field(default=None, description="Date after which the entry fails the review.")

    def waiver(self, origin: str) -> Waiver:
        return Waiver(self.reason.strip(), self.owner.strip(), str(self.expires), origin)


def governance_issues(
    entries: list[Justified], source: LoadedYaml, loc_prefix: Loc, today: dt.date
) -> list[ConfigIssue]:
    """A reason, an owner and a future expiry for every entry; each lack is a finding."""
    issues = []
    for index, entry in enumerate(entries):
        loc = (*loc_prefix, index)
        if len(entry.reason.strip()) < MIN_REASON_CHARS:
            issues.append(
                source.issue(
                    (*loc, "reason"),
                    f"no reason given (expected a sentence of at least {MIN_REASON_CHARS} characters "
                    "saying why this is acceptable)",
                )
            )
        if not entry.owner.strip():
            issues.append(source.issue((*loc, "owner"), "no owner (expected the team or person answering)"))
        if entry.expires is None:
            issues.append(source.issue((*loc, "expires"), "no expiry date (expected e.g. 2026-12-31)"))
        elif entry.expires < today:
            issues.append(
                source.issue(
                    (*loc, "expires"),
                    f"expired on {entry.expires} (today is {today}); renew it with a reason or fix the cause",
                )
            )
    return issues


def matches(pattern: str, result: Result) -> bool:
    """`aws_s3_bucket.logs`, `prod:aws_s3_bucket.*` or `*`: glob on the address or stack:address."""
    return fnmatch.fnmatchcase(result.address, pattern) or fnmatch.fnmatchcase(result.key, pattern)


def origin(source: LoadedYaml, loc: Loc) -> str:
    line, _column = source.position(loc)
    return f"{source.name}:{line}"
