"""Shared core: strict base model, constrained types, YAML loading with positions, errors.

Nothing in this package imports cdktf, constructs or the provider bindings (an import-linter
contract and a test keep it that way): `lz validate` must stay fast and cdktf-free.
"""
