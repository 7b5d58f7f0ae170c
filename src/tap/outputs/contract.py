"""The stack outputs: every name, its type and what it holds, declared once.

`StackOutputs` is the contract with other stacks, the live tests and the controller. Each
field's `Annotated` text is its description (terraform-aws-modules documents every output);
`DESCRIPTIONS` and `TYPES` read them back for `tap outputs --describe`, docs/outputs.md and the
flat-form codec (tap.outputs.codec). None means the phase has no such resource yet (or any more).
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, TypedDict


class StackOutputs(TypedDict):
    # network
    vpc_id: Annotated[str, "Id of the production VPC."]
    vpc_cidr_block: Annotated[str, "IPv4 range of the production VPC."]
    availability_zones: Annotated[list[str], "Availability Zones the subnets span, one per private subnet."]
    public_subnet_ids: Annotated[list[str], "Ids of the public subnets (ALB, NAT gateways), one per AZ."]
    private_subnet_ids: Annotated[list[str], "Ids of the private subnets (fleets, database), one per AZ."]
    public_subnet_cidr_blocks: Annotated[list[str], "IPv4 ranges of the public subnets, in subnet order."]
    private_subnet_cidr_blocks: Annotated[list[str], "IPv4 ranges of the private subnets, in subnet order."]
    internet_gateway_id: Annotated[str, "Id of the VPC's internet gateway."]
    nat_gateway_ids: Annotated[list[str], "Ids of the NAT gateways, one per AZ."]
    nat_public_ips: Annotated[list[str], "Elastic IPs the NAT gateways send from (for allow-lists upstream)."]
    public_route_table_id: Annotated[
        str, "Id of the public subnets' route table (default route to the gateway)."
    ]
    private_route_table_ids: Annotated[
        list[str], "Ids of the private route tables, one per AZ (default route via its NAT)."
    ]
    s3_endpoint_id: Annotated[str, "Id of the S3 gateway endpoint on the private route tables."]
    flow_log_id: Annotated[str, "Id of the VPC flow log (all traffic)."]
    flow_log_group_name: Annotated[str, "CloudWatch log group the flow log writes to."]
    # encryption
    kms_key_id: Annotated[str, "Id of the customer-managed KMS key for data at rest."]
    kms_key_arn: Annotated[str, "ARN of the customer-managed KMS key."]
    kms_alias_name: Annotated[str, "Alias of the KMS key (alias/...)."]
    # security groups
    alb_security_group_id: Annotated[str, "Security group of the ALB (HTTPS from the internet)."]
    app_security_group_id: Annotated[str, "Security group of the fleets (app port from the ALB only)."]
    db_security_group_id: Annotated[str, "Security group of the database (MySQL from the fleets only)."]
    default_security_group_id: Annotated[str, "The VPC's default security group, stripped of every rule."]
    # database
    dev_db_instance_identifier: Annotated[str | None, "Identifier of dev's database (read, never managed)."]
    dev_db_instance_arn: Annotated[str | None, "ARN of dev's database."]
    dev_final_snapshot_identifier: Annotated[
        str | None, "Identifier of the seed snapshot taken of dev's data."
    ]
    dev_final_snapshot_arn: Annotated[str | None, "ARN of the seed snapshot."]
    encrypted_snapshot_identifier: Annotated[
        str | None, "Identifier of the KMS-encrypted copy prod restores from."
    ]
    encrypted_snapshot_arn: Annotated[str | None, "ARN of the encrypted snapshot copy."]
    db_instance_identifier: Annotated[
        str | None, "Identifier of the production database (from `replicate` on)."
    ]
    db_instance_arn: Annotated[str | None, "ARN of the production database."]
    db_instance_resource_id: Annotated[str | None, "Resource id of the production database (IAM auth, logs)."]
    db_instance_address: Annotated[str | None, "Host name of the production database."]
    db_instance_endpoint: Annotated[str | None, "Address and port (host:port) of the production database."]
    db_instance_port: Annotated[int | None, "MySQL port of the production database."]
    db_instance_multi_az: Annotated[bool | None, "Whether the production database runs Multi-AZ."]
    db_master_user_secret_arn: Annotated[str | None, "ARN of the RDS-managed master password secret."]
    db_subnet_group_name: Annotated[str, "DB subnet group (the private subnets)."]
    db_parameter_group_name: Annotated[str, "DB parameter group (TLS required, binlog settings)."]
    db_endpoint_parameter_name: Annotated[str, "SSM parameter holding the writer name the fleets connect to."]
    db_port_parameter_name: Annotated[str, "SSM parameter holding the database port."]
    db_secret_parameter_name: Annotated[str | None, "SSM parameter naming the master password secret."]
    rds_monitoring_role_arn: Annotated[str, "Role RDS Enhanced Monitoring publishes with."]
    # storage
    log_bucket_name: Annotated[str, "S3 bucket for the application's logs."]
    log_bucket_arn: Annotated[str, "ARN of the log bucket."]
    log_bucket_region: Annotated[str, "Region of the log bucket."]
    replica_bucket_name: Annotated[str, "Bucket the log bucket replicates to, in the replica region."]
    replica_bucket_arn: Annotated[str, "ARN of the replica bucket."]
    replica_bucket_region: Annotated[str, "Region of the replica bucket."]
    replication_role_arn: Annotated[str, "Role S3 replication assumes."]
    # the app's identity
    ec2_role_name: Annotated[str, "IAM role of the fleets' instances."]
    ec2_role_arn: Annotated[str, "ARN of the instances' role."]
    ec2_instance_profile_name: Annotated[str, "Instance profile carrying the instances' role."]
    ec2_instance_profile_arn: Annotated[str, "ARN of the instance profile."]
    # compute
    ami_id: Annotated[str, "AMI the green fleet's launch template runs."]
    blue_launch_template_id: Annotated[str, "Launch template of the blue fleet."]
    green_launch_template_id: Annotated[str, "Launch template of the green fleet."]
    blue_launch_template_name: Annotated[str, "Name of the blue launch template."]
    green_launch_template_name: Annotated[str, "Name of the green launch template."]
    blue_asg_name: Annotated[str, "Auto Scaling group of the blue fleet."]
    green_asg_name: Annotated[str, "Auto Scaling group of the green fleet (the gates watch it)."]
    blue_asg_arn: Annotated[str, "ARN of the blue Auto Scaling group."]
    green_asg_arn: Annotated[str, "ARN of the green Auto Scaling group."]
    green_asg_min_size: Annotated[int, "Minimum size of the green fleet in this phase."]
    green_asg_max_size: Annotated[int, "Maximum size of the green fleet in this phase."]
    # load balancer
    alb_arn: Annotated[str, "ARN of the production ALB."]
    alb_arn_suffix: Annotated[str, "The ALB's CloudWatch dimension (app/name/id)."]
    alb_dns_name: Annotated[str, "DNS name of the ALB (what the weighted record aliases)."]
    alb_zone_id: Annotated[str, "Canonical hosted zone of the ALB (for aliases)."]
    https_listener_arn: Annotated[
        str | None, "HTTPS listener; None only while the created zone awaits delegation (no listener yet)."
    ]
    certificate_arn: Annotated[str | None, "ACM certificate the HTTPS listener serves."]
    web_acl_arn: Annotated[str, "WAF web ACL in front of the ALB."]
    target_group_blue_arn: Annotated[str, "Target group of the blue fleet."]
    target_group_green_arn: Annotated[str, "Target group of the green fleet."]
    target_group_blue_arn_suffix: Annotated[str, "The blue target group's CloudWatch dimension."]
    target_group_green_arn_suffix: Annotated[str, "The green target group's CloudWatch dimension (gates)."]
    target_group_blue_name: Annotated[str, "Name of the blue target group."]
    target_group_green_name: Annotated[str, "Name of the green target group."]
    # dns
    hosted_zone_id: Annotated[str, "Route53 zone of the app's name."]
    hosted_zone_name_servers: Annotated[list[str], "Name servers of the zone (for delegation)."]
    app_fqdn: Annotated[str, "The app's name, as the weighted records carry it."]
    dev_record_set_identifier: Annotated[
        str | None, "Set identifier of dev's weighted record (until `complete`)."
    ]
    green_record_set_identifier: Annotated[str, "Set identifier of prod's weighted record."]
    dev_health_check_id: Annotated[str | None, "Route53 health check of dev's endpoint."]
    green_health_check_id: Annotated[str, "Route53 health check of prod's ALB."]
    traffic_weight_blue: Annotated[int | None, "Weight of dev's record in this phase (None once removed)."]
    traffic_weight_green: Annotated[int, "Weight of prod's record in this phase."]
    # monitoring
    alarm_topic_arn: Annotated[str, "SNS topic every alarm notifies (KMS-encrypted)."]
    alarm_names: Annotated[
        list[str], "Alarms the controller's gates read in the stack's region (Route53's too in us-east-1)."
    ]
    route53_alarm_names: Annotated[list[str], "Alarms on the Route53 health checks."]
    route53_alarm_region: Annotated[str | None, "Region those alarms live in, read from their ARNs."]
    alarm_green_5xx_name: Annotated[str, "Alarm on green's 5xx rate."]
    alarm_green_p99_name: Annotated[str, "Alarm on green's p99 latency."]
    alarm_unhealthy_hosts_name: Annotated[str, "Alarm on green's unhealthy hosts."]
    dashboard_name: Annotated[str, "CloudWatch dashboard of the migration."]
    # migration state
    migration_phase: Annotated[str, "The phase this deployment is at."]
    migration_next_phase: Annotated[str | None, "The phase `tap migrate advance` goes to next."]
    migration_allowed_next_phases: Annotated[list[str], "Phases the phase machine allows next."]
    migration_rollback_target: Annotated[str | None, "Phase a rollback returns to."]
    migration_system_of_record: Annotated[str, "Which database takes writes in this phase (dev or prod)."]
    migration_phase_parameter_name: Annotated[str, "SSM parameter holding the phase document."]
    migration_state_table_name: Annotated[str, "DynamoDB table of the controller's state, lock and history."]
    migration_state_table_arn: Annotated[str, "ARN of the state table."]
    # compliance (R19): audit logging, access logs, backups
    db_option_group_name: Annotated[str, "DB option group (MariaDB audit plugin)."]
    waf_log_group_name: Annotated[str, "CloudWatch log group of WAF's request logs."]
    waf_log_group_arn: Annotated[str, "ARN of WAF's log group."]
    access_log_bucket_name: Annotated[str, "Bucket of the ALB's and buckets' access logs."]
    access_log_bucket_arn: Annotated[str, "ARN of the access log bucket."]
    backup_vault_name: Annotated[str | None, "AWS Backup vault of the database."]
    backup_vault_arn: Annotated[str | None, "ARN of the backup vault."]
    backup_replica_vault_arn: Annotated[str | None, "Vault in the replica region backups are copied to."]
    backup_plan_id: Annotated[str | None, "AWS Backup plan of the database."]
    backup_replica_kms_key_arn: Annotated[str | None, "KMS key of the replica vault."]
    # data tier: the path from dev, the writer name, the seed, the replication secret
    dev_vpc_id: Annotated[str | None, "Dev's VPC, peered with production."]
    dev_vpc_cidr_block: Annotated[str | None, "Dev's range, as prod's routes over the peering name it."]
    dev_route_table_ids: Annotated[list[str] | None, "Dev's route tables this stack added peering routes to."]
    dev_app_security_group_id: Annotated[
        str | None, "Dev's app security group (a rule lets it reach prod's MySQL)."
    ]
    dev_db_security_group_id: Annotated[
        str | None, "Dev's database security group (a rule admits prod's replication)."
    ]
    vpc_peering_connection_id: Annotated[str | None, "The peering with dev."]
    writer_zone_id: Annotated[str, "Private zone holding the writer name."]
    writer_zone_name: Annotated[str, "Name of the private writer zone."]
    writer_record_fqdn: Annotated[str, "The writer name the fleets connect to (`tap db cutover` moves it)."]
    dev_db_address: Annotated[str | None, "Host name of dev's database."]
    dev_db_port: Annotated[int | None, "MySQL port of dev's database."]
    seed_replica_identifier: Annotated[
        str | None, "Read replica of dev used to seed (seed and snapshot phases)."
    ]
    replication_secret_arn: Annotated[
        str, "Secret of the replication user (password only in Secrets Manager)."
    ]
    # rollback (the controller's UPSERT needs no list call; the in-AWS guard)
    weighted_record_sets: Annotated[
        dict[str, Any],
        "The weighted record sets by set identifier, as Route53 holds them (rollback's UPSERT).",
    ]
    rollback_guard_document_name: Annotated[
        str | None, "SSM Automation document of the in-AWS rollback guard."
    ]


TYPES: dict[str, Any] = typing.get_type_hints(StackOutputs)
"""Each output's declared type (the descriptions stripped)."""

DESCRIPTIONS: dict[str, str] = {
    name: hint.__metadata__[0]
    for name, hint in typing.get_type_hints(StackOutputs, include_extras=True).items()
}
"""Each output's description."""


def type_name(hint: Any) -> str:
    """`str | None`, `list[str]`: the type as the reader writes it."""
    if isinstance(hint, type):
        return hint.__name__
    return str(hint).replace("typing.", "").replace("NoneType", "None")
