"""Settings: parsed once from Pulumi config (namespace `tap`), validated, then frozen.

Each field's metadata names its config key, its converter (which also says, in words, what is
allowed) and a one-line description; the README's settings reference is generated from the
same metadata, so the two cannot drift. Every problem is collected and raised together as a
`SettingsError` before the program declares a single resource.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tap.errors import Problem, SettingsError
from tap.phases import (
    PHASE_NAMES,
    Capacity,
    FleetSizes,
    Phase,
    PhasePlan,
    plan_for,
)
from tap.rds_audit import audit_plugin_problem
from tap.settings_types import (
    Boolean,
    Choice,
    Cidr,
    Converter,
    IntChoice,
    Integer,
    ListOf,
    Number,
    Pattern,
)

NAMESPACE = "tap"

# Families with x86_64 builds: the default AMI parameter resolves an x86_64 image.
EC2_INSTANCE_TYPE = Pattern(
    r"(t3|t3a|m5|m5a|m6i|m6a|m7i|c5|c6i|c7i|r5|r6i)\.(micro|small|medium|large|xlarge|[2-9]xlarge|1[26]xlarge)",
    "an x86_64 EC2 instance type of family t3, t3a, m5, m5a, m6i, m6a, m7i, c5, c6i, c7i, r5 or r6i "
    "(e.g. m5.large)",
)
# Classes that run MySQL 8.0 Multi-AZ with Performance Insights.
DB_INSTANCE_CLASSES = tuple(
    f"db.{family}.{size}"
    for family in ("m5", "m6i", "r5", "r6i")
    for size in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge")
)
# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
TLS_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
)
DNS_NAME = r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
RDS_IDENTIFIER = r"[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)"
REGION = r"[a-z]{2}(-gov)?-[a-z]+-\d"


class PhaseChoice(Converter[Phase]):
    @property
    def allowed(self) -> str:
        return "one of, in order: " + ", ".join(PHASE_NAMES)

    def __call__(self, raw: object) -> Phase:
        if isinstance(raw, str) and raw in PHASE_NAMES:
            return Phase(raw)
        raise ValueError(self.allowed)


def setting(key: str, default: Any, conv: Converter[Any], doc: str) -> Any:
    """A dataclass field that knows its config key, converter and description."""
    return field(default=default, metadata={"key": key, "conv": conv, "doc": doc})


# ---------------------------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CoreSettings:
    environment_suffix: str = setting(
        "environmentSuffix",
        "main",
        Pattern(
            r"[a-z0-9](?!.*--)[a-z0-9-]{0,14}[a-z0-9]|[a-z0-9]",
            "1-16 lowercase letters, digits or single hyphens, not starting or ending "
            "with a hyphen (it ends up in S3 bucket and RDS names)",
        ),
        "Suffix of every resource name: prod-{service}[-{az}]-{suffix}.",
    )
    project: str = setting(
        "project",
        "payments",
        Pattern(r"[A-Za-z0-9 _.:/=+@-]{1,128}", "1-128 tag-safe characters"),
        "Value of the Project tag on every resource.",
    )
    owner: str = setting(
        "owner",
        "platform-team",
        Pattern(r"[A-Za-z0-9 _.:/=+@-]{1,128}", "1-128 tag-safe characters"),
        "Value of the Owner tag on every resource.",
    )
    region: str = setting(
        "region",
        "us-east-1",
        Pattern(REGION, "an AWS region name such as us-east-1"),
        "Primary region (production and the dev environment).",
    )
    replica_region: str = setting(
        "replicaRegion",
        "us-west-2",
        Pattern(REGION, "an AWS region name such as us-west-2"),
        "Region of the replicated log bucket; must differ from region.",
    )
    migration_phase: Phase = setting(
        "migrationPhase", Phase.INITIAL, PhaseChoice(), "Current migration phase (see the phase table)."
    )


@dataclass(frozen=True)
class NetworkSettings:
    vpc_cidr: str = setting("vpcCidr", "10.0.0.0/16", Cidr(), "Production VPC range.")
    availability_zones: tuple[str, ...] = setting(
        "availabilityZones",
        ("us-east-1a", "us-east-1b", "us-east-1c"),
        ListOf(Pattern(r"[a-z]{2}(-gov)?-[a-z]+-\d[a-z]", "an AZ name such as us-east-1a"), 2, 6),
        "One public and one private subnet per zone; zones must be in region.",
    )
    public_subnet_cidrs: tuple[str, ...] = setting(
        "publicSubnetCidrs",
        ("10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"),
        ListOf(Cidr(), 2, 6),
        "Public subnets (ALB, NAT gateways), one per zone, in order.",
    )
    private_subnet_cidrs: tuple[str, ...] = setting(
        "privateSubnetCidrs",
        ("10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"),
        ListOf(Cidr(), 2, 6),
        "Private subnets (fleets, database), one per zone, in order.",
    )
    log_retention_days: int = setting(
        "logRetentionDays",
        90,
        IntChoice(LOG_RETENTION_DAYS),
        "Retention of the operational CloudWatch log groups (RDS error and slow-query "
        "exports); audit-relevant groups keep auditLogRetentionDays.",
    )


@dataclass(frozen=True)
class DatabaseSettings:
    dev_db_instance_id: str = setting(
        "devDbInstanceId",
        "",
        Pattern(
            RDS_IDENTIFIER,
            "an RDS instance identifier: a letter, then up to 62 letters, "
            "digits or single hyphens, not ending in a hyphen",
            optional=True,
        ),
        "Identifier of the dev MySQL instance (read, never modified). Required.",
    )
    instance_class: str = setting(
        "dbInstanceClass", "db.r5.large", Choice(DB_INSTANCE_CLASSES), "Production instance class."
    )
    allocated_storage_gib: int = setting(
        "dbAllocatedStorageGib", 100, Integer(20, 65536), "gp3 storage in GiB."
    )
    engine_version: str = setting(
        "dbEngineVersion",
        "",
        Pattern(
            r"8\.[04]\.\d{1,3}",
            "an exact MySQL version 8.0.N or 8.4.N equal to dev's (a major-only version such as "
            "8.0 makes the restore modify the instance to RDS's default minor: an unplanned "
            "upgrade mid-cutover)",
            optional=True,
        ),
        "Exact MySQL engine version, equal to dev's while a data fallback is possible (a newer "
        "server cannot replicate to an older one). Required; `tap preflight` shows dev's.",
    )
    dev_decommissioned: bool = setting(
        "devDecommissioned",
        False,
        Boolean(),
        "Set true once dev's database is gone (allowed only after dev has retired, at "
        "complete): the stack then stops reading it.",
    )
    iam_user: str = setting(
        "dbIamUser",
        "payments_app",
        Pattern(
            r"[A-Za-z_][A-Za-z0-9_]{0,31}",
            "a MySQL user name: a letter or _, then up to 31 letters, digits or _",
        ),
        "Database user the app fleets connect as with IAM authentication (rds-db:connect).",
    )
    backup_retention_days: int = setting(
        "dbBackupRetentionDays", 7, Integer(7, 35), "Automated backups and point-in-time recovery window."
    )

    @property
    def parameter_group_family(self) -> str:
        """`mysql8.0` or `mysql8.4`: a parameter group of another family is refused by RDS."""
        return "mysql" + ".".join(self.engine_version.split(".")[:2])


@dataclass(frozen=True)
class ComputeSettings:
    ami_parameter: str = setting(
        "amiParameter",
        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
        Pattern(r"/[A-Za-z0-9_.\-/]{1,1010}", "an SSM parameter path starting with /"),
        "Public SSM parameter `tap.ami.resolve_ami` reads to suggest an amiId; the program never reads it.",
    )
    ami_id: str = setting(
        "amiId",
        "",
        Pattern(
            r"ami-([0-9a-f]{8}|[0-9a-f]{17})",
            "an AMI id: ami- and 8 or 17 lowercase hex digits",
            optional=True,
        ),
        "The fleets' AMI, pinned for the migration (a new image mid-cutover would refresh green "
        "under traffic). Required; changing it is a reviewed settings change.",
    )
    app_artifact_uri: str = setting(
        "appArtifactUri",
        "",
        Pattern(
            r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[A-Za-z0-9!_.*'()/-]+\.tar\.gz",
            "an s3://bucket/key.tar.gz URI of the payment service release bundle",
        ),
        "Release bundle the fleets install at boot (bin/start serves the app on 8080 with "
        "/health); the EC2 role may read exactly this object.",
    )
    blue_instance_type: str = setting(
        "blueInstanceType",
        "t3.micro",
        EC2_INSTANCE_TYPE,
        "Instance type of the blue (standby) launch template.",
    )
    green_instance_type: str = setting(
        "greenInstanceType",
        "m5.large",
        EC2_INSTANCE_TYPE,
        "Instance type of the green (production) launch template.",
    )
    green_min_size: int = setting("greenMinSize", 3, Integer(1, 100), "Green ASG minimum when active.")
    green_max_size: int = setting("greenMaxSize", 9, Integer(1, 100), "Green ASG maximum.")
    green_desired_capacity: int = setting(
        "greenDesiredCapacity", 3, Integer(1, 100), "Green ASG desired capacity when active."
    )
    blue_max_size: int = setting(
        "blueMaxSize", 3, Integer(0, 100), "Blue ASG maximum (it idles at 0 as the slot for later releases)."
    )
    root_volume_gib: int = setting("rootVolumeGib", 20, Integer(8, 16384), "gp3 root volume size.")
    scaling_cpu_target: int = setting(
        "scalingCpuTargetPercent", 60, Integer(10, 90), "Target-tracking average CPU of each fleet."
    )
    create_autoscaling_slr: bool = setting(
        "createAutoScalingServiceLinkedRole",
        True,
        Boolean(),
        "Create AWSServiceRoleForAutoScaling (named by the key policy, which KMS refuses while it "
        "does not exist); set false when the account already has it (`tap preflight` says which).",
    )


@dataclass(frozen=True)
class LoadBalancerSettings:
    deletion_protection: bool = setting(
        "albDeletionProtection", True, Boolean(), "Deletion protection on the ALB."
    )
    certificate_arn: str = setting(
        "certificateArn",
        "",
        Pattern(
            r"arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}",
            "an ACM certificate ARN",
            optional=True,
        ),
        "Existing certificate; empty means a DNS-validated certificate is requested.",
    )
    ssl_policy: str = setting(
        "albSslPolicy",
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        Choice(TLS_POLICIES),
        "TLS 1.2/1.3 policy of the HTTPS listener.",
    )
    waf_rate_limit: int = setting(
        "wafRateLimit",
        2000,
        Integer(100, 2_000_000_000),
        "Requests per 5 minutes per client IP before WAF blocks it.",
    )


@dataclass(frozen=True)
class DnsSettings:
    domain_name: str = setting(
        "domainName",
        "payments.example.com",
        Pattern(DNS_NAME, "a lowercase DNS name such as payments.example.com"),
        "Domain; the service answers at app.{domain}.",
    )
    hosted_zone_id: str = setting(
        "hostedZoneId",
        "",
        Pattern(r"Z[A-Z0-9]{4,31}", "a Route53 zone id such as Z0123456789ABC", optional=True),
        "Existing hosted zone; empty means the stack creates one.",
    )
    zone_delegated: bool = setting(
        "zoneDelegated",
        False,
        Boolean(),
        "Set true once `tap preflight` confirms the parent domain delegates to the zone's name "
        "servers: only then does a requested certificate get validated and the listener declared.",
    )
    record_ttl: int = setting(
        "dnsTtlSeconds",
        60,
        Integer(1, 60),
        "TTL of every non-alias record (at most 60 so weights move quickly).",
    )
    dnssec: bool = setting("dnssecEnabled", True, Boolean(), "DNSSEC signing of a created zone.")
    query_logging: bool = setting("queryLoggingEnabled", True, Boolean(), "Query logging of a created zone.")
    dev_endpoint_mode: str = setting(
        "devEndpointMode",
        "alias",
        Choice(("alias", "records")),
        "How the blue-development record reaches dev.",
    )
    dev_alias_dns_name: str = setting(
        "devAliasDnsName",
        "",
        Pattern(DNS_NAME, "the DNS name of dev's load balancer", optional=True),
        "Alias target when devEndpointMode=alias.",
    )
    dev_alias_zone_id: str = setting(
        "devAliasZoneId",
        "",
        Pattern(r"Z[A-Z0-9]{4,31}", "the canonical hosted zone id of dev's load balancer", optional=True),
        "Alias target zone when devEndpointMode=alias.",
    )
    dev_record_values: tuple[str, ...] = setting(
        "devRecordValues",
        (),
        ListOf(Pattern(r"(\d{1,3}\.){3}\d{1,3}", "an IPv4 address"), 0, 8),
        "A-record addresses of dev when devEndpointMode=records (a CNAME cannot share a name "
        "with the green alias record).",
    )
    dev_health_check_fqdn: str = setting(
        "devHealthCheckFqdn",
        "",
        Pattern(DNS_NAME, "a DNS name", optional=True),
        "Host the dev health check probes; empty means the alias or CNAME target.",
    )


EMAIL = Pattern(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", "an e-mail address")


@dataclass(frozen=True)
class MonitoringSettings:
    alarm_emails: tuple[str, ...] = setting(
        "alarmEmails",
        ("oncall@example.com",),
        ListOf(EMAIL, 1, 20),
        "Subscribers of the alarm topic (at least one: an alarm nobody receives is not one).",
    )
    cpu_threshold_percent: int = setting(
        "cpuAlarmThresholdPercent", 80, Integer(1, 100), "Fleet and RDS CPU alarm threshold."
    )
    db_connections_threshold: int = setting(
        "dbConnectionsAlarmThreshold", 80, Integer(1, 100000), "RDS connections alarm threshold."
    )
    unhealthy_hosts_threshold: int = setting(
        "unhealthyHostsAlarmThreshold", 2, Integer(1, 100), "Unhealthy targets alarm threshold."
    )
    error_rate_percent: float = setting(
        "error5xxRatePercent",
        1.0,
        Number(0, 100, lo_inclusive=False),
        "Target 5xx rate (percent of requests) alarm threshold.",
    )
    p99_latency_seconds: float = setting(
        "p99LatencySeconds",
        1.0,
        Number(0, 60, lo_inclusive=False),
        "Target p99 response time alarm threshold.",
    )
    free_storage_gib: int = setting(
        "dbFreeStorageAlarmGib", 10, Integer(1, 65536), "RDS free storage alarm threshold."
    )


@dataclass(frozen=True)
class MigrationSettings:
    bake_seconds: int = setting(
        "bakeSeconds",
        600,
        Integer(60, 3600),
        "Time each traffic phase bakes before it is judged (>= 2 x TTL).",
    )
    analysis_interval_seconds: int = setting(
        "analysisIntervalSeconds", 60, Integer(60, 300), "How often the controller reads 1-minute metrics."
    )
    analysis_failure_limit: int = setting(
        "analysisFailureLimit", 2, Integer(1, 10), "Failed analyses in a row that trigger a rollback."
    )
    rollback_window_seconds: int = setting(
        "rollbackWindowSeconds",
        3600,
        Integer(900, 7 * 24 * 3600),
        "How long traffic-shift-100 must hold before `complete` may remove the dev record.",
    )


# PCI DSS 10.5.1: audit logs kept at least 12 months, the last 3 immediately available.
AUDIT_RETENTION_MIN_DAYS = 365


@dataclass(frozen=True)
class ComplianceSettings:
    audit_log_retention_days: int = setting(
        "auditLogRetentionDays",
        365,
        IntChoice(
            tuple(d for d in LOG_RETENTION_DAYS if d >= AUDIT_RETENTION_MIN_DAYS),
            "CloudWatch Logs retention periods of at least 12 months, as PCI DSS 10.5.1 requires",
        ),
        "Retention of the audit-relevant log groups (flow logs, WAF, DNS query logs, database "
        "audit): at least 365 days (PCI DSS 10.5.1 keeps 12 months).",
    )
    backup_retention_days: int = setting(
        "backupRetentionDays",
        35,
        Integer(7, 36500),
        "Days AWS Backup keeps each daily recovery point of the prod database, in both vaults.",
    )
    backup_vault_lock_mode: str = setting(
        "backupVaultLockMode",
        "governance",
        Choice(("governance", "compliance")),
        "Vault lock mode: governance (privileged IAM users can still remove it) or compliance "
        "(immutable once the grace period ends: see the runbook's warning).",
    )
    backup_vault_lock_grace_days: int = setting(
        "backupVaultLockGraceDays",
        3,
        Integer(3, 36500),
        "Compliance mode only: days the lock can still be removed after it is set "
        "(changeable_for_days; AWS's minimum is 3).",
    )
    backup_vault_lock_min_retention_days: int = setting(
        "backupVaultLockMinRetentionDays",
        7,
        Integer(1, 36500),
        "Shortest retention the vault lock accepts for a recovery point.",
    )
    backup_vault_lock_max_retention_days: int = setting(
        "backupVaultLockMaxRetentionDays",
        400,
        Integer(1, 36500),
        "Longest retention the vault lock accepts for a recovery point.",
    )


def _hex_id(prefix: str, what: str, example: str) -> Pattern:
    """EC2 ids are the prefix and 8 (older) or 17 lowercase hex digits."""
    return Pattern(
        rf"{prefix}-([0-9a-f]{{8}}|[0-9a-f]{{17}})",
        f"{what}: {prefix}- and 8 or 17 lowercase hex digits, e.g. {example}",
        optional=True,
    )


VPC_ID = _hex_id("vpc", "a VPC id", "vpc-0a1b2c3d4e5f60718")
ROUTE_TABLE_ID = _hex_id("rtb", "a route table id", "rtb-0a1b2c3d4e5f60718")
SECURITY_GROUP_ID = _hex_id("sg", "a security group id", "sg-0a1b2c3d4e5f60718")


@dataclass(frozen=True)
class DevNetworkSettings:
    """Dev's network, read from settings and never owned: the peering, the routes into dev's
    tables and the rules on dev's groups are additive resources this stack can remove again."""

    dev_vpc_id: str = setting(
        "devVpcId", "", VPC_ID, "Dev's VPC, peered with production (same account and region). Required."
    )
    dev_vpc_cidr: str = setting(
        "devVpcCidr",
        "",
        Cidr(optional=True),
        "Dev's VPC range; must not overlap vpcCidr (peered VPCs cannot). Required.",
    )
    dev_route_table_ids: tuple[str, ...] = setting(
        "devRouteTableIds",
        (),
        ListOf(ROUTE_TABLE_ID, 0, 20),
        "Dev route tables that get routes to production's private subnets (those of dev's app "
        "and database subnets). Required.",
    )
    dev_app_security_group_id: str = setting(
        "devAppSecurityGroupId",
        "",
        SECURITY_GROUP_ID,
        "Dev app fleet's group: admitted to the production MySQL on 3306. Required.",
    )
    dev_db_security_group_id: str = setting(
        "devDbSecurityGroupId",
        "",
        SECURITY_GROUP_ID,
        "Dev MySQL's group: the replication pair with production on 3306. Required.",
    )


