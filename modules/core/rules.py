"""Config rules: what `lz validate` checks across files, after every file parsed on its own.

A rule is a function of the whole estate that yields `Finding`s, declared where its concern
lives (`modules/<concern>/rules.py`, or `modules/<concern>/<topic>_rules.py`):

    @rule("LZ_RULE_NET_001")
    def vpc_cidrs_do_not_overlap(estate: Estate) -> Iterator[Finding]:
        \"\"\"Environment VPCs never overlap.\"\"\"

Rules are found by their file names (modules/config/semantics.py), so a new rule needs no
registration. Its ID is stable forever: every message it produces ends with it, the generated
reference (docs/configuration.md) lists it with its docstring's first line, and bad-config
cases cite it. Vocabulary: a *rule* checks the config (`LZ_RULE_`), a *check* checks the planned
Terraform in the review (`LZ_`, policies/checks/).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from modules.core.findings import Finding

RULE_ID = re.compile(r"^LZ_RULE_[A-Z]{3}_\d{3}$")

EstateT_contra = TypeVar("EstateT_contra", contravariant=True)


class RuleError(Exception):
    """A rule declared wrongly: a developer's mistake, reported when the rules are gathered."""


@dataclass(frozen=True)
class Rule(Generic[EstateT_contra]):
    id: str
    function: Callable[[EstateT_contra], Iterable[Finding]]

    def __call__(self, estate: EstateT_contra) -> Iterator[Finding]:
        for finding in self.function(estate):
            yield Finding(finding.source, finding.loc, f"{finding.message} [{self.id}]")

    @property
    def name(self) -> str:
        return self.function.__name__

    @property
    def module(self) -> str:
        return self.function.__module__

    @property
    def summary(self) -> str:
        """The docstring's first sentence, for the reference."""
        doc = (self.function.__doc__ or "").strip()
        return " ".join(doc.split("\n\n", 1)[0].split()) if doc else self.name.replace("_", " ")


def rule(rule_id: str) -> Callable[[Callable[[EstateT_contra], Iterable[Finding]]], Rule[EstateT_contra]]:
    """Declare a config rule under its stable ID (`LZ_RULE_<AREA>_<NNN>`)."""
    if not RULE_ID.match(rule_id):
        raise RuleError(f"rule id '{rule_id}' must look like LZ_RULE_<AREA>_<NNN>, e.g. LZ_RULE_NET_001")

    def register(function: Callable[[EstateT_contra], Iterable[Finding]]) -> Rule[EstateT_contra]:
        return Rule(rule_id, function)

    return register
