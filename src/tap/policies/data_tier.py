"""The data tier's own rules (issue 10): the seed replica, the replication filter that keeps
fence statements on their side, the cross-VPC security group rules and the writer record.

The production database rules (encryption with the customer key, backups, deletion
protection, IAM auth, ...) are about the production instance. A read replica of dev inherits
dev's storage, encryption and credentials and RDS refuses most of those inputs on it, so those
rules skip replicas (`production_only`) and the replica gets rules of its own: private, no
credentials of its own, and no automatic minor upgrade (its snapshot becomes production, which
must not be ahead of dev while fallback is possible).
"""

from __future__ import annotations

import dataclasses
import ipaddress

from tap import aws_types as t
from tap.fence_filter import FENCE_SCHEMA, IGNORE_DB_PARAMETER, schema_list
from tap.network.model import is_internet_cidr
from tap.policies.rules import Report, Resource, ResourceRule, Stack, resource_rule, stack_rule
from tap.props import UNKNOWN, flag

MYSQL_PORT = 3306
WRITER_TTL_MAX_SECONDS = 5


def is_replica(r: Resource) -> bool:
    """An RDS instance that replicates from another (its source owns storage and secrets)."""
    source = r.get("replicateSourceDb")
    return source is UNKNOWN or (isinstance(source, str) and source != "")


def production_only(rule: ResourceRule) -> ResourceRule:
    """The same rule, skipping read replicas of dev."""
    check = rule.check

    def skip_replicas(r: Resource, report: Report) -> None:
        if r.type == t.RDS_INSTANCE and is_replica(r):
            return
        check(r, report)

    return dataclasses.replace(rule, check=skip_replicas)


@resource_rule(
    "rds-seed-replica-private-and-pinned",
    "A read replica is private, has no credentials of its own and no automatic minor upgrade "
    "(its snapshot becomes production, which must not pass dev's version while fallback is open).",
    "R5.2, R5.4",
    t.RDS_INSTANCE,
)
def seed_replica(r: Resource, report: Report) -> None:
    if not is_replica(r):
        return
    if flag(r.get("publiclyAccessible")) is True:
        report(f"{r.label} is publicly accessible")
    for key in ("password", "username", "manageMasterUserPassword"):
        if r.get(key) not in (None, UNKNOWN):
            report(f"{r.label} sets {key}; a replica inherits its source's credentials")
    if (
        flag(r.get("autoMinorVersionUpgrade")) is not False
        and r.get("autoMinorVersionUpgrade") is not UNKNOWN
    ):
        report(f"{r.label} may upgrade its minor version automatically; it must stay at dev's version")
    if flag(r.get("deletionProtection")) is True:
        report(f"{r.label} has deletion protection; the disposable replica would block the next phase")


@resource_rule(
    "replication-ignores-mysql-schema",
    f"Production's parameter group sets {IGNORE_DB_PARAMETER}={FENCE_SCHEMA}: the account locks that fence "
    "one side are binlogged as statements (the master user cannot SET sql_log_bin=0) and must not "
    "replicate to the other side.",
    "issue 10",
    t.RDS_PARAMETER_GROUP,
)
def replication_ignores_mysql(r: Resource, report: Report) -> None:
    params = r.get("parameters")
    if params is UNKNOWN or (isinstance(params, list) and UNKNOWN in params):
        return
    named = [p for p in params if isinstance(p, dict)] if isinstance(params, list) else []
    if any(p.get("name") is UNKNOWN for p in named):
        return
    values = [p.get("value") for p in named if str(p.get("name")).replace("_", "-") == IGNORE_DB_PARAMETER]
    if not values:
        report(
            f"{r.label} does not set {IGNORE_DB_PARAMETER}={FENCE_SCHEMA}: "
            "a fence would cross to the other side"
        )
        return
    for v in values:
        if v is UNKNOWN:
            continue
        if FENCE_SCHEMA not in schema_list(str(v)):
            report(
                f"{r.label} sets {IGNORE_DB_PARAMETER}={v!r}; "
                f"it must include {FENCE_SCHEMA!r} (fence statements)"
            )


def _owned_group_ids(stack: Stack) -> set[str] | None:
    """The stack's own groups, or None while one of their ids is not known yet (preview)."""
    ids: set[str] = set()
    for g in stack.of_type(t.SECURITY_GROUP, t.DEFAULT_SECURITY_GROUP):
        if g.get("id") is UNKNOWN:
            return None
        ids |= g.physical_ids
    return ids


