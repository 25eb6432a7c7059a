"""Identity Center permission sets for the job roles and their account assignments (IAM-1..3).

Lives in the organization stack: the Identity Center instance belongs to the management account.
Everything comes from `permission_sets(estate)` / `assignments(estate)`: groups are resolved from
config, never looked up in AWS, so plans stay offline. Terraform addresses are readable and stable:
`aws_ssoadmin_permission_set.InfraAdmins`, `aws_ssoadmin_account_assignment.prod_operators_Operators`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from cdktf import TerraformResource
from cdktf_cdktf_provider_aws.ssoadmin_account_assignment import SsoadminAccountAssignment
from cdktf_cdktf_provider_aws.ssoadmin_managed_policy_attachment import SsoadminManagedPolicyAttachment
from cdktf_cdktf_provider_aws.ssoadmin_permission_set import SsoadminPermissionSet
from cdktf_cdktf_provider_aws.ssoadmin_permission_set_inline_policy import SsoadminPermissionSetInlinePolicy
from constructs import Construct

from modules.config.models import Estate
from modules.identity_center.permission_sets import (
    Assignment,
    PermissionSet,
    assignments,
    permission_sets,
    terraform_name,
)

Resource = TypeVar("Resource", bound=TerraformResource)


def _named(resource: Resource, name: str) -> Resource:
    """Give a resource a readable Terraform name instead of CDKTF's path-and-hash one."""
    resource.override_logical_id(terraform_name(name))
    return resource


class IdentityCenter(Construct):
    """One permission set per job role (`<App>Apps` per application and stage), and assignments."""

    def __init__(
        self, scope: Construct, construct_id: str, *, estate: Estate, account_ids: Mapping[str, str]
    ) -> None:
        """`account_ids`: environment name -> account id, or a reference for an account created here."""
        super().__init__(scope, construct_id)
        self.instance_arn = estate.organization.identity_center.instance_arn
        self.permission_sets: dict[str, SsoadminPermissionSet] = {}
        # What an assignment must wait for, so the role it provisions already carries its policies.
        self._policies: dict[str, list[TerraformResource]] = {}
        for permission_set in permission_sets(estate):
            self._permission_set(permission_set)
        self.assignments = [
            self._assignment(assignment, account_ids[assignment.environment])
            for assignment in assignments(estate)
        ]

    def _permission_set(self, spec: PermissionSet) -> None:
        permission_set = _named(
            SsoadminPermissionSet(
                self,
                f"permission-set-{spec.name}",
                name=spec.name,
                description=spec.description,
                instance_arn=self.instance_arn,
                session_duration=spec.session_duration,
                relay_state=spec.relay_state,
                tags=spec.tags,
            ),
            spec.name,
        )
        self.permission_sets[spec.name] = permission_set
        policies: list[TerraformResource] = [
            _named(
                SsoadminManagedPolicyAttachment(
                    self,
                    f"managed-policy-{spec.name}-{arn.rsplit('/', 1)[-1]}",
                    instance_arn=self.instance_arn,
                    permission_set_arn=permission_set.arn,
                    managed_policy_arn=arn,
                ),
                f"{spec.name}_{arn.rsplit('/', 1)[-1]}",
            )
            for arn in spec.managed_policy_arns
        ]
        if spec.inline_policy_text is not None:
            policies.append(
                _named(
                    SsoadminPermissionSetInlinePolicy(
                        self,
                        f"inline-policy-{spec.name}",
                        instance_arn=self.instance_arn,
                        permission_set_arn=permission_set.arn,
                        inline_policy=spec.inline_policy_text,
                    ),
                    spec.name,
                )
            )
        self._policies[spec.name] = policies

    def _assignment(self, assignment: Assignment, account_id: str) -> SsoadminAccountAssignment:
        return _named(
            SsoadminAccountAssignment(
                self,
                f"assignment-{assignment.address}",
                instance_arn=self.instance_arn,
                permission_set_arn=self.permission_sets[assignment.permission_set].arn,
                principal_type="GROUP",
                principal_id=assignment.group_id,
                target_type="AWS_ACCOUNT",
                target_id=account_id,
                depends_on=self._policies[assignment.permission_set],
            ),
            assignment.address,
        )
