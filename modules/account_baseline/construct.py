"""The account baseline every stack deploys into its account (NET-7, DAT-1, DAT-3).

Default VPC, per approved region: `harden` adopts it (`aws_default_vpc`, `force_destroy` so that a
later `remove` really deletes it), strips every rule from its default network ACL and default
security group (NET-4: closed) and sends its flow logs to the log archive (LOG-6); `remove` leaves it
out of the configuration, so Terraform destroys the adopted VPC. Core accounts (management,
log-archive, audit) also get EBS encryption by default (AWS managed key) in every region and the S3
account public access block; environment accounts have both from `hardening:` with their own keys.
"""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.default_network_acl import DefaultNetworkAcl
from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.default_vpc import DefaultVpc
from cdktf_cdktf_provider_aws.ebs_encryption_by_default import EbsEncryptionByDefault
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.s3_account_public_access_block import S3AccountPublicAccessBlock
from constructs import Construct

from modules.deployment.construct import RegionalProviders

UNUSED_NAME = "default-vpc-unused"


class DefaultVpcHardening(Construct):
    """`vpcs`, `security_groups`, `network_acls`, `flow_logs` by region."""

    def __init__(
        self, scope: Construct, construct_id: str, *, providers: RegionalProviders, log_bucket: str
    ) -> None:
        super().__init__(scope, construct_id)
        self.vpcs: dict[str, DefaultVpc] = {}
        self.security_groups: dict[str, DefaultSecurityGroup] = {}
        self.network_acls: dict[str, DefaultNetworkAcl] = {}
        self.flow_logs: dict[str, FlowLog] = {}
        for region in providers.regions:
            provider = providers.for_region(region)
            vpc = DefaultVpc(
                self, f"vpc-{region}", force_destroy=True, tags={"Name": UNUSED_NAME}, provider=provider
            )
            self.vpcs[region] = vpc
            # No ingress/egress blocks: Terraform removes every rule AWS put there.
            self.security_groups[region] = DefaultSecurityGroup(
                self, f"security-group-{region}", vpc_id=vpc.id, tags={"Name": UNUSED_NAME}, provider=provider
            )
            self.network_acls[region] = DefaultNetworkAcl(
                self,
                f"network-acl-{region}",
                default_network_acl_id=vpc.default_network_acl_id,
                tags={"Name": UNUSED_NAME},
                # The default subnets stay associated with it; Terraform need not list them.
                lifecycle=TerraformResourceLifecycle(ignore_changes=["subnet_ids"]),
                provider=provider,
            )
            self.flow_logs[region] = FlowLog(
                self,
                f"flow-log-{region}",
                vpc_id=vpc.id,
                traffic_type="ALL",
                log_destination_type="s3",
                log_destination=f"arn:aws:s3:::{log_bucket}",
                tags={"Name": UNUSED_NAME},
                provider=provider,
            )


class CoreAccountDefaults(Construct):
    """EBS encryption by default in every region and the S3 account public access block."""

    def __init__(
        self, scope: Construct, construct_id: str, *, providers: RegionalProviders, account_id: str
    ) -> None:
        super().__init__(scope, construct_id)
        self.ebs_encryption = {
            region: EbsEncryptionByDefault(
                self, f"ebs-encryption-{region}", enabled=True, provider=providers.for_region(region)
            )
            for region in providers.regions
        }
        self.s3_public_access_block = S3AccountPublicAccessBlock(
            self,
            "s3-public-access-block",
            account_id=account_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