def _peered_ranges(stack: Stack) -> list[ipaddress.IPv4Network]:
    """Ranges reached over a peering connection: dev's VPC, seen from production's routes."""
    out = []
    for r in stack.of_type(t.ROUTE):
        dest = r.get("destinationCidrBlock")
        if r.get("vpcPeeringConnectionId") and isinstance(dest, str):
            try:
                out.append(ipaddress.IPv4Network(dest, strict=False))
            except ValueError:
                continue
    return out


def _overlaps_any(cidr: object, ranges: list[ipaddress.IPv4Network]) -> bool:
    if not isinstance(cidr, str) or is_internet_cidr(cidr):
        return False  # internet-wide rules are the internet rules' concern
    try:
        net = ipaddress.IPv4Network(cidr, strict=False)
    except ValueError:
        return False
    return any(net.overlaps(r) for r in ranges)


@stack_rule(
    "cross-vpc-rules-group-to-group",
    "A rule that touches a group this stack does not own (dev's) joins two groups on MySQL "
    "3306 only, with a description: never a CIDR, never another port.",
    "R2.3, issue 10",
)
def cross_vpc_rules(stack: Stack, report: Report) -> None:
    owned = _owned_group_ids(stack)
    if not owned:
        return
    peered = _peered_ranges(stack)
    for r in stack.of_type(*t.SG_RULES):
        group, peer = r.get("securityGroupId"), r.get("referencedSecurityGroupId")
        if group is UNKNOWN or peer is UNKNOWN:
            continue
        foreign = [g for g in (group, peer) if isinstance(g, str) and g and g not in owned]
        if not foreign:
            if r.type == t.INGRESS_RULE and _overlaps_any(r.get("cidrIpv4"), peered):
                report(
                    f"{r.label} admits {r.get('cidrIpv4')}, a range reached over the dev peering; "
                    "name dev's group instead",
                    r.urn,
                )
            continue
        if r.get("cidrIpv4") or r.get("cidrIpv6") or r.get("prefixListId"):
            report(f"{r.label} opens dev's group {foreign[0]} to a range; use a group reference", r.urn)
        if not (isinstance(peer, str) and peer):
            report(f"{r.label} on dev's group {foreign[0]} names no peer group", r.urn)
        ports = (r.get("fromPort"), r.get("toPort"))
        if UNKNOWN not in ports and tuple(int(p) if p is not None else None for p in ports) != (
            MYSQL_PORT,
            MYSQL_PORT,
        ):
            report(f"{r.label} crosses to dev's group {foreign[0]} on ports {ports}; only 3306", r.urn)
        if str(r.get("ipProtocol")) not in ("tcp", "6"):
            report(
                f"{r.label} crosses to dev's group {foreign[0]} with protocol {r.get('ipProtocol')!r}", r.urn
            )
        if not r.get("description"):
            report(f"{r.label} crosses to dev's group {foreign[0]} without a description", r.urn)


@stack_rule(
    "writer-record-short-ttl-cname",
    f"The writer record is a CNAME with a TTL of at most {WRITER_TTL_MAX_SECONDS} s in a private "
    "zone (the fleets re-resolve within seconds of a switch).",
    "R5.6, issue 10",
)
def writer_record(stack: Stack, report: Report) -> None:
    private = {
        zid
        for z in stack.of_type(t.ROUTE53_ZONE)
        if z.get("vpcs") not in (None, [], UNKNOWN)
        for zid in (z.get("zoneId"), z.get("id"))
        if isinstance(zid, str)
    }
    for rec in stack.of_type(t.ROUTE53_RECORD):
        if rec.get("zoneId") not in private:
            continue
        if rec.get("type") != "CNAME":
            report(f"{rec.label} in the private writer zone is a {rec.get('type')}, not a CNAME", rec.urn)
        ttl = rec.get("ttl")
        if ttl is not UNKNOWN and (ttl is None or float(ttl) > WRITER_TTL_MAX_SECONDS):
            report(f"{rec.label} has TTL {ttl}; at most {WRITER_TTL_MAX_SECONDS} s", rec.urn)


RULES = [seed_replica, replication_ignores_mysql]
STACK_RULES = [cross_vpc_rules, writer_record]
