"""Stacks by account role (organization, log-archive, security) and one per environment.

Each stack file lists what its account gets; how a concern's constructs are built from the estate
lives in the concern (`modules/<concern>/wiring.py`). This package, `modules/*/construct.py` and
`modules/*/wiring.py` are the only code that imports cdktf.
"""

from modules.stacks.bindings import import_only_used_submodules

import_only_used_submodules()  # before any construct imports a bindings submodule
