"""Stacks by account role (organization, log-archive, security) and one per environment.

Each stack file lists what its account gets; how a concern's constructs are built from the estate
lives in the concern (`modules/<concern>/wiring.py`). This package, `modules/*/construct.py` and
`modules/*/wiring.py` are the only code that imports cdktf (the bindings load lazily from any of
them: modules/bindings.py).
"""
