"""Offline evaluation of IAM policy documents (SCPs, identity policies) against one request.

Why our own: the Python libraries found either expand actions (policyuniverse), lint documents
(parliament) or compute effective permissions from a live account (iam-ape); none evaluates a
document against (action, resource, context) offline. This one follows the IAM evaluation logic
for what the project's policies use, and refuses what it does not understand instead of guessing:

- an explicit `Deny` that matches wins; else a matching `Allow` allows; else the request is
  implicitly denied (`NOT_ALLOWED`);
- `Action`/`NotAction` match case-insensitively, `Resource`/`NotResource` case-sensitively, both
  with `*` and `?` wildcards;
- condition keys are case-insensitive; values within one operator are OR-ed, operators and keys
  AND-ed; negated operators (`StringNotEquals`, `ArnNotLike`, ...) are true for an absent key;
  `...IfExists`, `ForAnyValue:` and `ForAllValues:` are supported.

SCP semantics: an SCP layer allows what some statement allows and no statement denies, so a
guardrail is evaluated together with `FULL_AWS_ACCESS`: `evaluate([FULL_AWS_ACCESS, scp], request)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any

Policy = Mapping[str, Any]
ContextValue = str | bool | int | Sequence[str]

# The AWS managed SCP attached to every target by default.
FULL_AWS_ACCESS: Policy = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}],
}


class PolicyError(ValueError):
    """A document the evaluator cannot judge faithfully (malformed, or a feature it lacks)."""


class Decision(Enum):
    ALLOW = "Allow"
    DENY = "Deny"  # explicit deny
    NOT_ALLOWED = "NotAllowed"  # implicit deny: no statement allows


@dataclass(frozen=True)
class Request:
    """One API call as IAM sees it. `region` and `principal_arn` fill the usual global keys."""

    action: str
    resource: str = "*"
    principal_arn: str | None = None
    region: str | None = None
    context: Mapping[str, ContextValue] = field(default_factory=dict)

    def values(self, key: str) -> list[str] | None:
        """The request's values for a condition key (case-insensitive), or None when absent."""
        merged = {k.lower(): v for k, v in self.context.items()}
        if self.principal_arn is not None:
            merged.setdefault("aws:principalarn", self.principal_arn)
        if self.region is not None:
            merged.setdefault("aws:requestedregion", self.region)
        value = merged.get(key.lower())
        if value is None:
            return None
        if isinstance(value, bool):
            return [str(value).lower()]
        if isinstance(value, str | int):
            return [str(value)]
        return [str(item) for item in value]


@dataclass(frozen=True)
class Match:
    """A statement that matched the request: which policy (by index), its Sid and effect."""

    policy_index: int
    sid: str
    effect: str


def evaluate(policies: Iterable[Policy], request: Request) -> Decision:
    """Allow, explicit Deny, or NotAllowed for `request` under all `policies` together."""
    effects = {match.effect for match in matching_statements(policies, request)}
    if "Deny" in effects:
        return Decision.DENY
    return Decision.ALLOW if "Allow" in effects else Decision.NOT_ALLOWED


def matching_statements(policies: Iterable[Policy], request: Request) -> list[Match]:
    """Every statement of `policies` that applies to `request` (for explanations and tests)."""
    found = []
    for index, policy in enumerate(policies):
        for position, statement in enumerate(_statements(policy)):
            if _statement_applies(statement, request):
                sid = str(statement.get("Sid", f"#{position}"))
                found.append(Match(index, sid, statement["Effect"]))
    return found


def validate_policy(policy: Policy) -> None:
    """Raise `PolicyError` unless every statement is well-formed and uses only supported operators."""
    for statement in _statements(policy):
        _as_list(statement.get("Action", statement.get("NotAction")))
        _as_list(statement.get("Resource", statement.get("NotResource")))
        conditions = statement.get("Condition", {})
        if not isinstance(conditions, Mapping):
            raise PolicyError(
                f"Condition {conditions!r} is not an object (expected {{operator: {{key: ...}}}})"
            )
        for operator in conditions:
            _operator(operator)


