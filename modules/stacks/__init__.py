"""Stacks by account role (organization, log-archive, security) and one per environment.

This package and `modules/*/construct.py` are the only code that imports cdktf.
"""

from modules.stacks.bindings import import_only_used_submodules

import_only_used_submodules()  # before any construct imports a bindings submodule