@dataclass(frozen=True)
class SeedSettings:
    """Where the seed snapshot stopped replicating: printed by `tap db seed`, tagged on the
    snapshot, and where production's replication from dev starts."""

    seed_binlog_file: str = setting(
        "seedBinlogFile",
        "",
        Pattern(
            r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}\.\d{6,}",
            "a binary log file name as the seed replica reports it, e.g. mysql-bin-changelog.000123",
            optional=True,
        ),
        "Binlog file of dev the seed replica had applied when `tap db seed` stopped it. "
        "Required from the snapshot phase on.",
    )
    seed_binlog_position: int = setting(
        "seedBinlogPosition",
        0,
        Integer(0, 2**63 - 1),
        "Position in seedBinlogFile (0 = not recorded yet; a real position is at least 4). "
        "Required from the snapshot phase on.",
    )


SQL_MODES_80 = (
    "ALLOW_INVALID_DATES",
    "ANSI",
    "ANSI_QUOTES",
    "ERROR_FOR_DIVISION_BY_ZERO",
    "HIGH_NOT_PRECEDENCE",
    "IGNORE_SPACE",
    "NO_AUTO_VALUE_ON_ZERO",
    "NO_BACKSLASH_ESCAPES",
    "NO_DIR_IN_CREATE",
    "NO_ENGINE_SUBSTITUTION",
    "NO_UNSIGNED_SUBTRACTION",
    "NO_ZERO_DATE",
    "NO_ZERO_IN_DATE",
    "ONLY_FULL_GROUP_BY",
    "PAD_CHAR_TO_FULL_LENGTH",
    "PIPES_AS_CONCAT",
    "REAL_AS_FLOAT",
    "STRICT_ALL_TABLES",
    "STRICT_TRANS_TABLES",
    "TIME_TRUNCATE_FRACTIONAL",
    "TRADITIONAL",
)
_SQL_MODE = "(" + "|".join(SQL_MODES_80) + ")"