def _statements(policy: Policy) -> Iterator[Mapping[str, Any]]:
    if not isinstance(policy, Mapping) or "Statement" not in policy:
        raise PolicyError("a policy document is a JSON object with a 'Statement' (expected {...})")
    statements = policy["Statement"]
    for statement in statements if isinstance(statements, list) else [statements]:
        _check_statement(statement)
        yield statement


def _check_statement(statement: Any) -> None:
    if not isinstance(statement, Mapping):
        raise PolicyError(f"statement {statement!r} is not an object (expected {{'Effect': ...}})")
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise PolicyError(f"statement Effect {statement.get('Effect')!r} (expected 'Allow' or 'Deny')")
    for element, negated in (("Action", "NotAction"), ("Resource", "NotResource")):
        if (element in statement) == (negated in statement):
            raise PolicyError(f"statement needs exactly one of {element} or {negated}: {statement!r}")
    if "Principal" in statement or "NotPrincipal" in statement:
        raise PolicyError("resource-based policies (Principal, NotPrincipal) are not supported")


def _statement_applies(statement: Mapping[str, Any], request: Request) -> bool:
    return (
        _element_matches(statement, "Action", request.action, ignore_case=True)
        and _element_matches(statement, "Resource", request.resource, ignore_case=False)
        and _conditions_hold(statement.get("Condition", {}), request)
    )


def _element_matches(statement: Mapping[str, Any], element: str, value: str, *, ignore_case: bool) -> bool:
    if element in statement:
        return _matcher(_key(statement[element]), ignore_case)(value)
    return not _matcher(_key(statement[f"Not{element}"]), ignore_case)(value)


def _key(value: Any) -> tuple[Any, ...]:
    """An element's values as a cache key; typed when not all strings (`true` and `1` differ).
    Asked for every statement of every request: the all-strings case stays in C."""
    values = tuple(value) if isinstance(value, list) else (value,)
    types = set(map(type, values))
    if types == {str}:
        return values
    if types - {str, bool, int}:
        _as_list(value)  # raises the PolicyError that names the value
    return tuple((type(item).__name__, item) for item in values)


@lru_cache(maxsize=8192)
def _matcher(key: tuple[Any, ...], ignore_case: bool) -> Callable[[str], bool]:
    """Whether a value matches any of an element's patterns: literal ones by set lookup, the
    wildcard ones by one compiled alternation (a managed policy lists hundreds of actions, and
    the access matrix asks every statement thousands of times)."""
    patterns = _as_list([item[1] if isinstance(item, tuple) else item for item in key])
    fold: Callable[[str], str] = str.lower if ignore_case else str
    literal = frozenset(fold(p) for p in patterns if "*" not in p and "?" not in p)
    wild = [p for p in patterns if "*" in p or "?" in p]
    flags = (re.IGNORECASE | re.DOTALL) if ignore_case else re.DOTALL
    regex = re.compile("|".join(f"(?:{_glob_regex(p)})" for p in wild), flags) if wild else None

    def matches(value: str) -> bool:
        return fold(value) in literal or (regex is not None and regex.fullmatch(value) is not None)

    return matches


