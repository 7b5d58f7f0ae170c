"""Which controls each rule evidences (SPEC R19): AWS Foundational Security Best Practices
(FSBP, Security Hub control ids) and PCI DSS v4.0 requirements, in one table, plus the
deliberate deviations, each listed once with its reason.

A rule's `controls` (tap.policies.rules) reads `RULE_CONTROLS`; `tap verify --report` turns the
table and the rule results into control-by-control evidence. A test keeps the table complete:
every registered rule names at least one control, and every id it names is defined here.

Only controls a rule really checks are claimed. FSBP controls about the account (root user, IAM
users, account-level S3 Block Public Access, EBS default encryption) and PCI requirements about
people and process are out of scope for an application stack: `OUT_OF_SCOPE` says why.
"""

from __future__ import annotations

from dataclasses import dataclass

FSBP = "AWS FSBP"
PCI = "PCI DSS v4.0"


@dataclass(frozen=True)
class Control:
    id: str  # "FSBP RDS.3" or "PCI 10.5.1"
    title: str

    @property
    def framework(self) -> str:
        return FSBP if self.id.startswith("FSBP ") else PCI


def _controls(*pairs: tuple[str, str]) -> dict[str, Control]:
    return {cid: Control(cid, title) for cid, title in pairs}


CONTROLS: dict[str, Control] = _controls(
    # ---- AWS Foundational Security Best Practices ------------------------------------------
    ("FSBP EC2.2", "VPC default security groups should not allow inbound or outbound traffic"),
    ("FSBP EC2.6", "VPC flow logging should be enabled in all VPCs"),
    ("FSBP EC2.8", "EC2 instances should use IMDSv2"),
    ("FSBP EC2.9", "EC2 instances should not have a public IPv4 address"),
    ("FSBP EC2.15", "EC2 subnets should not automatically assign public IP addresses"),
    ("FSBP EC2.18", "Security groups should only allow unrestricted incoming traffic for authorized ports"),
    ("FSBP EC2.19", "Security groups should not allow unrestricted access to ports with high risk"),
    ("FSBP EC2.22", "Unused EC2 security groups should be removed"),
    ("FSBP EC2.25", "EC2 launch templates should not assign public IPs to network interfaces"),
    ("FSBP EC2.53", "Security groups should not allow ingress from 0.0.0.0/0 to remote administration ports"),
    ("FSBP EC2.170", "EC2 launch templates should use IMDSv2"),
    ("FSBP AutoScaling.1", "Auto Scaling groups behind a load balancer should use ELB health checks"),
    ("FSBP RDS.2", "RDS DB instances should prohibit public access"),
    ("FSBP RDS.3", "RDS DB instances should have encryption at rest enabled"),
    ("FSBP RDS.4", "RDS snapshots should be encrypted at rest"),
    ("FSBP RDS.5", "RDS DB instances should be configured with multiple Availability Zones"),
    ("FSBP RDS.8", "RDS DB instances should have deletion protection enabled"),
    ("FSBP RDS.9", "RDS DB instances should publish logs to CloudWatch Logs"),
    ("FSBP RDS.10", "IAM authentication should be configured for RDS instances"),
    ("FSBP RDS.11", "RDS instances should have automatic backups enabled"),
    ("FSBP RDS.26", "RDS DB instances should be protected by a backup plan"),
    ("FSBP S3.5", "S3 general purpose buckets should require requests to use SSL"),
    ("FSBP S3.8", "S3 general purpose buckets should block public access"),
    ("FSBP S3.9", "S3 general purpose buckets should have server access logging enabled"),
    ("FSBP S3.12", "ACLs should not be used to manage user access to S3 general purpose buckets"),
    ("FSBP ELB.4", "Application Load Balancers should be configured to drop invalid HTTP headers"),
    ("FSBP ELB.5", "Application and Classic Load Balancer logging should be enabled"),
    ("FSBP WAF.10", "AWS WAF web ACLs should have at least one rule or rule group"),
    ("FSBP WAF.11", "AWS WAF web ACL logging should be enabled"),
    ("FSBP WAF.12", "AWS WAF rules should have CloudWatch metrics enabled"),
    ("FSBP KMS.4", "AWS KMS key rotation should be enabled"),
    ("FSBP IAM.1", "IAM policies should not allow full '*' administrative privileges"),
    ("FSBP IAM.21", "IAM customer managed policies should not allow wildcard actions for services"),
    ("FSBP Route53.2", "Route 53 public hosted zones should log DNS queries"),
    ("FSBP Backup.1", "AWS Backup recovery points should be encrypted at rest"),
    ("FSBP ELB.1", "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS"),
    ("FSBP RDS.23", "RDS instances should not use a database engine default port"),
    ("FSBP S3.17", "S3 general purpose buckets should be encrypted at rest with AWS KMS keys"),
    # ---- PCI DSS v4.0 ----------------------------------------------------------------------
    ("PCI 1.2.1", "Configuration standards for network security controls are defined and maintained"),
    ("PCI 1.3.1", "Inbound traffic to the cardholder data environment is restricted to what is necessary"),
    ("PCI 1.3.2", "Outbound traffic from the cardholder data environment is restricted to what is necessary"),
    ("PCI 1.4.1", "Network security controls sit between trusted and untrusted networks"),
    ("PCI 1.4.2", "Inbound traffic from untrusted networks is restricted"),
    (
        "PCI 1.4.4",
        "System components that store cardholder data are not directly accessible from untrusted networks",
    ),
    ("PCI 2.2.1", "Configuration standards cover all system components"),
    ("PCI 2.2.5", "Insecure services, protocols or ports are justified and secured"),
    ("PCI 2.2.6", "System security parameters are configured to prevent misuse"),
    ("PCI 3.3.1", "Sensitive authentication data is not retained after authorization"),
    ("PCI 3.5.1", "PAN is rendered unreadable anywhere it is stored"),
    ("PCI 3.6.1", "Procedures protect cryptographic keys against disclosure and misuse"),
    ("PCI 3.7.4", "Cryptographic keys are changed at the end of their cryptoperiod"),
    ("PCI 4.2.1", "Strong cryptography protects PAN during transmission over open, public networks"),
    ("PCI 6.4.1", "Public-facing web applications are protected against known attacks"),
    ("PCI 6.4.2", "An automated technical solution detects and prevents web-based attacks"),
    ("PCI 7.2.1", "An access control model defines access based on need"),
    ("PCI 7.2.2", "Access is assigned by least privilege"),
    ("PCI 7.2.5", "Application and system accounts are assigned least privilege"),
    (
        "PCI 8.3.2",
        "Strong cryptography renders authentication factors unreadable in transmission and storage",
    ),
    ("PCI 8.6.2", "Passwords of application and system accounts are not hard-coded in scripts or files"),
    ("PCI 10.2.1", "Audit logs are enabled and active for all system components and cardholder data"),
    ("PCI 10.2.1.2", "Audit logs capture all actions taken by individuals with administrative access"),
    ("PCI 10.2.1.4", "Audit logs capture invalid logical access attempts"),
    ("PCI 10.2.1.7", "Audit logs capture the creation and deletion of system-level objects"),
    ("PCI 10.3.2", "Audit log files are protected against modification"),
    ("PCI 10.3.3", "Audit log files are promptly backed up to a secure, central store"),
    ("PCI 10.5.1", "Audit logs are kept 12 months, the most recent three months immediately available"),
    ("PCI 6.5.1", "Changes to system components in production are made according to established procedures"),
    ("PCI 10.7.2", "Failures of critical security control systems are detected, alerted and addressed"),
    ("PCI 12.10.1", "An incident response plan covers business recovery, continuity and data backup"),
)

