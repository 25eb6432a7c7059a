"""alarms concern."""