@dataclass(frozen=True)
class DbParameterSettings:
    """Server settings replication depends on: production must match dev (the preflight
    checks dev's side through the RDS API). Empty means the RDS MySQL 8.0 engine default,
    which is what dev has on a default parameter group; the parameter is then left unset."""

    sql_mode: str = setting(
        "dbSqlMode",
        "",
        Pattern(
            rf"{_SQL_MODE}(,{_SQL_MODE})*",
            "comma-separated MySQL 8.0 SQL modes, e.g. STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION",
            optional=True,
        ),
        "sql_mode, as on dev (empty: the engine default).",
    )
    time_zone: str = setting(
        "dbTimeZone",
        "",
        Pattern(
            r"UTC|[A-Z][A-Za-z_]+(/[A-Z][A-Za-z_+-]+){1,2}",
            "UTC or a zone name such as Europe/Berlin",
            optional=True,
        ),
        "time_zone, as on dev (empty: the engine default, UTC).",
    )
    character_set: str = setting(
        "dbCharacterSet",
        "",
        Pattern(r"[a-z0-9]{2,32}", "a MySQL character set name such as utf8mb4", optional=True),
        "character_set_server, as on dev (empty: the engine default, utf8mb4).",
    )
    collation: str = setting(
        "dbCollation",
        "",
        Pattern(
            r"[a-z0-9]{2,32}_[a-z0-9_]{2,64}", "a collation name such as utf8mb4_0900_ai_ci", optional=True
        ),
        "collation_server, as on dev (empty: the engine default, utf8mb4_0900_ai_ci).",
    )
    lower_case_table_names: str = setting(
        "dbLowerCaseTableNames",
        "",
        Choice(("", "0", "1")),
        "lower_case_table_names, as on dev (empty: the engine default, 0). MySQL 8.0 fixes it "
        "when the instance is created: it cannot change later.",
    )
    max_allowed_packet: int = setting(
        "dbMaxAllowedPacketBytes",
        0,
        Integer(0, 1_073_741_824),
        "max_allowed_packet in bytes, a multiple of 1024 and at least dev's (0: the engine default, 64 MiB).",
    )