# rule name -> the controls its passing result evidences.
RULE_CONTROLS: dict[str, tuple[str, ...]] = {
    "internet-ingress-https-only": ("FSBP EC2.18", "PCI 1.3.1", "PCI 1.4.2"),
    "no-admin-or-catch-all-rules": ("FSBP EC2.19", "FSBP EC2.53", "PCI 1.3.1", "PCI 2.2.5"),
    "security-group-rule-described": ("PCI 1.2.1",),
    "security-group-no-inline-rules": ("PCI 1.2.1",),
    "default-security-group-empty": ("FSBP EC2.2", "PCI 1.3.1", "PCI 1.3.2"),
    "subnet-no-automatic-public-ip": ("FSBP EC2.15", "PCI 1.4.4"),
    "launch-template-imdsv2": ("FSBP EC2.8", "FSBP EC2.170", "PCI 2.2.6"),
    "launch-template-ebs-encrypted": ("PCI 3.5.1",),
    "launch-template-no-public-ip": ("FSBP EC2.9", "FSBP EC2.25", "PCI 1.4.4"),
    "rds-encrypted-with-customer-key": ("FSBP RDS.3", "PCI 3.5.1", "PCI 3.6.1"),
    "rds-not-public": ("FSBP RDS.2", "PCI 1.4.4"),
    "rds-backups-7-days": ("FSBP RDS.11", "PCI 12.10.1"),
    "rds-deletion-protection": ("FSBP RDS.8", "PCI 12.10.1"),
    "rds-iam-authentication": ("FSBP RDS.10", "PCI 8.3.2"),
    "rds-performance-insights-encrypted": ("PCI 3.5.1",),
    "rds-log-exports": ("FSBP RDS.9", "PCI 10.2.1", "PCI 3.3.1"),
    "rds-managed-master-password": ("PCI 8.3.2", "PCI 8.6.2"),
    "rds-own-parameter-and-subnet-group": ("PCI 2.2.1",),
    "rds-parameter-group-requires-tls": ("PCI 2.2.5", "PCI 8.3.2"),
    "rds-snapshot-copy-encrypted": ("FSBP RDS.4", "PCI 3.5.1"),
    "s3-public-access-blocked": ("FSBP S3.8", "PCI 1.4.4"),
    "s3-no-public-acl": ("FSBP S3.8", "PCI 7.2.1"),
    "s3-bucket-owner-enforced": ("FSBP S3.12", "PCI 7.2.1"),
    "s3-versioning-enabled": ("PCI 10.3.2",),
    "s3-default-encryption": ("PCI 10.3.2",),
    "s3-tls-only-policy": ("FSBP S3.5", "PCI 4.2.1"),
    "s3-lifecycle-rules": ("PCI 10.5.1",),
    "iam-no-wildcard-actions": ("FSBP IAM.1", "FSBP IAM.21", "PCI 7.2.2", "PCI 7.2.5"),
    "iam-wildcard-resource-allow-list": ("FSBP IAM.1", "PCI 7.2.2", "PCI 7.2.5"),
    "iam-managed-policy-allow-list": ("PCI 7.2.2", "PCI 7.2.5"),
    "iam-trust-names-principal": ("PCI 7.2.1",),
    "kms-key-rotation": ("FSBP KMS.4", "PCI 3.7.4"),
    "kms-key-policy-admin-root-only": ("PCI 3.6.1", "PCI 7.2.2"),
    "sns-topic-encrypted": ("PCI 10.7.2",),
    "log-group-encrypted-with-retention": ("PCI 10.3.2", "PCI 10.5.1"),
    "secret-encrypted": ("PCI 8.3.2", "PCI 3.6.1"),
    "dynamodb-encrypted-with-key": ("PCI 10.3.2",),
    "alb-listener-https-tls12": ("PCI 4.2.1", "PCI 2.2.5"),
    "alb-drop-invalid-headers": ("FSBP ELB.4", "PCI 6.4.1"),
    "alb-access-logs": ("FSBP ELB.5", "PCI 10.2.1"),
    "waf-managed-rules-and-rate-limit": ("FSBP WAF.10", "FSBP WAF.12", "PCI 6.4.1", "PCI 6.4.2"),
    "dns-ttl-60": ("PCI 12.10.1",),
    "alarm-has-actions": ("PCI 10.7.2",),
    "no-plaintext-secrets": ("PCI 8.6.2", "PCI 8.3.2"),
    "no-secrets-in-user-data": ("PCI 8.6.2",),
    "rds-no-general-log": ("PCI 3.3.1", "PCI 3.5.1"),
    "rds-audit-plugin-events": ("PCI 10.2.1", "PCI 10.2.1.2", "PCI 10.2.1.4", "PCI 10.2.1.7"),
    "waf-logging-redacts-credentials": ("FSBP WAF.11", "PCI 10.2.1", "PCI 8.3.2"),
    "s3-logs-immediately-readable-3-months": ("PCI 10.5.1",),
    "backup-vault-customer-key": ("FSBP Backup.1", "PCI 3.5.1"),
    "backup-vault-lock-bounds": ("PCI 10.3.2", "PCI 12.10.1"),
    "security-group-attached": ("FSBP EC2.22", "PCI 1.2.1"),
    "internet-ingress-only-on-alb-group": ("FSBP EC2.18", "PCI 1.4.1", "PCI 1.4.2"),
    "vpc-flow-logs-all-traffic": ("FSBP EC2.6", "PCI 10.2.1"),
    "rds-multi-az-per-phase": ("FSBP RDS.5", "PCI 12.10.1"),
    "s3-bucket-fully-configured": ("FSBP S3.5", "FSBP S3.8", "FSBP S3.12", "PCI 10.3.2"),
    "s3-log-bucket-replicated": ("PCI 10.3.3",),
    "waf-on-internet-facing-alb": ("PCI 6.4.2",),
    "alb-log-bucket-sse-s3": ("FSBP ELB.5", "PCI 10.2.1"),
    "dns-weights-never-all-zero": ("PCI 12.10.1",),
    "dns-weights-match-phase": ("PCI 12.10.1",),
    "fleets-in-private-subnets": ("PCI 1.4.4", "PCI 1.4.1"),
    "db-subnet-group-private-only": ("PCI 1.4.4",),
    "alb-in-public-subnets": ("PCI 1.4.1",),
    "target-group-is-listener-target": ("FSBP AutoScaling.1",),
    "phase-parameter-recorded": ("PCI 2.2.1",),
    "rds-instance-audited": ("PCI 10.2.1", "PCI 10.2.1.2", "PCI 10.2.1.7"),
    "waf-acl-logged": ("FSBP WAF.11", "PCI 10.2.1"),
    "audit-log-retention-12-months": ("PCI 10.5.1",),
    "s3-server-access-logging": ("FSBP S3.9", "PCI 10.2.1"),
    "backup-prod-database": ("FSBP RDS.26", "PCI 12.10.1", "PCI 10.3.3"),
    # deployability (docs/deployability.md): a change happens only as a reviewed settings change,
    # in the update that declares it, never unattended in a maintenance window or a new image
    "ami-pinned": ("PCI 6.5.1",),
    "rds-engine-version-pinned": ("PCI 6.5.1",),
    "rds-phase-changes-apply-immediately": ("PCI 6.5.1",),
    "route53-alarms-in-us-east-1": ("PCI 10.7.2",),
    "listener-certificate-validated": ("PCI 4.2.1",),
    # the data tier: the path from dev is group-to-group, the seed copy private and pinned
    "cross-vpc-rules-group-to-group": ("PCI 1.2.1", "PCI 1.3.1"),
    "rds-seed-replica-private-and-pinned": ("FSBP RDS.2", "PCI 1.4.4", "PCI 6.5.1"),
    # the in-AWS rollback guard: least privilege, and armed whenever green takes traffic
    "route53-change-scoped-to-zone-and-record": ("PCI 7.2.2", "PCI 7.2.5"),
    "ssm-automation-start-scoped": ("PCI 7.2.2", "PCI 7.2.5"),
    "rollback-guard-armed-per-phase": ("PCI 10.7.2", "PCI 12.10.1"),
}

