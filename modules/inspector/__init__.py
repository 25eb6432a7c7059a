"""inspector concern."""
