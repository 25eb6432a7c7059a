"""guardduty concern."""