# Rules that keep a real `pulumi up` working and evidence no control: claimed as nothing rather
# than stretched to fit. `tap verify` still runs them; the report lists them with the reason.
OPERATIONAL: dict[str, str] = {
    "long-operations-carry-timeouts": (
        "a create or update outlasting the provider's default timeout fails the run"
    ),
    "traffic-only-to-capacity": "listener weight on a target group without instances is 503s",
    "names-within-aws-limits": "AWS refuses an over-long name after everything before it was created",
    "writer-record-short-ttl-cname": "a writer switch reaches clients within seconds only with a short TTL",
    "replication-ignores-mysql-schema": (
        "a replicated account lock would fence the new writer or unlock the old one: never two writers"
    ),
}


@dataclass(frozen=True)
class Deviation:
    """A control the stack deliberately does not meet as the check is written, and why."""

    id: str
    controls: tuple[str, ...]
    what: str
    reason: str


DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        "no-port-80-redirect",
        ("FSBP ELB.1",),
        "No port-80 listener redirecting to HTTPS.",
        "Nothing listens on 80 at all (R2.1, R7.2): the security group admits only 443, so there "
        "is no plaintext path to redirect, and a redirect listener would be the one HTTP surface.",
    ),
    Deviation(
        "http-alb-to-targets",
        ("PCI 4.2.1",),
        "HTTP on 8080 between the load balancer and its targets.",
        "TLS ends at the ALB; the hop to the fleets stays inside the VPC's private subnets, "
        "admitted only from the ALB's security group. PCI 4.2.1 covers open, public networks.",
    ),
    Deviation(
        "mysql-default-port",
        ("FSBP RDS.23",),
        "The production database listens on MySQL's default port 3306.",
        "Replication with dev and the fleets' configuration use 3306; a different port hides "
        "nothing from a scanner inside the VPC, and only the app and replication groups may connect.",
    ),
    Deviation(
        "log-buckets-sse-s3",
        ("FSBP S3.17",),
        "The log, replica and access-log buckets use SSE-S3, not SSE-KMS.",
        "ELB access logs and S3 server access logs are delivered only to SSE-S3 buckets; with "
        "SSE-KMS delivery silently stops. They hold request metadata, never cardholder data.",
    ),
    Deviation(
        "access-log-bucket-not-logged",
        ("FSBP S3.9",),
        "The access-log bucket has no server access logging and no replica.",
        "It is the target of the log bucket's access logs; logging it into itself would log every "
        "delivery without end, and a chain of access-log buckets only moves the exception.",
    ),
    Deviation(
        "replica-bucket-not-logged",
        ("FSBP S3.9",),
        "The replica bucket in the replica region has no server access logging.",
        "Only S3 replication writes to it; access logging needs a target bucket in its own region, "
        "and the source bucket's access (the one people use) is logged.",
    ),
    Deviation(
        "single-az-until-restored",
        ("FSBP RDS.5",),
        "The production database is single-AZ in the phases before the phase machine turns Multi-AZ on.",
        "The first restore is quicker single-AZ; `rds-multi-az-per-phase` enforces Multi-AZ from "
        "the phase that needs it, before any payment traffic reaches it.",
    ),
)

