"""Import only the provider bindings' submodules the constructs use, not all ~1,500.

The package `cdktf_cdktf_provider_aws` imports every submodule in its `__init__` (~4,000
modules: ~13 s and ~450 MB more than the ~200 the stacks need), although each submodule loads
the jsii assembly and registers its own types by itself, and the jsii runtime imports the module
of any type it meets that is not registered yet. Registering the package without running its
`__init__` makes `from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket` import just that
submodule (~5 s for everything the stacks use). The bindings are pinned; the snapshot tests
prove the synthesized JSON is unchanged.
"""

from __future__ import annotations

import importlib.util
import sys

PACKAGE = "cdktf_cdktf_provider_aws"


def import_only_used_submodules() -> None:
    """Call before the first import of a bindings submodule; a no-op once the package is loaded."""
    if PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.submodule_search_locations is None:
        return  # not installed: the import itself reports it
    sys.modules[PACKAGE] = importlib.util.module_from_spec(spec)  # a package whose __init__ never runs
