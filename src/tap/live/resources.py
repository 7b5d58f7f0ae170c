"""What describe_* returns, in the shapes the policy rules read (Pulumi type tokens and
camelCase input names), so `tap verify --live` runs the same rules on the deployed stack.

Settings an API does not report (an RDS instance's final snapshot identifier, for one) are
marked unknown, which the rules treat as "cannot judge", never as a violation."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.live.describe import Described
from tap.policies.runner import ResourceArgs
from tap.props import UNKNOWN

# Groups AWS creates and the stack takes over or never uses for traffic.
DEFAULT_GROUP_NAME = "default"


def _args(typ: str, name: str, props: dict[str, Any]) -> ResourceArgs:
    return ResourceArgs(resource_type=typ, props=props, urn=f"live::{typ}::{name}", name=name)


def security_group_rules(d: Described) -> list[ResourceArgs]:
    found = []
    for g in d.security_groups:
        if g.get("GroupName") == DEFAULT_GROUP_NAME:
            continue  # judged as a whole by default-security-group-empty
        gid = g["GroupId"]
        for direction, permissions, typ in (
            ("ingress", g.get("IpPermissions", []), t.INGRESS_RULE),
            ("egress", g.get("IpPermissionsEgress", []), t.EGRESS_RULE),
        ):
            for i, p in enumerate(permissions):
                base = {
                    "securityGroupId": gid,
                    "ipProtocol": p.get("IpProtocol"),
                    "fromPort": p.get("FromPort"),
                    "toPort": p.get("ToPort"),
                }
                peers: list[dict[str, Any]] = (
                    [
                        {"cidrIpv4": r.get("CidrIp"), "description": r.get("Description")}
                        for r in p.get("IpRanges", [])
                    ]
                    + [
                        {"cidrIpv6": r.get("CidrIpv6"), "description": r.get("Description")}
                        for r in p.get("Ipv6Ranges", [])
                    ]
                    + [
                        {"referencedSecurityGroupId": r.get("GroupId"), "description": r.get("Description")}
                        for r in p.get("UserIdGroupPairs", [])
                    ]
                    + [
                        {"prefixListId": r.get("PrefixListId"), "description": r.get("Description")}
                        for r in p.get("PrefixListIds", [])
                    ]
                )
                for j, peer in enumerate(peers):
                    found.append(_args(typ, f"{gid}-{direction}-{i}-{j}", {**base, **peer}))
    return found


def default_groups(d: Described) -> list[ResourceArgs]:
    found = []
    for g in d.security_groups:
        if g.get("GroupName") == DEFAULT_GROUP_NAME:
            found.append(
                _args(
                    t.DEFAULT_SECURITY_GROUP,
                    g["GroupId"],
                    {"ingress": g.get("IpPermissions", []), "egress": g.get("IpPermissionsEgress", [])},
                )
            )
    return found


def launch_templates(d: Described) -> list[ResourceArgs]:
    found = []
    for lt_id, data in d.launch_templates.items():
        meta = data.get("MetadataOptions") or {}
        props = {
            "metadataOptions": {
                "httpTokens": meta.get("HttpTokens", "optional"),
                "httpPutResponseHopLimit": meta.get("HttpPutResponseHopLimit"),
            },
            "blockDeviceMappings": [
                {
                    "deviceName": m.get("DeviceName"),
                    "ebs": {
                        "encrypted": (m.get("Ebs") or {}).get("Encrypted"),
                        "kmsKeyId": (m.get("Ebs") or {}).get("KmsKeyId"),
                    }
                    if "Ebs" in m
                    else None,
                }
                for m in data.get("BlockDeviceMappings", [])
            ],
            "networkInterfaces": [
                {
                    "associatePublicIpAddress": n.get("AssociatePublicIpAddress"),
                    "securityGroups": n.get("Groups", []),
                }
                for n in data.get("NetworkInterfaces", [])
            ],
            "userData": data.get("UserData"),
            "imageId": data.get("ImageId"),
        }
        found.append(_args(t.LAUNCH_TEMPLATE, lt_id, props))
    return found


def db_instance(d: Described) -> list[ResourceArgs]:
    db = d.db_instance
    if not db:
        return []
    secret = db.get("MasterUserSecret") or {}
    groups = db.get("DBParameterGroups") or [{}]
    # AWS always reports PerformanceInsightsEnabled; an API that leaves it out (an emulator)
    # has told us nothing, which is not the same as "off".
    pi_reported = "PerformanceInsightsEnabled" in db
    props = {
        "storageEncrypted": db.get("StorageEncrypted"),
        "kmsKeyId": db.get("KmsKeyId"),
        "publiclyAccessible": db.get("PubliclyAccessible"),
        "multiAz": db.get("MultiAZ"),
        "backupRetentionPeriod": db.get("BackupRetentionPeriod"),
        "deletionProtection": db.get("DeletionProtection"),
        # describe_db_instances does not report what deleting the instance would do.
        "finalSnapshotIdentifier": UNKNOWN,
        "iamDatabaseAuthenticationEnabled": db.get("IAMDatabaseAuthenticationEnabled"),
        "performanceInsightsEnabled": db["PerformanceInsightsEnabled"] if pi_reported else UNKNOWN,
        "performanceInsightsKmsKeyId": db.get("PerformanceInsightsKMSKeyId") if pi_reported else UNKNOWN,
        "enabledCloudwatchLogsExports": db.get("EnabledCloudwatchLogsExports", []),
        "parameterGroupName": groups[0].get("DBParameterGroupName"),
        "dbSubnetGroupName": (db.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
        "manageMasterUserPassword": bool(secret),
        "masterUserSecretKmsKeyId": secret.get("KmsKeyId"),
        "engineVersion": db.get("EngineVersion"),
        "autoMinorVersionUpgrade": db.get("AutoMinorVersionUpgrade"),
        # A request parameter of ModifyDBInstance, not state: AWS cannot report it.
        "applyImmediately": UNKNOWN,
    }
    return [_args(t.RDS_INSTANCE, db["DBInstanceIdentifier"], props)]


def db_parameter_groups(d: Described) -> list[ResourceArgs]:
    """Each group with the parameters RDS reports set, named and valued as the plan declares them."""
    return [
        _args(
            t.RDS_PARAMETER_GROUP,
            g.name,
            {
                "name": g.name,
                "parameters": [
                    {
                        "name": p.get("ParameterName"),
                        "value": p.get("ParameterValue"),
                        "applyMethod": p.get("ApplyMethod"),
                    }
                    for p in g.parameters
                ],
            },
        )
        for g in d.db_parameter_groups
    ]


def load_balancer(d: Described) -> list[ResourceArgs]:
    lb = d.load_balancer
    if not lb:
        return []
    attrs = d.lb_attributes
    found = [
        _args(
            t.LOAD_BALANCER,
            lb.get("LoadBalancerName", "alb"),
            {
                "loadBalancerType": lb.get("Type"),
                "internal": lb.get("Scheme") == "internal",
                "dropInvalidHeaderFields": attrs.get("routing.http.drop_invalid_header_fields.enabled"),
                "accessLogs": {
                    "enabled": attrs.get("access_logs.s3.enabled"),
                    "bucket": attrs.get("access_logs.s3.bucket"),
                },
            },
        )
    ]
    for listener in d.listeners:
        certs = listener.get("Certificates") or [{}]
        found.append(
            _args(
                t.LISTENER,
                listener["ListenerArn"].rsplit("/", 1)[-1],
                {
                    "protocol": listener.get("Protocol"),
                    "port": listener.get("Port"),
                    "sslPolicy": listener.get("SslPolicy"),
                    "certificateArn": certs[0].get("CertificateArn"),
                },
            )
        )
    return found


def policy_resources(d: Described) -> list[ResourceArgs]:
    return [
        *security_group_rules(d),
        *default_groups(d),
        *launch_templates(d),
        *db_instance(d),
        *db_parameter_groups(d),
        *load_balancer(d),
    ]
