"""Stacks by account role (organization, log-archive, security) and one per environment.

This package and `modules/*/construct.py` are the only code that imports cdktf.
"""
