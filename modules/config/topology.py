"""Which stacks the estate has, into which account each deploys, in dependency order.

Pure data (no cdktf) so `lz validate` and the review can list stacks without the bindings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from modules.config.models import Estate
from modules.core.errors import ConfigError, ConfigIssue, display_path

ORGANIZATION, LOG_ARCHIVE, SECURITY = "organization", "log-archive", "security"
ROLE_STACKS = (ORGANIZATION, LOG_ARCHIVE, SECURITY)


@dataclass(frozen=True)
class StackSpec:
    name: str
    account_key: str  # key in Estate.accounts(): management, log_archive, audit or an env name
    account_id: str
    region: str
    depends_on: tuple[str, ...]


@dataclass(frozen=True)
class Topology:
    stacks: tuple[StackSpec, ...]
    pending: tuple[str, ...]  # stacks whose account has no id yet (created by `organization`)

    @property
    def names(self) -> list[str]:
        return [stack.name for stack in self.stacks]


def topology(estate: Estate) -> Topology:
    home = estate.organization.home_region
    # The log archive comes first: the organization trail and every Config delivery channel
    # write into its bucket, which must exist before they are created.
    wanted = [
        (LOG_ARCHIVE, "log_archive", home, ()),
        (ORGANIZATION, "management", home, (LOG_ARCHIVE,)),
        (SECURITY, "audit", home, (LOG_ARCHIVE, ORGANIZATION)),
        *(
            (name, name, env.region, (ORGANIZATION, LOG_ARCHIVE, SECURITY))
            for name, env in sorted(estate.environments.items())
        ),
    ]
    accounts = estate.accounts()
    stacks, pending = [], []
    for name, account_key, region, depends_on in wanted:
        account_id = accounts[account_key].id
        if account_id is None:
            pending.append(name)
        else:
            stacks.append(StackSpec(name, account_key, account_id, region, depends_on))
    return Topology(tuple(stacks), tuple(pending))


def stack_estate(estate: Estate, stack: str) -> Estate:
    """What `stack` is built from, and all it is built from: a role stack, the whole estate (it
    carries every account); an environment stack, the organization and its own environment.

    Synthesis builds each stack from this (modules/stacks/app.py), so a stack's output is a
    function of it and of the code: the review reuses a synthesized stack when neither changed
    (modules/review/synthesis.py)."""
    if stack in ROLE_STACKS or stack not in estate.environments:
        return estate
    return replace(estate, environments={stack: estate.environments[stack]})


def selected_stacks(estate: Estate, only_env: str | None) -> list[str] | None:
    """`--env prod` synthesizes the role stacks and prod; no flag synthesizes everything."""
    return None if only_env is None else [*ROLE_STACKS, only_env]


def stack_names(estate: Estate, only_env: str | None) -> list[str]:
    """The stacks synthesis builds, estate order: the selected ones whose account has an id."""
    selected = selected_stacks(estate, only_env)
    return [name for name in topology(estate).names if selected is None or name in selected]


def require_environment(estate: Estate, env: str | None, directory: Path) -> None:
    """`--env NAME` must name an environment. The estate stays whole: the role stacks carry every
    environment's grants and accounts, so a run for one environment never shows the others'
    resources as destroyed."""
    if env is not None and env not in estate.environments:
        known = ", ".join(sorted(estate.environments))
        raise ConfigError(
            [
                ConfigIssue(
                    display_path(directory), 1, 1, "--env", f"no environment named '{env}' (known: {known})"
                )
            ]
        )
