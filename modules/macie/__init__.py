"""macie concern."""