GROUPS: dict[str, type] = {
    "core": CoreSettings,
    "network": NetworkSettings,
    "database": DatabaseSettings,
    "compute": ComputeSettings,
    "load_balancer": LoadBalancerSettings,
    "dns": DnsSettings,
    "monitoring": MonitoringSettings,
    "migration": MigrationSettings,
    "compliance": ComplianceSettings,
    "dev_network": DevNetworkSettings,
    "seed": SeedSettings,
    "db_parameters": DbParameterSettings,
}


@dataclass(frozen=True)
class Settings:
    core: CoreSettings = field(default_factory=CoreSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    compute: ComputeSettings = field(default_factory=ComputeSettings)
    load_balancer: LoadBalancerSettings = field(default_factory=LoadBalancerSettings)
    dns: DnsSettings = field(default_factory=DnsSettings)
    monitoring: MonitoringSettings = field(default_factory=MonitoringSettings)
    migration: MigrationSettings = field(default_factory=MigrationSettings)
    compliance: ComplianceSettings = field(default_factory=ComplianceSettings)
    dev_network: DevNetworkSettings = field(default_factory=DevNetworkSettings)
    seed: SeedSettings = field(default_factory=SeedSettings)
    db_parameters: DbParameterSettings = field(default_factory=DbParameterSettings)

    @property
    def fleet_sizes(self) -> FleetSizes:
        c = self.compute
        return FleetSizes(
            green_active=Capacity(
                min=c.green_min_size, max=c.green_max_size, desired=c.green_desired_capacity
            ),
            blue_standby_max=c.blue_max_size,
        )

    @property
    def phase_plan(self) -> PhasePlan:
        return plan_for(self.core.migration_phase, self.fleet_sizes)

    @property
    def creates_zone(self) -> bool:
        return self.dns.hosted_zone_id == ""

    @property
    def awaiting_delegation(self) -> bool:
        """The stack requests the certificate in a zone it creates, and nobody has confirmed the
        zone is delegated yet: validation would wait (75 minutes by default) on a delegation
        that cannot have happened. The program then declares no validation and no listener."""
        return self.creates_zone and not self.load_balancer.certificate_arn and not self.dns.zone_delegated

    @property
    def dev_health_check_fqdn(self) -> str:
        d = self.dns
        if d.dev_health_check_fqdn:
            return d.dev_health_check_fqdn
        return d.dev_alias_dns_name

    def with_phase(self, phase: Phase) -> Settings:
        return dataclasses.replace(self, core=dataclasses.replace(self.core, migration_phase=phase))


@dataclass(frozen=True)
class SettingSpec:
    """One config key, for docs and for the parser."""

    key: str
    group: str
    attr: str
    default: Any
    conv: Converter[Any]
    doc: str


def specs() -> Iterator[SettingSpec]:
    for group, cls in GROUPS.items():
        for f in dataclasses.fields(cls):
            yield SettingSpec(
                f.metadata["key"], group, f.name, f.default, f.metadata["conv"], f.metadata["doc"]
            )


KEYS: tuple[str, ...] = tuple(s.key for s in specs())


def parse(raw: Mapping[str, object]) -> Settings:
    """Build Settings from config values keyed without the `tap:` prefix.

    Raises SettingsError listing every problem: unknown keys, bad values, and values that are
    each fine but do not fit together.
    """
    problems: list[Problem] = []
    for key in raw:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(Problem(key, raw[key], "a known setting" + hint))

    values: dict[str, dict[str, Any]] = {g: {} for g in GROUPS}
    for spec in specs():
        if spec.key not in raw:
            problems += _required(spec)
            continue
        try:
            value = spec.conv(raw[spec.key])
        except ValueError as exc:
            problems.append(Problem(spec.key, raw[spec.key], str(exc)))
            continue
        values[spec.group][spec.attr] = value
    if problems:
        raise SettingsError(problems)

    settings = Settings(**{g: GROUPS[g](**v) for g, v in values.items()})
    problems = list(_cross_checks(settings))
    if problems:
        raise SettingsError(problems)
    return settings


class _Absent:
    def __repr__(self) -> str:
        return "(not set)"


ABSENT: Any = _Absent()


def _required(spec: SettingSpec) -> list[Problem]:
    """A key left out whose default its own converter refuses is required: an absent key must
    not pass where an explicit empty value is refused."""
    try:
        spec.conv(spec.default)
    except ValueError as exc:
        return [Problem(spec.key, ABSENT, f"required, {exc}")]
    return []


def _subnet_checks(n: NetworkSettings) -> Iterator[Problem]:
    """Each subnet inside the VPC and smaller than it; an overlap names both lists' entries."""
    vpc = ipaddress.IPv4Network(n.vpc_cidr)
    lists = (("publicSubnetCidrs", n.public_subnet_cidrs), ("privateSubnetCidrs", n.private_subnet_cidrs))
    subnets = [(f"{key}[{i}]", key, c) for key, cidrs in lists for i, c in enumerate(cidrs)]
    fitting = []
    for where, key, cidr in subnets:
        net = ipaddress.IPv4Network(cidr)
        if not net.subnet_of(vpc):
            yield Problem(key, cidr, f"a range inside vpcCidr {n.vpc_cidr} ({where})")
        elif net == vpc:
            yield Problem(
                key, cidr, f"a range smaller than vpcCidr {n.vpc_cidr} ({where} is the whole VPC)"
            )
        else:
            fitting.append((where, key, cidr))
    for (e_where, _, earlier), (where, key, cidr) in itertools.combinations(fitting, 2):
        if ipaddress.IPv4Network(earlier).overlaps(ipaddress.IPv4Network(cidr)):
            clash = f"{where} overlaps {e_where} {earlier}"
            yield Problem(key, cidr, f"a range that does not overlap another subnet: {clash}")


def _cross_checks(s: Settings) -> Iterator[Problem]:
    """Rules that involve more than one key."""
    n = s.network
    if s.core.replica_region == s.core.region:
        yield Problem(
            "replicaRegion",
            s.core.replica_region,
            f"a region other than region ({s.core.region}): a replica in the same "
            "region does not survive a regional outage",
        )
    for az in n.availability_zones:
        if not (az.startswith(s.core.region) and len(az) == len(s.core.region) + 1):
            yield Problem(
                "availabilityZones",
                list(n.availability_zones),
                f"zones of region {s.core.region} (e.g. {s.core.region}a)",
            )
            break
    zones, pub, priv = n.availability_zones, n.public_subnet_cidrs, n.private_subnet_cidrs
    if len(pub) == len(priv) != len(zones):
        yield Problem(
            "availabilityZones",
            list(zones),
            f"one availability zone per subnet pair ({len(pub)} public and "
            f"{len(priv)} private subnets are given)",
        )
    else:
        for key, cidrs in (("publicSubnetCidrs", pub), ("privateSubnetCidrs", priv)):
            if len(cidrs) != len(zones):
                yield Problem(
                    key, list(cidrs), f"exactly one subnet per availability zone ({len(zones)} zones)"
                )
    yield from _subnet_checks(n)

    c = s.compute
    if c.green_min_size > c.green_max_size:
        yield Problem("greenMinSize", c.green_min_size, f"at most greenMaxSize ({c.green_max_size})")
    elif not c.green_min_size <= c.green_desired_capacity <= c.green_max_size:
        yield Problem(
            "greenDesiredCapacity",
            c.green_desired_capacity,
            f"a value between greenMinSize ({c.green_min_size}) and greenMaxSize ({c.green_max_size})",
        )

    if s.database.dev_decommissioned and not s.phase_plan.dev_retired:
        yield Problem(
            "devDecommissioned",
            True,
            f"false while dev still serves traffic or takes writes (phase "
            f"{s.core.migration_phase.value!r}); dev may be decommissioned only after it retires",
        )
    if not s.database.dev_db_instance_id:
        yield Problem(
            "devDbInstanceId",
            "",
            "the dev RDS instance identifier: every phase reads dev (its address is the "
            "database endpoint until production takes the writes)",
        )

    yield from _deployability_checks(s)
    cert = s.load_balancer.certificate_arn
    if cert and cert.split(":")[3] != s.core.region:
        yield Problem(
            "certificateArn",
            cert,
            f"a certificate in {s.core.region}, the load balancer's region (ACM certificates are "
            f"regional; this one is in {cert.split(':')[3]})",
        )

    d = s.dns
    if d.dev_endpoint_mode == "alias":
        if not d.dev_alias_dns_name:
            yield Problem("devAliasDnsName", "", "dev's load balancer DNS name when devEndpointMode=alias")
        if not d.dev_alias_zone_id:
            yield Problem("devAliasZoneId", "", "dev's load balancer zone id when devEndpointMode=alias")
    else:
        if not d.dev_record_values:
            yield Problem("devRecordValues", [], "at least one address when devEndpointMode=records")
        if not d.dev_health_check_fqdn:
            yield Problem(
                "devHealthCheckFqdn",
                "",
                "the host name the dev health check probes when devEndpointMode=records",
            )
        for v in d.dev_record_values:
            try:
                ipaddress.IPv4Address(v)
            except ValueError:
                yield Problem("devRecordValues", v, "IPv4 addresses for an A record")
    if s.creates_zone and (d.dnssec or d.query_logging) and s.core.region != "us-east-1":
        yield Problem(
            "region",
            s.core.region,
            "us-east-1 while the stack creates the zone with DNSSEC or query logging "
            "(Route53 needs their key and log group in us-east-1); or set "
            "dnssecEnabled=false and queryLoggingEnabled=false",
        )

    m = s.migration
    if m.bake_seconds < 2 * d.record_ttl:
        yield Problem(
            "bakeSeconds",
            m.bake_seconds,
            f"at least twice dnsTtlSeconds ({2 * d.record_ttl}): resolvers may keep the "
            "old answer for one TTL",
        )
    yield from _compliance_checks(s.compliance, s.database.engine_version)
    yield from _data_tier_checks(s)


def _deployability_checks(s: Settings) -> Iterator[Problem]:
    """Settings a real `pulumi up` needs pinned or confirmed (docs/deployability.md)."""
    if not s.database.engine_version:
        yield Problem(
            "dbEngineVersion",
            "",
            "dev's exact MySQL version, e.g. 8.0.39 (`tap preflight` reads it from RDS)",
        )
    if not s.compute.ami_id:
        yield Problem(
            "amiId",
            "",
            "a pinned AMI id (resolve one with `tap.ami.resolve_ami` or the AWS console and "
            "record it: a per-run lookup would replace green's image mid-cutover)",
        )
    if s.awaiting_delegation and s.phase_plan.green_runs:
        yield Problem(
            "zoneDelegated",
            False,
            "true before green runs (phase "
            f"{s.core.migration_phase.value!r}): the HTTPS listener needs the certificate, which "
            "validates only once the zone is delegated; `tap preflight` checks the delegation",
        )


def _compliance_checks(c: ComplianceSettings, engine_version: str) -> Iterator[Problem]:
    """The audit option must exist for the pinned engine version, and a recovery point whose
    retention the vault lock refuses fails its backup job."""
    why = audit_plugin_problem(engine_version) if engine_version else None  # absent: refused above
    if why:
        yield Problem("dbEngineVersion", engine_version, why + " (the database audit log needs it)")
    lo, hi = c.backup_vault_lock_min_retention_days, c.backup_vault_lock_max_retention_days
    if lo > hi:
        yield Problem(
            "backupVaultLockMinRetentionDays",
            lo,
            f"at most backupVaultLockMaxRetentionDays ({hi})",
        )
    elif not lo <= c.backup_retention_days <= hi:
        yield Problem(
            "backupRetentionDays",
            c.backup_retention_days,
            f"a value the vault lock accepts: from backupVaultLockMinRetentionDays ({lo}) to "
            f"backupVaultLockMaxRetentionDays ({hi}); AWS Backup fails jobs outside those bounds",
        )


def _data_tier_checks(s: Settings) -> Iterator[Problem]:
    """Dev's network (while the phase links it), the seed coordinates (while the phase tags
    the snapshot with them) and the server parameters that must match on both sides."""
    # Only the phase matters here; sizes may be the very thing another check refuses.
    plan = plan_for(s.core.migration_phase, FleetSizes(Capacity(1, 1, 1), 0))
    dn = s.dev_network
    if plan.dev_link:
        why = f"; phase {s.core.migration_phase.value!r} peers production with dev's VPC"
        required = (
            ("devVpcId", dn.dev_vpc_id, "dev's VPC id (e.g. vpc-0a1b2c3d4e5f60718)"),
            ("devVpcCidr", dn.dev_vpc_cidr, "dev's VPC range (e.g. 10.20.0.0/16)"),
            ("devAppSecurityGroupId", dn.dev_app_security_group_id, "dev's app security group id"),
            ("devDbSecurityGroupId", dn.dev_db_security_group_id, "dev's database security group id"),
        )
        for key, value, what in required:
            if not value:
                yield Problem(key, value, what + why)
        if not dn.dev_route_table_ids:
            yield Problem("devRouteTableIds", [], "at least one of dev's route table ids" + why)
    if dn.dev_vpc_cidr:
        dev, prod = ipaddress.IPv4Network(dn.dev_vpc_cidr), ipaddress.IPv4Network(s.network.vpc_cidr)
        if dev.overlaps(prod):
            yield Problem(
                "devVpcCidr",
                dn.dev_vpc_cidr,
                f"a range that does not overlap vpcCidr {s.network.vpc_cidr} (AWS cannot peer "
                "overlapping VPCs, and routes could not tell the two apart)",
            )
    if dn.dev_app_security_group_id and dn.dev_app_security_group_id == dn.dev_db_security_group_id:
        yield Problem(
            "devDbSecurityGroupId",
            dn.dev_db_security_group_id,
            "a group other than devAppSecurityGroupId: the replication rules would open the "
            "production database to dev's app fleet on more than the app's own rule",
        )
    seed = s.seed
    if plan.needs_seed_coordinates:
        why = f"; phase {s.core.migration_phase.value!r} tags the seed snapshot with it (see `tap db seed`)"
        if not seed.seed_binlog_file:
            yield Problem("seedBinlogFile", "", "the binlog file `tap db seed` printed" + why)
        if seed.seed_binlog_position < 4:
            yield Problem(
                "seedBinlogPosition",
                seed.seed_binlog_position,
                "the position `tap db seed` printed (at least 4)" + why,
            )
    p = s.db_parameters
    if p.max_allowed_packet and (p.max_allowed_packet < 1024 or p.max_allowed_packet % 1024):
        yield Problem(
            "dbMaxAllowedPacketBytes", p.max_allowed_packet, "0 or a multiple of 1024, at least 1024"
        )
    if p.collation and p.character_set and not p.collation.startswith(p.character_set + "_"):
        yield Problem(
            "dbCollation",
            p.collation,
            f"a collation of dbCharacterSet {p.character_set} ({p.character_set}_...)",
        )
