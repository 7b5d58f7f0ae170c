"""Realistic provider outputs for the mock engine: ids, ARNs and DNS names shaped like AWS's.

Everything is derived from a hash of the resource's type and name, so a render is
deterministic: the same settings give the same ids, and a diff between two phases shows only
what the phase changed.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tap import aws_types as t
from tap.registrar import registrar

FAKE_ACCOUNT_ID = "123456789012"
# The AMI the fake SSM parameter resolves to.
FAKE_AMI_ID = "ami-0a1b2c3d4e5f67890"


def digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


@dataclass(frozen=True)
class FakeContext:
    typ: str
    name: str
    inputs: dict[str, Any]
    region: str
    account: str

    def h(self, length: int = 17, salt: str = "") -> str:
        return digest(self.typ, self.name, salt, length=length)

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account}:{resource}"

    def physical_name(self, key: str = "name", max_len: int = 255) -> str:
        """The input name if given, else Pulumi's auto-name: logical name + 7 hex chars."""
        given = self.inputs.get(key)
        if isinstance(given, str) and given:
            return given
        prefix = self.inputs.get(key + "Prefix")
        base = prefix if isinstance(prefix, str) else self.name + "-"
        return (base + self.h(7))[:max_len]


Fake = Callable[[FakeContext], tuple[str, dict[str, Any]]]
FAKES: dict[str, Fake] = {}


fake = registrar(FAKES)
"""`@fake(type, ...)`: the fake of those resource types."""


def ec2_style(prefix: str, arn_kind: str | None = None) -> Fake:
    def make(c: FakeContext) -> tuple[str, dict[str, Any]]:
        rid = f"{prefix}-0{c.h(16)}"
        out: dict[str, Any] = {}
        if arn_kind:
            out["arn"] = c.arn("ec2", f"{arn_kind}/{rid}")
        return rid, out

    return make


for _t, _p, _k in [
    (t.SUBNET, "subnet", "subnet"),
    (t.INTERNET_GATEWAY, "igw", "internet-gateway"),
    (t.ROUTE_TABLE, "rtb", "route-table"),
    (t.ROUTE_TABLE_ASSOCIATION, "rtbassoc", None),
    (t.SECURITY_GROUP, "sg", "security-group"),
    (t.DEFAULT_SECURITY_GROUP, "sg", "security-group"),
    (t.INGRESS_RULE, "sgr", "security-group-rule"),
    (t.EGRESS_RULE, "sgr", "security-group-rule"),
    (t.FLOW_LOG, "fl", "vpc-flow-log"),
]:
    FAKES[_t] = ec2_style(_p, _k)


