"""account_baseline concern."""
