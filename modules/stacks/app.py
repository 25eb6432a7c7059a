"""Build the CDKTF app for an estate: one stack per account role and per environment."""

from __future__ import annotations

from pathlib import Path

from cdktf import App

from modules.config.models import Estate
from modules.config.topology import LOG_ARCHIVE, ORGANIZATION, SECURITY, StackSpec, stack_estate, topology
from modules.stacks.base import AccountStack
from modules.stacks.environment import EnvironmentStack
from modules.stacks.log_archive import LogArchiveStack
from modules.stacks.organization import OrganizationStack
from modules.stacks.security import SecurityStack

ROLE_STACK_CLASSES: dict[str, type[AccountStack]] = {
    ORGANIZATION: OrganizationStack,
    LOG_ARCHIVE: LogArchiveStack,
    SECURITY: SecurityStack,
}


def _build_stack(app: App, spec: StackSpec, estate: Estate, outdir: Path) -> AccountStack:
    estate = stack_estate(estate, spec.name)  # nothing else reaches the stack
    common = {"estate": estate, "account_id": spec.account_id, "home_region": spec.region, "outdir": outdir}
    if spec.name in ROLE_STACK_CLASSES:
        return ROLE_STACK_CLASSES[spec.name](app, spec.name, **common)  # type: ignore[arg-type]
    return EnvironmentStack(app, spec.name, env=estate.environments[spec.name], **common)  # type: ignore[arg-type]


def build_app(
    estate: Estate,
    outdir: Path,
    *,
    final_outdir: Path | None = None,
    only: list[str] | None = None,
) -> App:
    """Every stack of the estate (or those in `only`), to synthesize into `outdir`, for real AWS.

    `final_outdir` is where the output ends up when `outdir` is a staging folder. Other targets
    (the emulator, the review's offline plans) rewrite the output after synthesis: modules/targets/.
    """
    app = App(outdir=str(outdir))
    for spec in topology(estate).stacks:
        if only is None or spec.name in only:
            _build_stack(app, spec, estate, final_outdir or outdir)
    return app
