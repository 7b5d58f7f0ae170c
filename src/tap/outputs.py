"""The stack outputs: typed in one place, each read from the resource that owns it.

`StackOutputs` is the contract with other stacks, the live tests and the controller; `collect`
builds it from a `TapStack`; `flatten` gives the flat JSON form (`tap outputs --flat`).
"""

from __future__ import annotations

import json
from typing import Any, TypedDict

import pulumi

from tap.stack import TapStack


class StackOutputs(TypedDict):
    # network
    vpc_id: str
    vpc_cidr_block: str
    availability_zones: list[str]
    public_subnet_ids: list[str]
    private_subnet_ids: list[str]
    public_subnet_cidr_blocks: list[str]
    private_subnet_cidr_blocks: list[str]
    internet_gateway_id: str
    nat_gateway_ids: list[str]
    nat_public_ips: list[str]
    public_route_table_id: str
    private_route_table_ids: list[str]
    s3_endpoint_id: str
    flow_log_id: str
    flow_log_group_name: str
    # encryption
    kms_key_id: str
    kms_key_arn: str
    kms_alias_name: str
    # security groups
    alb_security_group_id: str
    app_security_group_id: str
    db_security_group_id: str
    default_security_group_id: str
    # database
    dev_db_instance_identifier: str
    dev_db_instance_arn: str
    dev_final_snapshot_identifier: str | None
    dev_final_snapshot_arn: str | None
    encrypted_snapshot_identifier: str | None
    encrypted_snapshot_arn: str | None
    db_instance_identifier: str | None
    db_instance_arn: str | None
    db_instance_resource_id: str | None
    db_instance_address: str | None
    db_instance_endpoint: str | None
    db_instance_port: int | None
    db_instance_multi_az: bool | None
    db_master_user_secret_arn: str | None
    db_subnet_group_name: str
    db_parameter_group_name: str
    db_endpoint_parameter_name: str
    db_port_parameter_name: str
    db_secret_parameter_name: str | None
    rds_monitoring_role_arn: str
    # storage
    log_bucket_name: str
    log_bucket_arn: str
    log_bucket_region: str
    replica_bucket_name: str
    replica_bucket_arn: str
    replica_bucket_region: str
    replication_role_arn: str
    # the app's identity
    ec2_role_name: str
    ec2_role_arn: str
    ec2_instance_profile_name: str
    ec2_instance_profile_arn: str
    # migration state
    migration_phase: str
    migration_next_phase: str | None
    migration_allowed_next_phases: list[str]
    migration_rollback_target: str | None
    migration_system_of_record: str
    migration_phase_parameter_name: str
    migration_state_table_name: str
    migration_state_table_arn: str


def _maybe(resource: pulumi.Resource | None, attr: str) -> Any:
    """An attribute of a resource that exists only in some phases (None otherwise)."""
    return getattr(resource, attr) if resource is not None else None


