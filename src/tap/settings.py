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
        "Retention of every CloudWatch log group the stack creates.",
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
        "8.0",
        Pattern(r"8\.0(\.\d{1,3})?", "MySQL 8.0 or a 8.0.x version"),
        "MySQL engine version (same major version as dev).",
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


@dataclass(frozen=True)
class ComputeSettings:
    ami_parameter: str = setting(
        "amiParameter",
        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
        Pattern(r"/[A-Za-z0-9_.\-/]{1,1010}", "an SSM parameter path starting with /"),
        "SSM parameter resolved at plan time to the fleets' AMI id.",
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
    green_listener_weight: int = setting(
        "albGreenWeight",
        100,
        Integer(0, 100),
        "Listener weight of the green target group (blue gets the rest).",
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


GROUPS: dict[str, type] = {
    "core": CoreSettings,
    "network": NetworkSettings,
    "database": DatabaseSettings,
    "compute": ComputeSettings,
    "load_balancer": LoadBalancerSettings,
    "dns": DnsSettings,
    "monitoring": MonitoringSettings,
    "migration": MigrationSettings,
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
