"""The budget of an environment's account, from its config (OPS-1)."""

from __future__ import annotations

from constructs import Construct

from modules.budget.construct import Budget
from modules.config.models import EnvironmentConfig


def environment_budget(scope: Construct, *, env: EnvironmentConfig, account_id: str) -> Budget:
    return Budget(scope, "budget", name=env.name, account_id=account_id, config=env.budget)
