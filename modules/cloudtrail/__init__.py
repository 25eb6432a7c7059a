"""cloudtrail concern."""