@fake(t.VPC)
def _vpc(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"vpc-0{c.h(16)}"
    return rid, {
        "arn": c.arn("ec2", f"vpc/{rid}"),
        "defaultSecurityGroupId": f"sg-0{c.h(16, salt='dsg')}",
        "mainRouteTableId": f"rtb-0{c.h(16, salt='main')}",
        "ownerId": c.account,
    }


@fake(t.EIP)
def _eip(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"eipalloc-0{c.h(16)}"
    n = int(c.h(4), 16)
    # 203.0.113.0/24 is TEST-NET-3: documentation addresses that can never be someone's real IP.
    return rid, {
        "allocationId": rid,
        "publicIp": f"203.0.113.{n % 254 + 1}",
        "arn": c.arn("ec2", f"elastic-ip/{rid}"),
    }


@fake(t.NAT_GATEWAY)
def _nat(c: FakeContext) -> tuple[str, dict[str, Any]]:
    n = int(c.h(4), 16)
    return f"nat-0{c.h(16)}", {
        "publicIp": f"203.0.113.{n % 254 + 1}",
        "privateIp": f"10.0.{n % 3 + 1}.{n % 200 + 10}",
    }


@fake(t.ROUTE)
def _route(c: FakeContext) -> tuple[str, dict[str, Any]]:
    # The provider's id is the table plus a hash of the destination: one per (table, range).
    dest = str(c.inputs.get("destinationCidrBlock") or c.inputs.get("destinationIpv6CidrBlock") or "")
    return f"r-{c.inputs.get('routeTableId', 'rtb')}{int(digest(dest, length=8), 16) % 10**10}", {
        "state": "active"
    }


@fake(t.VPC_PEERING)
def _peering(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"pcx-0{c.h(16)}"
    # Same account and region with auto_accept: active when create returns.
    return rid, {"acceptStatus": "active", "peerOwnerId": c.account, "peerRegion": c.region}


@fake(t.SECRET)
def _secret(c: FakeContext) -> tuple[str, dict[str, Any]]:
    # Secrets Manager appends six random characters to the name in the ARN.
    arn = c.arn("secretsmanager", f"secret:{c.inputs.get('name', c.name)}-{c.h(6)}")
    return arn, {"arn": arn}


@fake(t.VPC_ENDPOINT)
def _vpce(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"vpce-0{c.h(16)}"
    return rid, {
        "arn": c.arn("ec2", f"vpc-endpoint/{rid}"),
        "prefixListId": "pl-63a5400a",
        "state": "available",
    }


@fake(t.LOG_GROUP)
def _log_group(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {"name": name, "arn": c.arn("logs", f"log-group:{name}")}


@fake(t.IAM_ROLE)
def _role(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name(max_len=64)
    return name, {
        "name": name,
        "arn": f"arn:aws:iam::{c.account}:role/{name}",
        "uniqueId": "AROA" + c.h(17).upper(),
    }


@fake(t.IAM_ROLE_POLICY)
def _role_policy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return f"{c.inputs.get('role', 'role')}:{name}", {"name": name}


@fake(t.IAM_POLICY)
def _policy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    arn = f"arn:aws:iam::{c.account}:policy/{name}"
    return arn, {"name": name, "arn": arn, "policyId": "ANPA" + c.h(17).upper()}


@fake(t.IAM_INSTANCE_PROFILE)
def _profile(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {
        "name": name,
        "arn": f"arn:aws:iam::{c.account}:instance-profile/{name}",
        "uniqueId": "AIPA" + c.h(17).upper(),
    }


@fake(t.IAM_ROLE_POLICY_ATTACHMENT)
def _attachment(c: FakeContext) -> tuple[str, dict[str, Any]]:
    return f"{c.inputs.get('role', 'role')}-{c.h(20)}", {}


def _uuid(c: FakeContext, salt: str = "") -> str:
    h = c.h(32, salt)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


@fake(t.KMS_KEY)
def _kms_key(c: FakeContext) -> tuple[str, dict[str, Any]]:
    kid = _uuid(c)
    return kid, {"keyId": kid, "arn": c.arn("kms", f"key/{kid}")}


@fake(t.KMS_ALIAS)
def _kms_alias(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    key = c.inputs.get("targetKeyId", "")
    return name, {"arn": c.arn("kms", name), "targetKeyArn": c.arn("kms", f"key/{key}")}


@fake(t.DYNAMODB_TABLE)
def _table(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {"name": name, "arn": c.arn("dynamodb", f"table/{name}"), "streamArn": ""}


@fake(t.SSM_PARAMETER)
def _parameter(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    path = name if name.startswith("/") else "/" + name
    return name, {
        "name": name,
        "arn": c.arn("ssm", f"parameter{path}"),
        "version": 1,
        "tier": c.inputs.get("tier", "Standard"),
    }


def _rds_address(c: FakeContext, identifier: str) -> str:
    # The cluster-unique part of an RDS hostname is per account and region, not per instance.
    return f"{identifier}.{digest(c.account, c.region, length=12)}.{c.region}.rds.amazonaws.com"


@fake(t.RDS_INSTANCE)
def _rds_instance(c: FakeContext) -> tuple[str, dict[str, Any]]:
    identifier = c.physical_name("identifier", 63)
    address = _rds_address(c, identifier)
    port = int(c.inputs.get("port") or 3306)
    out: dict[str, Any] = {
        "identifier": identifier,
        "arn": c.arn("rds", f"db:{identifier}"),
        "resourceId": "db-" + c.h(26).upper(),
        "address": address,
        "endpoint": f"{address}:{port}",
        "port": port,
        "hostedZoneId": "Z2R2ITUGPM61AM",
        "status": "available",
    }
    if c.inputs.get("manageMasterUserPassword"):
        # AWS names the managed secret rds!db-<uuid> and appends six random characters.
        out["masterUserSecrets"] = [
            {
                "secretArn": c.arn("secretsmanager", f"secret:rds!db-{_uuid(c, 'secret')}-{c.h(6, 'sfx')}"),
                "kmsKeyId": c.inputs.get("masterUserSecretKmsKeyId", ""),
                "secretStatus": "active",
            }
        ]
    return identifier, out


@fake(
    t.RDS_SUBNET_GROUP,
    t.RDS_PARAMETER_GROUP,
    t.RDS_OPTION_GROUP,
)
def _rds_group(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    kind = {"subnetGroup": "subgrp", "parameterGroup": "pg", "optionGroup": "og"}[
        c.typ.split("/")[1].split(":")[0]
    ]
    return name, {"name": name, "arn": c.arn("rds", f"{kind}:{name}")}


@fake(t.BACKUP_VAULT)
def _backup_vault(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {"name": name, "arn": c.arn("backup", f"backup-vault:{name}"), "recoveryPoints": 0}


@fake(t.BACKUP_PLAN)
def _backup_plan(c: FakeContext) -> tuple[str, dict[str, Any]]:
    pid = _uuid(c)
    return pid, {"arn": c.arn("backup", f"backup-plan:{pid}"), "version": c.h(32, "version")}


@fake(t.BACKUP_SELECTION)
def _backup_selection(c: FakeContext) -> tuple[str, dict[str, Any]]:
    return _uuid(c), {}


@fake(t.BACKUP_VAULT_LOCK, t.S3_LOGGING)
def _by_parent_name(c: FakeContext) -> tuple[str, dict[str, Any]]:
    """Resources whose id is the name of what they configure."""
    return str(c.inputs.get("backupVaultName") or c.inputs.get("bucket") or c.name), {}


@fake(t.RDS_SNAPSHOT)
def _rds_snapshot(c: FakeContext) -> tuple[str, dict[str, Any]]:
    sid = c.physical_name("dbSnapshotIdentifier")
    return sid, {
        "dbSnapshotIdentifier": sid,
        "dbSnapshotArn": c.arn("rds", f"snapshot:{sid}"),
        "encrypted": False,
        "engine": "mysql",
        "status": "available",
        "snapshotType": "manual",
    }


@fake(t.RDS_SNAPSHOT_COPY)
def _rds_snapshot_copy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    sid = c.physical_name("targetDbSnapshotIdentifier")
    return sid, {
        "targetDbSnapshotIdentifier": sid,
        "dbSnapshotArn": c.arn("rds", f"snapshot:{sid}"),
        "encrypted": bool(c.inputs.get("kmsKeyId")),
        "engine": "mysql",
        "status": "available",
        "snapshotType": "manual",
    }


@fake(t.S3_BUCKET)
def _bucket(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name("bucket", 63)
    return name, {
        "bucket": name,
        "arn": f"arn:aws:s3:::{name}",
        "bucketDomainName": f"{name}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{name}.s3.{c.region}.amazonaws.com",
        "hostedZoneId": "Z3AQBSTGFYJSTF",
    }


def _bucket_part(c: FakeContext) -> tuple[str, dict[str, Any]]:
    """Bucket sub-resources (versioning, policy, ...) are identified by their bucket."""
    return str(c.inputs.get("bucket", c.name)), {}


for _t in (
    t.S3_VERSIONING,
    t.S3_SSE,
    t.S3_PUBLIC_ACCESS_BLOCK,
    t.S3_POLICY,
    t.S3_LIFECYCLE,
    t.S3_OWNERSHIP,
    t.S3_REPLICATION,
):
    FAKES[_t] = _bucket_part


@fake("random:index/randomId:RandomId")
def _random_id(c: FakeContext) -> tuple[str, dict[str, Any]]:
    n = int(c.inputs.get("byteLength", 4))
    raw = bytes.fromhex(c.h(2 * n, "random"))
    b64url = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return b64url, {
        "hex": raw.hex(),
        "dec": str(int.from_bytes(raw, "big")),
        "b64Std": base64.b64encode(raw).decode(),
        "b64Url": b64url,
    }


# Canonical hosted zone ids of ALBs by region (what alias records point at).
ALB_ZONE_IDS = {
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-central-1": "Z215JYRZR1TBD5",
}


@fake(t.LAUNCH_TEMPLATE)
def _launch_template(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"lt-0{c.h(16)}"
    return rid, {"arn": c.arn("ec2", f"launch-template/{rid}"), "latestVersion": 1, "defaultVersion": 1}


@fake(t.ASG)
def _asg(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {
        "name": name,
        "arn": c.arn("autoscaling", f"autoScalingGroup:{_uuid(c)}:autoScalingGroupName/{name}"),
    }


@fake(t.AUTOSCALING_POLICY)
def _scaling_policy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    group = c.inputs.get("autoscalingGroupName", "")
    return name, {
        "name": name,
        "arn": c.arn(
            "autoscaling", f"scalingPolicy:{_uuid(c)}:autoScalingGroupName/{group}:policyName/{name}"
        ),
    }


@fake(t.LOAD_BALANCER)
def _alb(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name(max_len=32)
    suffix = f"app/{name}/{c.h(16)}"
    prefix = "internal-" if c.inputs.get("internal") else ""
    arn = c.arn("elasticloadbalancing", f"loadbalancer/{suffix}")
    return arn, {
        "arn": arn,
        "arnSuffix": suffix,
        "name": name,
        "dnsName": f"{prefix}{name}-{int(c.h(8), 16) % 10**10}.{c.region}.elb.amazonaws.com",
        "zoneId": ALB_ZONE_IDS.get(c.region, "Z35SXDOTRQ7X7K"),
        "vpcId": "",
        "ipAddressType": "ipv4",
    }


@fake(t.TARGET_GROUP)
def _target_group(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name(max_len=32)
    suffix = f"targetgroup/{name}/{c.h(16)}"
    arn = c.arn("elasticloadbalancing", suffix)
    return arn, {"arn": arn, "arnSuffix": suffix, "name": name}


@fake(t.LISTENER)
def _listener(c: FakeContext) -> tuple[str, dict[str, Any]]:
    alb = str(c.inputs.get("loadBalancerArn", ""))
    arn = alb.replace(":loadbalancer/", ":listener/") + f"/{c.h(16)}"
    return arn, {"arn": arn}


@fake(t.ACM_CERTIFICATE)
def _certificate(c: FakeContext) -> tuple[str, dict[str, Any]]:
    arn = c.arn("acm", f"certificate/{_uuid(c)}")
    domain = str(c.inputs.get("domainName", ""))
    return arn, {
        "arn": arn,
        "status": "PENDING_VALIDATION",
        "domainValidationOptions": [
            {
                "domainName": domain,
                "resourceRecordName": f"_{c.h(32, 'n')}.{domain}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{c.h(32, 'v')}.mhbtsbpdnt.acm-validations.aws.",
            }
        ],
    }


@fake(t.ACM_VALIDATION)
def _certificate_validation(c: FakeContext) -> tuple[str, dict[str, Any]]:
    arn = str(c.inputs.get("certificateArn", ""))
    return arn, {"certificateArn": arn}


@fake(t.ROUTE53_ZONE)
def _zone(c: FakeContext) -> tuple[str, dict[str, Any]]:
    zid = "Z0" + c.h(19).upper()
    n = int(c.h(4), 16)
    servers = [
        f"ns-{(n + i * 517) % 2048}.awsdns-{(n + i) % 64:02d}.{tld}"
        for i, tld in enumerate(("com", "net", "org", "co.uk"))
    ]
    return zid, {"zoneId": zid, "arn": f"arn:aws:route53:::hostedzone/{zid}", "nameServers": servers}


@fake(t.ROUTE53_RECORD)
def _record(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = str(c.inputs.get("name", "")).rstrip(".")
    parts = [str(c.inputs.get("zoneId", "")), name, str(c.inputs.get("type", ""))]
    if c.inputs.get("setIdentifier"):
        parts.append(str(c.inputs["setIdentifier"]))
    return "_".join(parts), {"fqdn": name}


@fake(t.ROUTE53_HEALTH_CHECK)
def _health_check(c: FakeContext) -> tuple[str, dict[str, Any]]:
    hid = _uuid(c)
    return hid, {"arn": f"arn:aws:route53:::healthcheck/{hid}"}


@fake(t.ROUTE53_KEY_SIGNING_KEY, t.ROUTE53_DNSSEC)
def _dnssec(c: FakeContext) -> tuple[str, dict[str, Any]]:
    zone = str(c.inputs.get("hostedZoneId", ""))
    name = c.inputs.get("name")
    return f"{zone},{name}" if name else zone, {}


@fake(t.ROUTE53_QUERY_LOG)
def _query_log(c: FakeContext) -> tuple[str, dict[str, Any]]:
    qid = _uuid(c)
    return qid, {"arn": f"arn:aws:route53:::queryloggingconfig/{qid}"}


@fake(t.LOG_RESOURCE_POLICY)
def _log_resource_policy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    return str(c.inputs.get("policyName", c.name)), {}


@fake(t.SNS_TOPIC)
def _topic(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name(max_len=256)
    arn = c.arn("sns", name)
    return arn, {"arn": arn, "name": name}


@fake(t.SNS_TOPIC_SUBSCRIPTION)
def _subscription(c: FakeContext) -> tuple[str, dict[str, Any]]:
    arn = f"{c.inputs.get('topic', '')}:{_uuid(c)}"
    return arn, {"arn": arn, "pendingConfirmation": c.inputs.get("protocol") == "email"}


@fake(t.METRIC_ALARM)
def _alarm(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {"name": name, "arn": c.arn("cloudwatch", f"alarm:{name}")}


@fake(t.DASHBOARD)
def _dashboard(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name("dashboardName")
    return name, {"dashboardArn": f"arn:aws:cloudwatch::{c.account}:dashboard/{name}"}


@fake(t.WEB_ACL)
def _web_acl(c: FakeContext) -> tuple[str, dict[str, Any]]:
    wid = _uuid(c)
    name = c.physical_name()
    return wid, {
        "arn": c.arn("wafv2", f"regional/webacl/{name}/{wid}"),
        "capacity": 1325,
        "lockToken": _uuid(c, "lock"),
    }


@fake(t.WEB_ACL_ASSOCIATION)
def _web_acl_association(c: FakeContext) -> tuple[str, dict[str, Any]]:
    return f"{c.inputs.get('webAclArn', '')},{c.inputs.get('resourceArn', '')}", {}


def provider_outputs(c: FakeContext) -> tuple[str, dict[str, Any]]:
    return _uuid(c), {}


def generic(c: FakeContext) -> tuple[str, dict[str, Any]]:
    """Types without a dedicated fake still get a stable id and an ARN of the right shape."""
    service = c.typ.split(":")[1].split("/")[0] if c.typ.count(":") >= 2 else "tap"
    rid = c.physical_name()
    return rid, {"arn": c.arn(service, rid)}


def outputs_for(c: FakeContext) -> tuple[str, dict[str, Any]]:
    """id and state for a resource: inputs echoed back, overlaid with what AWS would compute."""
    make = FAKES.get(c.typ)
    if make is None and c.typ.startswith("pulumi:providers:"):
        make = provider_outputs
    rid, extra = (make or generic)(c)
    state = {**c.inputs, **extra}
    state.setdefault("id", rid)
    if c.typ.startswith("aws:"):
        state.setdefault("region", c.region)
    # Map-tagged resources get provider default tags merged in (ASGs take a list instead).
    if isinstance(c.inputs.get("tags"), dict):
        state["tagsAll"] = dict(c.inputs["tags"])
    return rid, state