def collect(stack: TapStack) -> dict[str, pulumi.Output[Any]]:
    net, sec, kms, mig = stack.network, stack.security, stack.encryption, stack.migration
    db, st, ident = stack.database, stack.storage, stack.identity
    doc = mig.phase_parameter.insecure_value.apply(json.loads)
    out: dict[str, Any] = {
        "vpc_id": net.vpc.id,
        "vpc_cidr_block": net.vpc.cidr_block,
        "availability_zones": [s.availability_zone for s in net.private_subnets],
        "public_subnet_ids": [s.id for s in net.public_subnets],
        "private_subnet_ids": [s.id for s in net.private_subnets],
        "public_subnet_cidr_blocks": [s.cidr_block for s in net.public_subnets],
        "private_subnet_cidr_blocks": [s.cidr_block for s in net.private_subnets],
        "internet_gateway_id": net.internet_gateway.id,
        "nat_gateway_ids": [n.id for n in net.nat_gateways],
        "nat_public_ips": [e.public_ip for e in net.nat_eips],
        "public_route_table_id": net.public_route_table.id,
        "private_route_table_ids": [rt.id for rt in net.private_route_tables],
        "s3_endpoint_id": net.s3_endpoint.id,
        "flow_log_id": net.flow_log.id,
        "flow_log_group_name": net.flow_log_group.name,
        "kms_key_id": kms.key.key_id,
        "kms_key_arn": kms.key.arn,
        "kms_alias_name": kms.alias.name,
        "alb_security_group_id": sec.alb.id,
        "app_security_group_id": sec.app.id,
        "db_security_group_id": sec.db.id,
        "default_security_group_id": sec.default.id,
        "dev_db_instance_identifier": db.dev.identifier,
        "dev_db_instance_arn": db.dev.arn,
        "dev_final_snapshot_identifier": _maybe(db.final_snapshot, "db_snapshot_identifier"),
        "dev_final_snapshot_arn": _maybe(db.final_snapshot, "db_snapshot_arn"),
        "encrypted_snapshot_identifier": _maybe(db.encrypted_copy, "target_db_snapshot_identifier"),
        "encrypted_snapshot_arn": _maybe(db.encrypted_copy, "db_snapshot_arn"),
        "db_instance_identifier": _maybe(db.instance, "identifier"),
        "db_instance_arn": _maybe(db.instance, "arn"),
        "db_instance_resource_id": _maybe(db.instance, "resource_id"),
        "db_instance_address": _maybe(db.instance, "address"),
        "db_instance_endpoint": _maybe(db.instance, "endpoint"),
        "db_instance_port": _maybe(db.instance, "port"),
        "db_instance_multi_az": _maybe(db.instance, "multi_az"),
        "db_master_user_secret_arn": db.master_secret_arn if db.instance else None,
        "db_subnet_group_name": db.subnet_group.name,
        "db_parameter_group_name": db.parameter_group.name,
        "db_endpoint_parameter_name": db.endpoint_parameter.name,
        "db_port_parameter_name": db.port_parameter.name,
        "db_secret_parameter_name": _maybe(db.secret_parameter, "name"),
        "rds_monitoring_role_arn": db.monitoring_role.arn,
        "log_bucket_name": st.log_bucket.bucket,
        "log_bucket_arn": st.log_bucket.arn,
        "log_bucket_region": st.log_bucket.region,
        "replica_bucket_name": st.replica_bucket.bucket,
        "replica_bucket_arn": st.replica_bucket.arn,
        "replica_bucket_region": st.replica_bucket.region,
        "replication_role_arn": st.replication_role.arn,
        "ec2_role_name": ident.role.name,
        "ec2_role_arn": ident.role.arn,
        "ec2_instance_profile_name": ident.instance_profile.name,
        "ec2_instance_profile_arn": ident.instance_profile.arn,
        "migration_phase": doc["phase"],
        "migration_next_phase": doc["nextPhase"],
        "migration_allowed_next_phases": doc["allowedNext"],
        "migration_rollback_target": doc["rollbackTarget"],
        "migration_system_of_record": doc["systemOfRecord"],
        "migration_phase_parameter_name": mig.phase_parameter.name,
        "migration_state_table_name": mig.table.name,
        "migration_state_table_arn": mig.table.arn,
    }
    missing = set(StackOutputs.__annotations__) ^ set(out)
    if missing:  # a programming error, caught by the first render in the test suite
        raise KeyError(f"outputs and StackOutputs disagree on: {sorted(missing)}")
    return {k: pulumi.Output.from_input(v) for k, v in out.items()}


def flatten(outputs: dict[str, Any]) -> dict[str, str]:
    """Flat JSON form: strings stay strings, everything else is JSON-encoded, the way CI tools
    that read `flat-outputs.json` expect."""
    return {k: v if isinstance(v, str) else json.dumps(v, sort_keys=True) for k, v in sorted(outputs.items())}
