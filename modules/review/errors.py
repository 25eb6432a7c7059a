"""What `lz` exits with, and the error that means "could not run" rather than "bad config".

Every command keeps to one contract: 0 passed, 1 findings (a failed check, a policy issue, drift,
a stale generated file), 2 no verdict (bad input, or a tool that is missing or failed). The
verdict, the review and drift commands and the CLI take the codes from here.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2  # nothing was decided: bad input, or a tool that is missing or failed


class ToolError(Exception):
    """Terraform or the provider is missing or failed in a way that is not the config's fault."""