OUT_OF_SCOPE: tuple[tuple[str, str], ...] = (
    (
        "FSBP IAM.3-IAM.9, IAM.19, Account.1, S3.1, EC2.7",
        "Account settings (root and IAM users, MFA, account-level S3 Block Public Access, EBS "
        "default encryption): owned by the organisation's account baseline, not an app stack.",
    ),
    (
        "FSBP CloudTrail.*, GuardDuty.1, Config.1, SecurityHub.1",
        "The account baseline: verified by `tap verify --live` (tap.live.baseline), created centrally.",
    ),
    ("PCI 5.x", "Anti-malware on hosts: part of the AMI and its agents, outside this stack's resources."),
    ("PCI 6.3.3, 11.3", "Patching cadence and vulnerability scans: release and security-team process."),
    ("PCI 8.4, 8.5", "MFA for people: the organisation's identity provider and IAM Identity Center."),
    ("PCI 9.x", "Physical security: AWS's data centres (AWS PCI DSS Attestation of Compliance)."),
    ("PCI 10.4, 10.6", "Daily log review (a SOC process) and time sync (AWS Time Sync on every instance)."),
    ("PCI 12.x (except 12.10.1)", "Policies, training and third-party management: organisational."),
)


def controls_of(rule_name: str) -> tuple[Control, ...]:
    return tuple(CONTROLS[c] for c in RULE_CONTROLS.get(rule_name, ()))
