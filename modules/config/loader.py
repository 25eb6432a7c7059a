"""Load `environments/`: every file parsed, shape-checked and cross-checked, all errors at once."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from modules.config.models import EnvironmentConfig, Estate, OrganizationConfig
from modules.config.pydantic_errors import to_issues
from modules.config.semantics import semantic_findings
from modules.core.errors import ConfigError, ConfigIssue, display_path
from modules.core.yaml_loader import LoadedYaml, load_yaml

ORGANIZATION_FILE = "organization.yaml"
Model = TypeVar("Model", bound=BaseModel)


def environment_files(directory: Path) -> list[Path]:
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    return [path for path in files if path.name != ORGANIZATION_FILE]


def _validate(model: type[Model], source: LoadedYaml, issues: list[ConfigIssue]) -> Model | None:
    if not isinstance(source.data, dict):
        return None
    try:
        return model.model_validate(source.data)
    except ValidationError as error:
        issues.extend(to_issues(error, model, source))
        return None


def _directory_issues(directory: Path) -> list[ConfigIssue]:
    name = display_path(directory)
    if not directory.is_dir():
        return [
            ConfigIssue(
                name,
                1,
                1,
                "<directory>",
                "not a directory (expected the folder "
                f"holding {ORGANIZATION_FILE} and one file per environment)",
            )
        ]
    issues = []
    organization = directory / ORGANIZATION_FILE
    # A directory or a broken link in its place is reported at the file, by load_yaml.
    if not organization.exists() and not organization.is_symlink():
        issues.append(
            ConfigIssue(
                name,
                1,
                1,
                "<directory>",
                f"{ORGANIZATION_FILE} is missing (expected the organization-wide settings)",
            )
        )
    if not environment_files(directory):
        issues.append(
            ConfigIssue(
                name,
                1,
                1,
                "<directory>",
                "no environment files (expected one <env>.yaml per environment, e.g. prod.yaml)",
            )
        )
    return issues


def _name_matches_file(env: EnvironmentConfig, source: LoadedYaml) -> ConfigIssue | None:
    """The file name is the environment's identity: its stack, and so its Terraform state.

    A `name` that differs would silently rename the stack and orphan the state of the old one;
    a rename is explicit instead: the file is renamed too, and `renamed_from` names the old one.
    """
    stem = source.path.name.rsplit(".", 1)[0]
    if env.name == stem:
        return None
    return source.issue(
        ("name",),
        f"'{env.name}' does not match the file name {source.path.name} (expected name: {stem}; "
        f"to rename the environment, rename the file to {env.name}.yaml and set renamed_from: {stem}, "
        "so the review can check that the state of the old stack is moved, not orphaned)",
    )


def _renames_are_guarded(
    environments: dict[str, EnvironmentConfig], sources: dict[str, LoadedYaml]
) -> list[ConfigIssue]:
    """`renamed_from` names an environment that no longer exists, and only one renames from it."""
    issues = []
    claimed: dict[str, str] = {}
    for name, env in sorted(environments.items()):
        old = env.renamed_from
        if old is None:
            continue
        problem = None
        if old == name:
            problem = (
                f"'{old}' is this environment's own name (expected the previous name, or no renamed_from)"
            )
        elif old in environments:
            problem = (
                f"environment '{old}' still exists in {sources[old].name} (expected renamed_from to name "
                "an environment whose file was renamed to this one)"
            )
        elif old in claimed:
            problem = (
                f"environment '{claimed[old]}' is already renamed from '{old}' (expected one environment "
                "to take over its state)"
            )
        claimed.setdefault(old, name)
        if problem:
            issues.append(sources[name].issue(("renamed_from",), problem))
    return issues


def _load_environments(
    paths: list[Path], sources: dict[str, LoadedYaml], issues: list[ConfigIssue]
) -> dict[str, EnvironmentConfig]:
    environments: dict[str, EnvironmentConfig] = {}
    for path in paths:
        source, parse_issues = load_yaml(path)
        issues.extend(parse_issues)
        env = _validate(EnvironmentConfig, source, issues)
        if env is None:
            continue
        name_issue = _name_matches_file(env, source)
        if name_issue is not None:
            issues.append(name_issue)
            continue
        if env.name in environments:
            first = sources[env.name].name
            issues.append(
                source.issue(
                    ("name",),
                    f"environment '{env.name}' is already defined "
                    f"in {first} (expected unique environment names)",
                )
            )
            continue
        environments[env.name] = env
        sources[env.name] = source
    return environments


def load_estate(directory: Path, *, only_env: str | None = None) -> Estate:
    """Parse and validate the estate; raise `ConfigError` with every issue found."""
    issues = _directory_issues(directory)
    if issues:
        raise ConfigError(issues)
    org_source, parse_issues = load_yaml(directory / ORGANIZATION_FILE)
    issues.extend(parse_issues)
    organization = _validate(OrganizationConfig, org_source, issues)
    sources: dict[str, LoadedYaml] = {}
    environments = _load_environments(environment_files(directory), sources, issues)
    issues.extend(_renames_are_guarded(environments, sources))
    if only_env is not None and only_env not in environments and not issues:
        known = ", ".join(sorted(environments))
        raise ConfigError(
            [
                ConfigIssue(
                    display_path(directory),
                    1,
                    1,
                    "--env",
                    f"no environment named '{only_env}' (known: {known})",
                )
            ]
        )
    if organization is not None:
        sources["organization"] = org_source
        estate = Estate(organization, environments, sources)
        issues.extend(sources[f.source].issue(f.loc, f.message) for f in semantic_findings(estate))
    if issues or organization is None:
        raise ConfigError(issues)
    if only_env is not None:
        environments = {only_env: environments[only_env]}
    return Estate(organization, environments, sources)
