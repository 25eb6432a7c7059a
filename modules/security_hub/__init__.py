"""security_hub concern."""