def _as_list(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    for item in values:
        if not isinstance(item, str | bool | int):
            raise PolicyError(f"{item!r} is not a policy value (expected a string)")
        if isinstance(item, str) and "${" in item:
            raise PolicyError(f"policy variable in {item!r} is not supported by the evaluator")
    return [str(item).lower() if isinstance(item, bool) else str(item) for item in values]


def _glob_regex(pattern: str) -> str:
    """IAM wildcards: `*` any run of characters, `?` one character; nothing else is special."""
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


@lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(_glob_regex(pattern), (re.IGNORECASE | re.DOTALL) if ignore_case else re.DOTALL)


# --- conditions -------------------------------------------------------------------------------

Comparator = Callable[[str, str], bool]


def _string_equals(actual: str, expected: str) -> bool:
    return actual == expected


def _string_equals_ignore_case(actual: str, expected: str) -> bool:
    return actual.lower() == expected.lower()


def _string_like(actual: str, expected: str) -> bool:
    return _glob(expected, False).fullmatch(actual) is not None


def _arn_like(actual: str, expected: str) -> bool:
    """ARNs match segment by segment: a wildcard never spans the colons of the first five parts."""
    actual_parts, expected_parts = actual.split(":", 5), expected.split(":", 5)
    if len(actual_parts) != 6 or len(expected_parts) != 6:
        return False
    return all(_string_like(a, e) for a, e in zip(actual_parts, expected_parts, strict=True))


def _bool(actual: str, expected: str) -> bool:
    return actual.lower() == expected.lower()


def _numeric(compare: Callable[[float, float], bool]) -> Comparator:
    def check(actual: str, expected: str) -> bool:
        try:
            return compare(float(actual), float(expected))
        except ValueError:
            return False

    return check


# operator -> (comparator, negated). Negated operators hold when no value matches.
_OPERATORS: dict[str, tuple[Comparator, bool]] = {
    "StringEquals": (_string_equals, False),
    "StringNotEquals": (_string_equals, True),
    "StringEqualsIgnoreCase": (_string_equals_ignore_case, False),
    "StringNotEqualsIgnoreCase": (_string_equals_ignore_case, True),
    "StringLike": (_string_like, False),
    "StringNotLike": (_string_like, True),
    "ArnEquals": (_arn_like, False),
    "ArnLike": (_arn_like, False),
    "ArnNotEquals": (_arn_like, True),
    "ArnNotLike": (_arn_like, True),
    "Bool": (_bool, False),
    "NumericEquals": (_numeric(lambda a, b: a == b), False),
    "NumericNotEquals": (_numeric(lambda a, b: a == b), True),
    "NumericLessThan": (_numeric(lambda a, b: a < b), False),
    "NumericLessThanEquals": (_numeric(lambda a, b: a <= b), False),
    "NumericGreaterThan": (_numeric(lambda a, b: a > b), False),
    "NumericGreaterThanEquals": (_numeric(lambda a, b: a >= b), False),
}
SUPPORTED_OPERATORS = (*_OPERATORS, "Null")


def _conditions_hold(conditions: Any, request: Request) -> bool:
    if not isinstance(conditions, Mapping):
        raise PolicyError(f"Condition {conditions!r} is not an object (expected {{operator: {{key: ...}}}})")
    for operator, keys in conditions.items():
        if not isinstance(keys, Mapping):
            raise PolicyError(f"condition {operator} needs an object of keys (got {keys!r})")
        for key, expected in keys.items():
            if not _condition_holds(operator, key, _as_list(expected), request):
                return False
    return True


def _operator(operator: str) -> tuple[str, str, bool]:
    """`ForAllValues:StringLikeIfExists` -> ('ForAllValues', 'StringLike', True); unknown ones raise."""
    qualifier, _, name = operator.rpartition(":")
    if qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise PolicyError(f"unknown set operator '{qualifier}:' (expected ForAnyValue: or ForAllValues:)")
    base = name.removesuffix("IfExists")
    if base not in SUPPORTED_OPERATORS:
        supported = ", ".join(SUPPORTED_OPERATORS)
        raise PolicyError(f"unknown condition operator '{operator}' (supported: {supported})")
    return qualifier, base, name.endswith("IfExists")


def _condition_holds(operator: str, key: str, expected: list[str], request: Request) -> bool:
    qualifier, base, if_exists = _operator(operator)
    actual = request.values(key)
    if base == "Null":
        return (actual is None) == (expected[0].lower() == "true")
    compare, negated = _OPERATORS[base]
    if actual is None:
        return if_exists or negated or qualifier == "ForAllValues"

    def value_matches(value: str) -> bool:
        hit = any(compare(value, candidate) for candidate in expected)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return all(value_matches(value) for value in actual)
    return any(value_matches(value) for value in actual)
