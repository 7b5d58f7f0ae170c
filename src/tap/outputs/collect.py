"""The stack outputs, each read from the resource that owns it, one concern at a time.

Every part returns the outputs of one component; `collect` merges them and checks the result
against `StackOutputs`, so an output added to one side only fails the first render in the tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi

from tap.components.dns import record_weight
from tap.components.rollback_guard import record_set_output
from tap.outputs.contract import TYPES
from tap.stack import TapStack


def _maybe(resource: pulumi.Resource | None, attr: str) -> Any:
    """An attribute of a resource that exists only in some phases (None otherwise)."""
    return getattr(resource, attr) if resource is not None else None


def network(stack: TapStack) -> dict[str, Any]:
    net = stack.network
    return {
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
    }


def security(stack: TapStack) -> dict[str, Any]:
    kms, sec, ident = stack.encryption, stack.security, stack.identity
    return {
        "kms_key_id": kms.key.key_id,
        "kms_key_arn": kms.key.arn,
        "kms_alias_name": kms.alias.name,
        "alb_security_group_id": sec.alb.id,
        "app_security_group_id": sec.app.id,
        "db_security_group_id": sec.db.id,
        "default_security_group_id": sec.default.id,
        "ec2_role_name": ident.role.name,
        "ec2_role_arn": ident.role.arn,
        "ec2_instance_profile_name": ident.instance_profile.name,
        "ec2_instance_profile_arn": ident.instance_profile.arn,
    }


def database(stack: TapStack) -> dict[str, Any]:
    db = stack.database
    return {
        "dev_db_instance_identifier": _maybe(db.dev, "identifier"),
        "dev_db_instance_arn": _maybe(db.dev, "arn"),
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
    }


def storage(stack: TapStack) -> dict[str, Any]:
    st = stack.storage
    return {
        "log_bucket_name": st.log_bucket.bucket,
        "log_bucket_arn": st.log_bucket.arn,
        "log_bucket_region": st.log_bucket.region,
        "replica_bucket_name": st.replica_bucket.bucket,
        "replica_bucket_arn": st.replica_bucket.arn,
        "replica_bucket_region": st.replica_bucket.region,
        "replication_role_arn": st.replication_role.arn,
    }


def compute(stack: TapStack) -> dict[str, Any]:
    blue, green = stack.fleets["blue"], stack.fleets["green"]
    return {
        "ami_id": green.launch_template.image_id,
        "blue_launch_template_id": blue.launch_template.id,
        "green_launch_template_id": green.launch_template.id,
        "blue_launch_template_name": blue.launch_template.name,
        "green_launch_template_name": green.launch_template.name,
        "blue_asg_name": blue.group.name,
        "green_asg_name": green.group.name,
        "blue_asg_arn": blue.group.arn,
        "green_asg_arn": green.group.arn,
        "green_asg_min_size": green.group.min_size,
        "green_asg_max_size": green.group.max_size,
    }


def load_balancer(stack: TapStack) -> dict[str, Any]:
    lb = stack.load_balancer
    tg_blue, tg_green = lb.target_groups["blue"], lb.target_groups["green"]
    return {
        "alb_arn": lb.alb.arn,
        "alb_arn_suffix": lb.alb.arn_suffix,
        "alb_dns_name": lb.alb.dns_name,
        "alb_zone_id": lb.alb.zone_id,
        "https_listener_arn": _maybe(lb.https_listener, "arn"),
        "certificate_arn": _maybe(lb.https_listener, "certificate_arn"),
        "web_acl_arn": lb.web_acl.arn,
        "target_group_blue_arn": tg_blue.arn,
        "target_group_green_arn": tg_green.arn,
        "target_group_blue_arn_suffix": tg_blue.arn_suffix,
        "target_group_green_arn_suffix": tg_green.arn_suffix,
        "target_group_blue_name": tg_blue.name,
        "target_group_green_name": tg_green.name,
    }


def weighted_record_sets(records: Any) -> pulumi.Output[dict[str, Any]]:
    """The weighted sets by identifier as Route53 holds them, read from the records themselves:
    a rollback builds its UPSERT from these with no list call (tap.migration.rollback)."""
    present = {
        r.set_identifier: record_set_output(r)
        for r in (records.dev_record, records.green_record)
        if r is not None
    }
    return pulumi.Output.all(*present.keys(), *present.values()).apply(
        lambda v: dict(zip(v[: len(v) // 2], v[len(v) // 2 :], strict=True))
    )


def dns(stack: TapStack) -> dict[str, Any]:
    rec = stack.records
    return {
        "hosted_zone_id": stack.zone.zone_id,
        "hosted_zone_name_servers": stack.zone.name_servers,
        "app_fqdn": rec.green_record.fqdn,
        "dev_record_set_identifier": _maybe(rec.dev_record, "set_identifier"),
        "green_record_set_identifier": rec.green_record.set_identifier,
        "dev_health_check_id": _maybe(rec.dev_health_check, "id"),
        "green_health_check_id": rec.green_health_check.id,
        "traffic_weight_blue": record_weight(rec.dev_record) if rec.dev_record else None,
        "traffic_weight_green": record_weight(rec.green_record),
        "weighted_record_sets": weighted_record_sets(rec),
        "rollback_guard_document_name": _maybe(getattr(stack.rollback_guard, "document", None), "name"),
    }


def monitoring(stack: TapStack) -> dict[str, Any]:
    mon, hc = stack.monitoring, stack.health_check_alarms
    return {
        "alarm_topic_arn": mon.topic.arn,
        # Alarms the controller reads in the stack's region; Route53 health-check alarms are
        # among them only when that region is us-east-1 (route53_alarm_* say where they are).
        "alarm_names": [a.name for a in mon.alarms.values()]
        + ([a.name for a in hc.alarms.values()] if hc.topic is None else []),
        "route53_alarm_names": [a.name for a in hc.alarms.values()],
        # read from the alarms' own ARNs: where they really are, not where they should be
        "route53_alarm_region": (
            next(iter(hc.alarms.values())).arn.apply(lambda arn: arn.split(":")[3]) if hc.alarms else None
        ),
        "alarm_green_5xx_name": mon.alarms["green-5xx-rate"].name,
        "alarm_green_p99_name": mon.alarms["green-p99-latency"].name,
        "alarm_unhealthy_hosts_name": mon.alarms["green-unhealthy-hosts"].name,
        "dashboard_name": mon.dashboard.dashboard_name,
    }


def migration_state(stack: TapStack) -> dict[str, Any]:
    mig = stack.migration
    doc = mig.phase_parameter.insecure_value.apply(json.loads)
    return {
        "migration_phase": doc["phase"],
        "migration_next_phase": doc["nextPhase"],
        "migration_allowed_next_phases": doc["allowedNext"],
        "migration_rollback_target": doc["rollbackTarget"],
        "migration_system_of_record": doc["systemOfRecord"],
        "migration_phase_parameter_name": mig.phase_parameter.name,
        "migration_state_table_name": mig.table.name,
        "migration_state_table_arn": mig.table.arn,
    }


def compliance(stack: TapStack) -> dict[str, Any]:
    backup, waf_logs = stack.backup, stack.load_balancer.waf_logging.log_group
    return {
        "db_option_group_name": stack.database.option_group.name,
        "waf_log_group_name": waf_logs.name,
        "waf_log_group_arn": waf_logs.arn,
        "access_log_bucket_name": stack.storage.access_log_bucket.bucket,
        "access_log_bucket_arn": stack.storage.access_log_bucket.arn,
        "backup_vault_name": _maybe(backup and backup.vault, "name"),
        "backup_vault_arn": _maybe(backup and backup.vault, "arn"),
        "backup_replica_vault_arn": _maybe(backup and backup.replica_vault, "arn"),
        "backup_plan_id": _maybe(backup and backup.plan, "id"),
        "backup_replica_kms_key_arn": _maybe(backup and backup.replica_key, "arn"),
    }


def data_tier(stack: TapStack) -> dict[str, Any]:
    link, writer, db = stack.dev_link, stack.writer_zone, stack.database
    return {
        "dev_vpc_id": _maybe(link.peering if link else None, "peer_vpc_id"),
        # The range the production routes send over the peering (the route owns it).
        "dev_vpc_cidr_block": link.prod_routes[0].destination_cidr_block
        if link and link.prod_routes
        else None,
        # Dev's tables and groups, as the routes and rules this stack added to them name them.
        "dev_route_table_ids": [r.route_table_id for r in link.dev_routes[:: link.routes_per_table]]
        if link
        else None,
        "dev_app_security_group_id": link.rules["dev-app-to-db"].security_group_id if link else None,
        "dev_db_security_group_id": link.rules["dev-db-to-db"].security_group_id if link else None,
        "vpc_peering_connection_id": _maybe(link.peering if link else None, "id"),
        "writer_zone_id": writer.zone.zone_id,
        "writer_zone_name": writer.zone.name,
        "writer_record_fqdn": writer.record.fqdn,
        "dev_db_address": _maybe(db.dev, "address"),
        "dev_db_port": _maybe(db.dev, "port"),
        "seed_replica_identifier": _maybe(db.seed_replica, "identifier"),
        "replication_secret_arn": stack.replication_secret.secret.arn,
    }


PARTS: tuple[Callable[[TapStack], dict[str, Any]], ...] = (
    network,
    security,
    database,
    storage,
    compute,
    load_balancer,
    dns,
    monitoring,
    migration_state,
    compliance,
    data_tier,
)


def collect(stack: TapStack) -> dict[str, pulumi.Output[Any]]:
    out: dict[str, Any] = {}
    for part in PARTS:
        values = part(stack)
        if twice := set(out) & set(values):
            raise KeyError(f"outputs exported by two parts: {sorted(twice)}")
        out.update(values)
    missing = set(TYPES) ^ set(out)
    if missing:  # a programming error, caught by the first render in the test suite
        raise KeyError(f"outputs and StackOutputs disagree on: {sorted(missing)}")
    return {k: pulumi.Output.from_input(v) for k, v in out.items()}
