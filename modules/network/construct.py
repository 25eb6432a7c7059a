"""One VPC per environment: three tiers over N AZs, NAT, NACLs, flow logs, endpoints (NET-1..6).

The subnet plan comes from `NetworkConfig.subnets()`, the NACL baseline from `nacl.nacl_rules()`
(a table the tests compare against). Security groups stay the primary control; the default SG is emptied.
"""

from __future__ import annotations

import json

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.default_network_acl import DefaultNetworkAcl
from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.flow_log import FlowLog, FlowLogDestinationOptions
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.network_acl import NetworkAcl
from cdktf_cdktf_provider_aws.network_acl_rule import NetworkAclRule
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from modules.hardening.construct import ServiceKey
from modules.network.config import GATEWAY_ENDPOINTS, TIERS, NetworkConfig
from modules.network.nacl import ANYWHERE, nacl_rules


def flow_logs_trust_policy(account_id: str, region: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account_id},
                        "ArnLike": {"aws:SourceArn": f"arn:aws:ec2:{region}:{account_id}:vpc-flow-log/*"},
                    },
                }
            ],
        }
    )


def flow_logs_write_policy(log_group_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Resource": [log_group_arn, f"{log_group_arn}:*"],
                }
            ],
        }
    )


class Network(Construct):
    """VPC, subnets per tier and AZ, routing, NAT, NACLs, default SG, flow logs and endpoints."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: NetworkConfig,
        nat_mode: str,
        name_prefix: str,
        account_id: str,
        region: str,
        logs_key: ServiceKey,
        retention_days: int,
        log_bucket: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self._prefix = name_prefix
        self.vpc = Vpc(
            self,
            "vpc",
            cidr_block=config.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": name_prefix},
        )
        self.default_security_group = DefaultSecurityGroup(
            self, "default_security_group", vpc_id=self.vpc.id, tags={"Name": f"{name_prefix}-default-unused"}
        )
        self.internet_gateway = InternetGateway(
            self, "internet_gateway", vpc_id=self.vpc.id, tags={"Name": name_prefix}
        )
        self._subnets(config, region)
        self._routing(nat_mode)
        self._nacls(config)
        self._flow_logs(config, account_id, region, logs_key, retention_days)
        self._archived_flow_logs(config, log_bucket)
        self._endpoints(config, region)

    def _subnets(self, config: NetworkConfig, region: str) -> None:
        self.zones = config.zones(region)
        self.subnets: dict[str, list[Subnet]] = {tier: [] for tier in TIERS}
        for tier, cidrs in config.subnets().items():
            for zone, cidr in zip(self.zones, cidrs, strict=True):
                self.subnets[tier].append(
                    Subnet(
                        self,
                        f"{tier}_subnet_{zone}",
                        vpc_id=self.vpc.id,
                        cidr_block=cidr,
                        availability_zone=zone,
                        map_public_ip_on_launch=False,
                        tags={"Name": f"{self._prefix}-{tier}-{zone}", "lz:tier": tier},
                    )
                )

    def _route_table(self, construct_id: str, tier: str, zones: list[str]) -> RouteTable:
        """A route table for `tier`, associated with the tier's subnets in `zones`."""
        table = RouteTable(
            self,
            construct_id,
            vpc_id=self.vpc.id,
            tags={"Name": f"{self._prefix}-{construct_id}", "lz:tier": tier},
        )
        for zone in zones:
            subnet = self.subnets[tier][self.zones.index(zone)]
            RouteTableAssociation(
                self, f"{tier}_subnet_{zone}_routes", route_table_id=table.id, subnet_id=subnet.id
            )
        return table

    def _routing(self, nat_mode: str) -> None:
        """Public: one table to the IGW. Private: one table per AZ, to its NAT. Isolated: local only."""
        self.public_route_table = self._route_table("public_routes", "public", self.zones)
        Route(
            self,
            "public_routes_internet",
            route_table_id=self.public_route_table.id,
            destination_cidr_block=ANYWHERE,
            gateway_id=self.internet_gateway.id,
        )
        nat_count = {"per_az": len(self.zones), "single": 1, "none": 0}[nat_mode]
        self.nat_gateways: list[NatGateway] = []
        for zone, subnet in list(zip(self.zones, self.subnets["public"], strict=True))[:nat_count]:
            address = Eip(
                self, f"nat_{zone}_address", domain="vpc", tags={"Name": f"{self._prefix}-nat-{zone}"}
            )
            self.nat_gateways.append(
                NatGateway(
                    self,
                    f"nat_{zone}",
                    allocation_id=address.id,
                    subnet_id=subnet.id,
                    tags={"Name": f"{self._prefix}-nat-{zone}"},
                    depends_on=[self.internet_gateway],
                )
            )
        self.private_route_tables: list[RouteTable] = []
        for index, zone in enumerate(self.zones):
            table = self._route_table(f"private_routes_{zone}", "private", [zone])
            self.private_route_tables.append(table)
            if self.nat_gateways:
                Route(
                    self,
                    f"private_routes_{zone}_internet",
                    route_table_id=table.id,
                    destination_cidr_block=ANYWHERE,
                    nat_gateway_id=self.nat_gateways[min(index, len(self.nat_gateways) - 1)].id,
                )
        self.isolated_route_table = self._route_table("isolated_routes", "isolated", self.zones)

    def _nacls(self, config: NetworkConfig) -> None:
        # The default NACL keeps no rules: a subnet that loses its tier NACL is closed, not open.
        self.default_network_acl = DefaultNetworkAcl(
            self,
            "default_network_acl",
            default_network_acl_id=self.vpc.default_network_acl_id,
            tags={"Name": f"{self._prefix}-default-unused"},
            lifecycle=TerraformResourceLifecycle(ignore_changes=["subnet_ids"]),
        )
        self.network_acls: dict[str, NetworkAcl] = {}
        for tier, rules in nacl_rules(config).items():
            acl = NetworkAcl(
                self,
                f"{tier}_nacl",
                vpc_id=self.vpc.id,
                subnet_ids=[subnet.id for subnet in self.subnets[tier]],
                tags={"Name": f"{self._prefix}-{tier}", "lz:tier": tier},
            )
            self.network_acls[tier] = acl
            for rule in rules:
                NetworkAclRule(
                    self,
                    f"{tier}_nacl_{rule.construct_id}",
                    network_acl_id=acl.id,
                    egress=rule.egress,
                    rule_number=rule.number,
                    rule_action="allow",
                    protocol=rule.protocol,
                    cidr_block=rule.cidr,
                    from_port=rule.from_port,
                    to_port=rule.to_port,
                )

    def _flow_logs(
        self, config: NetworkConfig, account_id: str, region: str, logs_key: ServiceKey, retention_days: int
    ) -> None:
        self.flow_log_group = CloudwatchLogGroup(
            self,
            "flow_log_group",
            name=f"/{self._prefix}/vpc-flow-logs",
            retention_in_days=retention_days,
            kms_key_id=logs_key.arn,
        )
        role = IamRole(
            self,
            "flow_log_role",
            name=f"{self._prefix}-vpc-flow-logs",
            assume_role_policy=flow_logs_trust_policy(account_id, region),
        )
        IamRolePolicy(
            self, "flow_log_role_policy", role=role.id, policy=flow_logs_write_policy(self.flow_log_group.arn)
        )
        self.flow_log = FlowLog(
            self,
            "flow_log",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.flow_log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=config.flow_log_aggregation_seconds,
            tags={"Name": self._prefix},
        )

    def _archived_flow_logs(self, config: NetworkConfig, log_bucket: str) -> None:
        """A second copy to the central log archive (ORG-3): the bucket policy admits flow-log
        delivery from the estate's accounts under AWSLogs/, the archive key encrypts."""
        self.archived_flow_log = FlowLog(
            self,
            "flow_log_archive",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="s3",
            log_destination=f"arn:aws:s3:::{log_bucket}",
            max_aggregation_interval=config.flow_log_aggregation_seconds,
            destination_options=FlowLogDestinationOptions(file_format="parquet", per_hour_partition=True),
            tags={"Name": f"{self._prefix}-archive"},
        )

    def _endpoints(self, config: NetworkConfig, region: str) -> None:
        """Gateway and interface endpoints serve the private tier (the isolated NACL admits no AWS API
        traffic: databases there are managed services)."""
        routed = self.private_route_tables
        self.gateway_endpoints = {
            service: VpcEndpoint(
                self,
                f"{service}_gateway_endpoint",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=[table.id for table in routed],
                tags={"Name": f"{self._prefix}-{service}"},
            )
            for service in GATEWAY_ENDPOINTS
        }
        self.endpoint_security_group = SecurityGroup(
            self,
            "endpoint_security_group",
            name=f"{self._prefix}-endpoints",
            description="Interface endpoints: HTTPS from inside the VPC only",
            vpc_id=self.vpc.id,
            tags={"Name": f"{self._prefix}-endpoints"},
        )
        VpcSecurityGroupIngressRule(
            self,
            "endpoint_https_from_vpc",
            security_group_id=self.endpoint_security_group.id,
            description="HTTPS to AWS APIs from the VPC",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=config.cidr,
        )
        self.interface_endpoints = {
            service: VpcEndpoint(
                self,
                f"{service.replace('.', '_')}_interface_endpoint",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[subnet.id for subnet in self.subnets["private"]],
                security_group_ids=[self.endpoint_security_group.id],
                tags={"Name": f"{self._prefix}-{service}"},
            )
            for service in config.interface_endpoints
        }
