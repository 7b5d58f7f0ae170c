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
    # migration state
    migration_phase: str
    migration_next_phase: str | None
    migration_allowed_next_phases: list[str]
    migration_rollback_target: str | None
    migration_system_of_record: str
    migration_phase_parameter_name: str
    migration_state_table_name: str
    migration_state_table_arn: str


def collect(stack: TapStack) -> dict[str, pulumi.Output[Any]]:
    net, sec, kms, mig = stack.network, stack.security, stack.encryption, stack.migration
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
