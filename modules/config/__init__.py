"""The config layer: YAML files -> validated `Estate`. Pure Pydantic, never imports cdktf."""

from modules.config.loader import load_estate
from modules.config.models import EnvironmentConfig, Estate, OrganizationConfig

__all__ = ["EnvironmentConfig", "Estate", "OrganizationConfig", "load_estate"]
